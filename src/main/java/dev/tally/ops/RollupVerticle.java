package dev.tally.ops;

import dev.tally.config.TallyConfig;
import dev.tally.store.ReportRepository;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls finished periods of the minute counters into day, week and month rollups, then prunes: minute counters
 * older than their retention and already rolled up into every period, rollups older than theirs, and stored
 * results (FAIL/ERROR detail) older than theirs. Every few minutes, by a timer that reschedules itself; in a
 * cluster one node does it per round (a lock), and a round cut short is simply done again by the next.
 */
public final class RollupVerticle extends LeasedRoundsVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(RollupVerticle.class);
  /** A period is rolled once it ended this long ago, so results still being group-committed are in it. */
  static final long GRACE_MS = 2 * 60_000;
  /** Periods rolled per kind and round at most, so a first round over a long history stays short. */
  static final int MAX_PERIODS_PER_ROUND = 400;
  private static final long DAY_MS = 86_400_000L;

  private final TallyConfig.Retention retention;
  private final ReportRepository reports;

  public RollupVerticle(TallyConfig.Retention retention, ReportRepository reports) {
    super("tally.lease.rollups", 15_000);
    this.retention = retention;
    this.reports = reports;
  }

  @Override
  long intervalMs() {
    return retention.rollupIntervalSeconds() * 1000L;
  }

  @Override
  Future<Void> work() {
    return rollAndPrune(reports, retention, System.currentTimeMillis())
        .onFailure(err -> LOG.warn("report rollup failed: {}", err.getMessage()));
  }

  /** One round at {@code now}: the rollups, then the pruning; plain store work, callable from tests. */
  public static Future<Void> rollAndPrune(ReportRepository reports, TallyConfig.Retention retention, long now) {
    return rollAll(reports, now, now - retention.minuteCountDays() * DAY_MS)
        .compose(v -> Future.all(reports.watermark(Period.DAY.key()), reports.watermark(Period.WEEK.key()),
            reports.watermark(Period.MONTH.key())))
        .compose(marks -> {
          long minutesBefore = now - retention.minuteCountDays() * DAY_MS;
          for (int i = 0; i < 3; i++) {
            Long mark = marks.resultAt(i);
            // a minute is pruned only once every period kind has rolled it up
            minutesBefore = mark == null ? Long.MIN_VALUE : Math.min(minutesBefore, mark);
          }
          Future<Long> minutes = minutesBefore == Long.MIN_VALUE ? Future.succeededFuture(0L) : reports.pruneMinutes(minutesBefore);
          return minutes
              .compose(m -> reports.pruneRollups(now - retention.rollupDays() * DAY_MS)
                  .compose(r -> reports.pruneResults(now - retention.resultDays() * DAY_MS)
                      .map(res -> {
                        if (m + r + res > 0) LOG.info("retention: deleted {} minute counters, {} rollups, {} results", m, r, res);
                        return null;
                      })));
        });
  }

  /**
   * Rolls every period of each kind that ended (with the grace) since its watermark. The last period rolled
   * before is rolled again when it starts at or after {@code completeSince} (its minute counters are all kept
   * from there on), so a result recorded late, e.g. after a store outage, still reaches its rollup.
   */
  public static Future<Void> rollAll(ReportRepository reports, long now, long completeSince) {
    return reports.earliestCount().compose(earliest -> {
      if (earliest == null) return Future.succeededFuture();
      Future<Void> chain = Future.succeededFuture();
      for (Period period : Period.values()) {
        chain = chain.compose(v -> reports.watermark(period.key()).compose(mark -> {
          if (mark == null) return rollFrom(reports, period, period.start(earliest), now, 0);
          long last = period.start(mark - 1);
          Future<Void> again = last >= completeSince ? reports.rollUp(period.key(), last, mark, now) : Future.succeededFuture();
          return again.compose(x -> rollFrom(reports, period, mark, now, 0));
        }));
      }
      return chain;
    });
  }

  private static Future<Void> rollFrom(ReportRepository reports, Period period, long start, long now, int done) {
    long end = period.next(start);
    if (end > now - GRACE_MS || done >= MAX_PERIODS_PER_ROUND) return Future.succeededFuture();
    return reports.rollUp(period.key(), start, end, now).compose(v -> rollFrom(reports, period, end, now, done + 1));
  }
}
