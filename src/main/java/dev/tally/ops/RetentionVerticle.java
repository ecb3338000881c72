package dev.tally.ops;

import dev.tally.config.TallyConfig;
import dev.tally.store.DeadLetterRepository;
import dev.tally.store.JobRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forgets finished-job ids and old dead letters, every few minutes, with a timer that reschedules itself; in a
 * cluster one node does it per round.
 */
public final class RetentionVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionVerticle.class);
  private static final long EVERY_MS = 5 * 60_000;

  private final TallyConfig.Retention retention;
  private final JobRepository jobs;
  private final DeadLetterRepository deadLetters;
  private long timerId = -1;

  public RetentionVerticle(TallyConfig.Retention retention, JobRepository jobs, DeadLetterRepository deadLetters) {
    this.retention = retention;
    this.jobs = jobs;
    this.deadLetters = deadLetters;
  }

  @Override
  public Future<?> start() {
    scheduleNext(10_000);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (timerId >= 0) vertx.cancelTimer(timerId);
    return Future.succeededFuture();
  }

  private void scheduleNext(long delay) {
    timerId = vertx.setTimer(delay, id -> sweep().onComplete(v -> scheduleNext(EVERY_MS)));
  }

  /** Once per round in the whole cluster: the node that gets the lock sweeps, the others skip. */
  Future<Void> sweep() {
    return vertx.sharedData().getLockWithTimeout("tally.lease.retention", 100)
        .compose(lock -> sweepNow().eventually(() -> {
          lock.release();
          return Future.succeededFuture();
        }))
        .recover(notOurs -> Future.succeededFuture());
  }

  private Future<Void> sweepNow() {
    long now = System.currentTimeMillis();
    return Future.join(
            jobs.forgetFinishedBefore(now - retention.dedupeHours() * 3_600_000L),
            deadLetters.deleteBefore(now - retention.deadLetterDays() * 86_400_000L))
        .onFailure(err -> LOG.warn("retention sweep failed: {}", err.getMessage()))
        .mapEmpty();
  }
}
