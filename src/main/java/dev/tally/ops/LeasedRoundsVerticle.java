package dev.tally.ops;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Work done in rounds by a timer that reschedules itself, once per round in the whole cluster: the node that
 * gets the lock (a SharedData lock, freed if its holder dies) works, the others skip the round.
 */
abstract class LeasedRoundsVerticle extends VerticleBase {
  private final String lockName;
  private final long firstDelayMs;
  private long timerId = -1;

  LeasedRoundsVerticle(String lockName, long firstDelayMs) {
    this.lockName = lockName;
    this.firstDelayMs = firstDelayMs;
  }

  /** One round's work; its failure is the subclass's to log. */
  abstract Future<Void> work();

  abstract long intervalMs();

  @Override
  public Future<?> start() {
    scheduleNext(firstDelayMs);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (timerId >= 0) vertx.cancelTimer(timerId);
    return Future.succeededFuture();
  }

  private void scheduleNext(long delay) {
    timerId = vertx.setTimer(delay, id -> round().onComplete(v -> scheduleNext(intervalMs())));
  }

  Future<Void> round() {
    return vertx.sharedData().getLockWithTimeout(lockName, 100)
        .compose(lock -> work().eventually(() -> {
          lock.release();
          return Future.succeededFuture();
        }))
        .recover(notOursOrFailed -> Future.succeededFuture());
  }
}
