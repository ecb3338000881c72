package dev.tally.ops;

import dev.tally.config.TallyConfig;
import dev.tally.store.AuthRepository;
import dev.tally.store.DeadLetterRepository;
import dev.tally.store.JobRepository;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forgets finished-job ids, old dead letters and expired sessions, every few minutes, with a timer that
 * reschedules itself; in a cluster one node does it per round.
 */
public final class RetentionVerticle extends LeasedRoundsVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionVerticle.class);
  private static final long EVERY_MS = 5 * 60_000;

  private final TallyConfig.Retention retention;
  private final JobRepository jobs;
  private final DeadLetterRepository deadLetters;
  private final AuthRepository auth;

  /** {@code auth}: whose expired sessions are deleted (a session not logged out stays a row until then). */
  public RetentionVerticle(TallyConfig.Retention retention, JobRepository jobs, DeadLetterRepository deadLetters,
                           AuthRepository auth) {
    super("tally.lease.retention", 10_000);
    this.retention = retention;
    this.jobs = jobs;
    this.deadLetters = deadLetters;
    this.auth = auth;
  }

  @Override
  long intervalMs() {
    return EVERY_MS;
  }

  @Override
  Future<Void> work() {
    long now = System.currentTimeMillis();
    return Future.join(
            jobs.forgetFinishedBefore(now - retention.dedupeHours() * 3_600_000L),
            deadLetters.deleteBefore(now - retention.deadLetterDays() * 86_400_000L),
            auth.deleteExpiredSessions(now))
        .onFailure(err -> LOG.warn("retention sweep failed: {}", err.getMessage()))
        .mapEmpty();
  }
}
