package dev.tally.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Rollups of the per-minute result counters into report periods, their watermarks, and the pruning of old
 * counters, rollups and results in small batches. Periods are named by key (day, week, month); times are epoch ms.
 */
public final class ReportRepository {
  /** Rows one pruning statement deletes at most, so no statement holds the tables for long. */
  public static final int DELETE_BATCH = 500;

  private final Pool pool;

  public ReportRepository(Pool pool) {
    this.pool = pool;
  }

  /** PASS/FAIL/ERROR counts of one period (or minute) start, summed over the tasks asked for. */
  public record Counts(long start, long pass, long fail, long error) {
  }

  /** Where the rollups of {@code period} stop (exclusive); null if none was made yet. */
  public Future<Long> watermark(String period) {
    return pool.preparedQuery("SELECT rolled_until FROM report_watermarks WHERE period = ?").execute(Tuple.of(period))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
  }

  /** The earliest minute (epoch ms) of any counter; null if there is none. */
  public Future<Long> earliestCount() {
    return pool.query("SELECT MIN(bucket_minute) FROM result_counts").execute().map(rows -> {
      Long minute = rows.iterator().next().getLong(0);
      return minute == null ? null : minute * 60_000L;
    });
  }

  /**
   * Rolls the minute counters of [start, end) into one row per task of {@code period} starting at {@code start},
   * replacing any rows made before (so running it again gives the same rows), and moves the watermark up to
   * {@code end}; one transaction.
   */
  public Future<Void> rollUp(String period, long start, long end, long now) {
    return Writes.transaction(pool, conn -> conn.preparedQuery("DELETE FROM report_rollups WHERE period = ? AND period_start = ?")
        .execute(Tuple.of(period, start))
        .compose(v -> conn.preparedQuery("INSERT INTO report_rollups (period, task_id, period_start, pass_count, fail_count,"
                + " error_count, rolled_at) SELECT ?, task_id, ?, SUM(pass_count), SUM(fail_count), SUM(error_count), ?"
                + " FROM result_counts WHERE bucket_minute >= ? AND bucket_minute < ? GROUP BY task_id")
            .execute(Tuple.of(period, start, now, start / 60_000L, end / 60_000L)))
        .compose(v -> conn.preparedQuery("INSERT INTO report_watermarks (period, rolled_until) VALUES (?, ?)"
                + " ON DUPLICATE KEY UPDATE rolled_until = GREATEST(rolled_until, ?)")
            .execute(Tuple.of(period, end, end)))
        .mapEmpty());
  }

  /** Rolled-up counts of {@code period} with starts in [from, to), per start; {@code taskId} null: all tasks. */
  public Future<List<Counts>> rollups(String period, String taskId, long from, long to) {
    return rollups(period, taskId, null, from, to);
  }

  /** {@link #rollups(String, String, long, long)} of the tasks {@code taskIds} only (null: any). */
  public Future<List<Counts>> rollups(String period, String taskId, List<String> taskIds, long from, long to) {
    Tuple params = Tuple.of(period, from, to);
    String byTask = byTask(taskId, taskIds, params);
    return sums("SELECT period_start, SUM(pass_count), SUM(fail_count), SUM(error_count) FROM report_rollups"
        + " WHERE period = ? AND period_start >= ? AND period_start < ?" + byTask + " GROUP BY period_start", params, 1);
  }

  /** Minute counters in [from, to) (epoch ms, whole minutes), per minute; {@code taskId} null: all tasks. */
  public Future<List<Counts>> minutes(String taskId, long from, long to) {
    return minutes(taskId, null, from, to);
  }

  /** {@link #minutes(String, long, long)} of the tasks {@code taskIds} only (null: any). */
  public Future<List<Counts>> minutes(String taskId, List<String> taskIds, long from, long to) {
    Tuple params = Tuple.of(from / 60_000L, to / 60_000L);
    String byTask = byTask(taskId, taskIds, params);
    return sums("SELECT bucket_minute, SUM(pass_count), SUM(fail_count), SUM(error_count) FROM result_counts"
        + " WHERE bucket_minute >= ? AND bucket_minute < ?" + byTask + " GROUP BY bucket_minute", params, 60_000L);
  }

  private static String byTask(String taskId, List<String> taskIds, Tuple params) {
    if (taskId != null) params.addString(taskId);
    return (taskId == null ? "" : " AND task_id = ?") + InList.and("task_id", taskIds, params);
  }

  private Future<List<Counts>> sums(String sql, Tuple params, long startScale) {
    return pool.preparedQuery(sql).execute(params).map(rows -> {
      List<Counts> out = new ArrayList<>(rows.size());
      for (Row r : rows) out.add(new Counts(r.getLong(0) * startScale, r.getLong(1), r.getLong(2), r.getLong(3)));
      return out;
    });
  }

  /** Deletes minute counters before {@code before} (epoch ms); how many. */
  public Future<Long> pruneMinutes(long before) {
    return deleteInBatches("DELETE FROM result_counts WHERE bucket_minute < ?", before / 60_000L, 0);
  }

  /** Deletes rollups of periods that started before {@code before}; how many. */
  public Future<Long> pruneRollups(long before) {
    return deleteInBatches("DELETE FROM report_rollups WHERE period_start < ?", before, 0);
  }

  /** Deletes stored results (FAIL/ERROR detail, followed results) created before {@code before}; how many. */
  public Future<Long> pruneResults(long before) {
    return deleteInBatches("DELETE FROM results WHERE created_at < ?", before, 0);
  }

  /** One short transaction per {@value #DELETE_BATCH} rows, until a batch comes back short. */
  private Future<Long> deleteInBatches(String sql, long before, long deleted) {
    return Writes.execute(pool, sql + " LIMIT " + DELETE_BATCH, Tuple.of(before)).compose(rows -> {
      long total = deleted + rows.rowCount();
      return rows.rowCount() < DELETE_BATCH ? Future.succeededFuture(total) : deleteInBatches(sql, before, total);
    });
  }
}
