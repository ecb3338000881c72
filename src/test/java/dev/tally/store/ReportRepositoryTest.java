package dev.tally.store;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tally.config.TallyConfig;
import dev.tally.ops.Period;
import dev.tally.ops.Reports;
import dev.tally.ops.Reports.Item;
import dev.tally.ops.RollupVerticle;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Rollups, reports and pruning against both store kinds, on minute counters written straight into the store. */
class ReportRepositoryTest extends BothStoresTest {
  static final long DAY = 86_400_000L;

  static Stream<TallyConfig.Store> stores() throws Exception {
    return Stream.of(StoreFixture.h2(), StoreFixture.mysql("tally_test_reports"));
  }

  static long at(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  /** Adds PASS/FAIL/ERROR counts of a task at one minute. */
  static void count(Pool pool, String task, String iso, long pass, long fail, long error) throws Exception {
    await(Writes.execute(pool, "INSERT INTO result_counts (task_id, bucket_minute, pass_count, fail_count, error_count)"
        + " VALUES (?, ?, ?, ?, ?)", Tuple.of(task, at(iso) / 60_000L, pass, fail, error)));
  }

  static List<String> rollupRows(Pool pool) throws Exception {
    List<String> rows = new ArrayList<>();
    await(pool.query("SELECT period, task_id, period_start, pass_count, fail_count, error_count FROM report_rollups"
        + " ORDER BY period, task_id, period_start").execute())
        .forEach(r -> rows.add(r.getString(0) + " " + r.getString(1) + " " + Instant.ofEpochMilli(r.getLong(2)) + " "
            + r.getLong(3) + "/" + r.getLong(4) + "/" + r.getLong(5)));
    return rows;
  }

  static String items(Reports.Report report) {
    StringBuilder sb = new StringBuilder();
    for (Item i : report.items()) sb.append(i.startIso()).append(' ').append(i.pass()).append('/').append(i.fail()).append('/').append(i.error()).append(';');
    return sb.toString();
  }

  @ParameterizedTest
  @MethodSource("stores")
  void rollupsAreIdempotentAndReportsReadTheSameBeforeAndAfterThem(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    ReportRepository repo = new ReportRepository(pool);
    Reports reports = new Reports(repo);
    // Sunday 2026-11-22 and Monday 2026-11-23 (a new ISO week), then the current day 2026-12-01 (a new month)
    count(pool, "a", "2026-11-22T10:00:00Z", 5, 1, 0);
    count(pool, "a", "2026-11-22T23:59:00Z", 1, 0, 0);
    count(pool, "b", "2026-11-22T12:00:00Z", 2, 2, 1);
    count(pool, "a", "2026-11-23T00:00:00Z", 3, 0, 0);
    count(pool, "a", "2026-12-01T08:00:00Z", 4, 4, 0);
    long now = at("2026-12-01T09:00:00Z");
    long from = at("2026-11-20T00:00:00Z");

    String daysBefore = items(await(reports.report(Period.DAY, "a", from, now)));
    String weeksBefore = items(await(reports.report(Period.WEEK, null, from, now)));
    String monthsBefore = items(await(reports.report(Period.MONTH, null, from, now)));
    assertEquals("2026-11-16T00:00:00Z 8/3/1;2026-11-23T00:00:00Z 3/0/0;2026-11-30T00:00:00Z 4/4/0;", weeksBefore);
    assertEquals("2026-11-01T00:00:00Z 11/3/1;2026-12-01T00:00:00Z 4/4/0;", monthsBefore);

    long allKept = at("2026-01-01T00:00:00Z");
    await(RollupVerticle.rollAll(repo, now, allKept));
    List<String> rows = rollupRows(pool);
    assertEquals(List.of(
        "day a 2026-11-22T00:00:00Z 6/1/0", "day a 2026-11-23T00:00:00Z 3/0/0", "day b 2026-11-22T00:00:00Z 2/2/1",
        "month a 2026-11-01T00:00:00Z 9/1/0", "month b 2026-11-01T00:00:00Z 2/2/1",
        "week a 2026-11-16T00:00:00Z 6/1/0", "week a 2026-11-23T00:00:00Z 3/0/0", "week b 2026-11-16T00:00:00Z 2/2/1"), rows,
        "days up to 2026-11-30 and the weeks and month that ended are rolled; the current ones are not");
    assertEquals(at("2026-12-01T00:00:00Z"), await(repo.watermark("day")));
    assertEquals(at("2026-11-30T00:00:00Z"), await(repo.watermark("week")));
    assertEquals(at("2026-12-01T00:00:00Z"), await(repo.watermark("month")));

    // re-rolling a period, or a whole round, gives the same rows
    await(repo.rollUp("day", at("2026-11-22T00:00:00Z"), at("2026-11-23T00:00:00Z"), now + 1));
    await(RollupVerticle.rollAll(repo, now, allKept));
    assertEquals(rows, rollupRows(pool));

    // a result recorded late into the last rolled day and month reaches their rollups in the next round
    count(pool, "a", "2026-11-30T23:59:00Z", 0, 1, 0);
    await(RollupVerticle.rollAll(repo, now + 60_000, allKept));
    List<String> late = rollupRows(pool);
    assertEquals(List.of(
        "day a 2026-11-22T00:00:00Z 6/1/0", "day a 2026-11-23T00:00:00Z 3/0/0", "day a 2026-11-30T00:00:00Z 0/1/0",
        "day b 2026-11-22T00:00:00Z 2/2/1", "month a 2026-11-01T00:00:00Z 9/2/0", "month b 2026-11-01T00:00:00Z 2/2/1",
        "week a 2026-11-16T00:00:00Z 6/1/0", "week a 2026-11-23T00:00:00Z 3/0/0", "week b 2026-11-16T00:00:00Z 2/2/1"), late,
        "2026-11-30 is a Monday: its week is the current one, read from the minutes");
    daysBefore = items(await(reports.report(Period.DAY, "a", from, now)));
    weeksBefore = items(await(reports.report(Period.WEEK, null, from, now)));
    monthsBefore = items(await(reports.report(Period.MONTH, null, from, now)));

    // minute counters past their retention go once every period kind has rolled them; reports read the same
    TallyConfig.Retention keepOneDay = new TallyConfig.Retention(24, 7, 730, 1, 90, 300);
    await(RollupVerticle.rollAndPrune(repo, keepOneDay, now));
    long minutesLeft = await(pool.query("SELECT COUNT(*) FROM result_counts").execute()).iterator().next().getLong(0);
    assertEquals(2, minutesLeft, "only the minutes of the current week (from Monday 2026-11-30) are left");
    assertEquals(daysBefore, items(await(reports.report(Period.DAY, "a", from, now))));
    assertEquals(weeksBefore, items(await(reports.report(Period.WEEK, null, from, now))));
    assertEquals(monthsBefore, items(await(reports.report(Period.MONTH, null, from, now))));

    Item sunday = await(reports.report(Period.DAY, null, at("2026-11-22T00:00:00Z"), at("2026-11-23T00:00:00Z"))).items().get(0);
    assertEquals(8, sunday.pass());
    assertEquals(3, sunday.fail());
    assertEquals(1, sunday.error());
    assertEquals(12, sunday.total());
    assertEquals(8.0 / 12, sunday.passRate(), 1e-12);
    assertNull(await(reports.report(Period.DAY, "nobody", from, now)).items().get(0).passRate(), "no results: no rate");
    await(pool.close());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void oldResultsAndRollupsAreDeletedInBatches(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    ReportRepository repo = new ReportRepository(pool);
    long now = at("2026-12-01T09:00:00Z");
    List<Tuple> rows = new ArrayList<>();
    for (int i = 0; i < 1203; i++) rows.add(result("old" + i, now - 100 * DAY + i));
    for (int i = 0; i < 7; i++) rows.add(result("new" + i, now - DAY));
    await(Writes.batch(pool, "INSERT INTO results (id, task_id, event_id, attempt, status, entity_key, created_at, body)"
        + " VALUES (?, 't', ?, 1, 'FAIL', 'k', ?, '{}')", rows));

    assertEquals(1203L, await(repo.pruneResults(now - 90 * DAY)), "three batches of 500 and one of 203");
    assertEquals(7L, await(pool.query("SELECT COUNT(*) FROM results").execute()).iterator().next().getLong(0));
    assertEquals(0L, await(repo.pruneResults(now - 90 * DAY)));
    await(Writes.execute(pool, "INSERT INTO report_rollups (period, task_id, period_start, pass_count, fail_count, error_count,"
        + " rolled_at) VALUES ('day', 't', ?, 1, 0, 0, ?)", Tuple.of(now - 800 * DAY, now)));
    assertEquals(1L, await(repo.pruneRollups(now - 730 * DAY)));
    await(pool.close());
  }

  private static Tuple result(String id, long createdAt) {
    return Tuple.of(id, id, createdAt);
  }
}
