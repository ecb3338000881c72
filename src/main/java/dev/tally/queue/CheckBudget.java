package dev.tally.queue;

import java.util.HashMap;
import java.util.Map;

/**
 * How many jobs a node takes at once. {@code queue.maxInFlight} bounds the jobs being checked: their reads are the
 * load Tally puts on the data sources. A job whose check is over still waits for its result's commit (and, on
 * RocketMQ, its acknowledgement); that wait is the store's, not the sources', so it does not hold a check's place.
 * Were it to, the in-flight bound would cap throughput at {@code maxInFlight} ÷ (check time + commit time) while the
 * sources and the store both sat idle half the time. Jobs checked and not yet done with are bounded apart, at
 * {@link #DONE_WAITING_PER_CHECK} times as many, so a slow or failing store stops new work rather than filling the
 * heap.
 *
 * <p>Keyed by job (or delivery) id, so a second take of the same id, a second "checked" or a late "released" changes
 * nothing twice. Thread-safe: the RocketMQ client's threads and the event loops share it.
 */
public final class CheckBudget {
  /** Checked jobs waiting for their commit, per place for a check. */
  public static final int DONE_WAITING_PER_CHECK = 4;

  private final int maxChecking;
  private final int maxChecked;
  /** Id to whether it is still being checked (true) or checked and waiting to be released (false). */
  private final Map<String, Boolean> held = new HashMap<>();
  private int checking;

  public CheckBudget(int maxChecking) {
    if (maxChecking < 1) throw new IllegalArgumentException("maxChecking must be at least 1, got " + maxChecking);
    this.maxChecking = maxChecking;
    this.maxChecked = maxChecking * DONE_WAITING_PER_CHECK;
  }

  /** How many more jobs may be taken now (0 when either bound is reached). */
  public synchronized int room() {
    int checked = held.size() - checking;
    if (checked >= maxChecked) return 0;
    return Math.max(0, maxChecking - checking);
  }

  /** A job is handed to a check: it holds a place until {@link #checked}. Taking one held already re-opens its check. */
  public synchronized void take(String id) {
    Boolean before = held.put(id, Boolean.TRUE);
    if (before == null || !before) checking++;
  }

  /** The job's check is over; it waits for its commit or acknowledgement, no longer holding a check's place. */
  public synchronized void checked(String id) {
    if (Boolean.TRUE.equals(held.replace(id, Boolean.FALSE))) checking--;
  }

  /** The job is done with (recorded, re-queued, discarded): it holds nothing any more. */
  public synchronized void released(String id) {
    Boolean was = held.remove(id);
    if (Boolean.TRUE.equals(was)) checking--;
  }

  public synchronized boolean holds(String id) {
    return held.containsKey(id);
  }

  /** Jobs taken and not yet released, checked or not. */
  public synchronized int held() {
    return held.size();
  }

  /** Jobs being checked. */
  public synchronized int checking() {
    return checking;
  }
}
