package dev.tally.queue;

/**
 * How many jobs this node's local queue holds: queued (waiting, due or not), due (their time has come but
 * the in-flight bound holds them back) and in flight (handed to a compare verticle). Written by the
 * scheduler on its event loop, read from anywhere (metrics, the live stream).
 */
public final class QueueDepth {
  private volatile int queued;
  private volatile int due;
  private volatile int inFlight;

  void set(int queued, int due, int inFlight) {
    this.queued = queued;
    this.due = due;
    this.inFlight = inFlight;
  }

  public int queued() {
    return queued;
  }

  public int due() {
    return due;
  }

  public int inFlight() {
    return inFlight;
  }
}
