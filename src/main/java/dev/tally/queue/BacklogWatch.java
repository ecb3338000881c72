package dev.tally.queue;

/**
 * Tells when a burst's backlog has drained. A local queue holding tens of thousands of jobs keeps them long enough
 * for the collector to move them to the old generation; once they are checked they are garbage there, and the next
 * full collection (a pause of 100 to 300 ms on a 256 MB heap) comes at a moment of the traffic that follows, whatever
 * it is. Collecting once, as the backlog runs out, puts that pause where the burst's own latency already is
 * (load-tests/RESULTS.md, run 15). Plain state, fed the queue's depth once a second by the scheduler.
 */
public final class BacklogWatch {
  private final int burst;
  private final int drained;
  private boolean inBurst;

  /**
   * {@code burst}: queued jobs from which a backlog counts as a burst's; {@code drained}: jobs (queued and in flight)
   * below which it is over.
   */
  public BacklogWatch(int burst, int drained) {
    if (drained < 0 || burst <= drained) throw new IllegalArgumentException("need 0 <= drained < burst");
    this.burst = burst;
    this.drained = drained;
  }

  /** The depth now; true once, when a burst's backlog has just drained. */
  public boolean drainedNow(int queued, int inFlight) {
    if (queued >= burst) {
      inBurst = true;
      return false;
    }
    if (inBurst && queued + inFlight < drained) {
      inBurst = false;
      return true;
    }
    return false;
  }
}
