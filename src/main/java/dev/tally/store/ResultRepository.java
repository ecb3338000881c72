package dev.tally.store;

import dev.tally.model.Job;
import dev.tally.model.Json;
import dev.tally.model.Result;
import dev.tally.model.Status;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Final results. Recording one deletes its job, stores it (FAIL/ERROR) and counts it, in one transaction;
 * a job already gone means this verdict was recorded before (a replay after a crash), so nothing is written.
 */
public final class ResultRepository {
  private final Pool pool;

  public ResultRepository(Pool pool) {
    this.pool = pool;
  }

  /** True if the result was recorded now, false if it had been before. */
  public Future<Boolean> record(Job job, Result result) {
    return pool.withTransaction(conn -> conn.preparedQuery("DELETE FROM jobs WHERE id = ? AND attempt = ?")
        .execute(Tuple.of(job.id(), job.attempt()))
        .compose(deleted -> deleted.rowCount() == 0
            ? Future.succeededFuture(false)
            : store(conn, result).compose(v -> count(conn, result)).map(true)));
  }

  private Future<Void> store(SqlConnection conn, Result r) {
    if (r.status() == Status.PASS) return Future.succeededFuture();
    return conn.preparedQuery("INSERT IGNORE INTO results (id, task_id, event_id, attempt, status, entity_key, created_at, body)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .execute(Tuple.tuple().addString(r.id()).addString(r.taskId()).addString(r.eventId()).addInteger(r.attempts())
            .addString(r.status().name()).addString(truncate(r.entityKey(), 255)).addLong(r.createdAt()).addString(Json.write(r)))
        .mapEmpty();
  }

  private Future<Void> count(SqlConnection conn, Result r) {
    long pass = r.status() == Status.PASS ? 1 : 0;
    long fail = r.status() == Status.FAIL ? 1 : 0;
    long error = r.status() == Status.ERROR ? 1 : 0;
    return conn.preparedQuery("INSERT INTO result_counts (task_id, bucket_minute, pass_count, fail_count, error_count)"
            + " VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE pass_count = pass_count + ?,"
            + " fail_count = fail_count + ?, error_count = error_count + ?")
        .execute(Tuple.of(r.taskId(), r.finishedAt() / 60_000, pass, fail, error, pass, fail, error))
        .mapEmpty();
  }

  public record Page(List<Result> items, String nextCursor) {
  }

  /** Newest first; {@code cursor} is the last id of the previous page. */
  public Future<Page> list(String taskId, Status status, Long from, Long to, int limit, String cursor) {
    StringBuilder sql = new StringBuilder("SELECT body FROM results WHERE 1 = 1");
    Tuple params = Tuple.tuple();
    if (taskId != null) {
      sql.append(" AND task_id = ?");
      params.addString(taskId);
    }
    if (status != null) {
      sql.append(" AND status = ?");
      params.addString(status.name());
    }
    if (from != null) {
      sql.append(" AND created_at >= ?");
      params.addLong(from);
    }
    if (to != null) {
      sql.append(" AND created_at < ?");
      params.addLong(to);
    }
    if (cursor != null) {
      sql.append(" AND id < ?");
      params.addString(cursor);
    }
    sql.append(" ORDER BY id DESC LIMIT ").append(limit);
    return pool.preparedQuery(sql.toString()).execute(params).map(rows -> {
      List<Result> items = new ArrayList<>(rows.size());
      rows.forEach(r -> items.add(Json.read(r.getString(0), Result.class)));
      String next = items.size() == limit ? items.get(items.size() - 1).id() : null;
      return new Page(items, next);
    });
  }

  public Future<Result> get(String id) {
    return pool.preparedQuery("SELECT body FROM results WHERE id = ?").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : Json.read(rows.iterator().next().getString(0), Result.class));
  }

  /** One row of per-minute counts. */
  public record MinuteCounts(long minute, long pass, long fail, long error) {
  }

  public Future<List<MinuteCounts>> counts(String taskId, long fromMinute, long toMinuteExclusive) {
    return pool.preparedQuery("SELECT bucket_minute, pass_count, fail_count, error_count FROM result_counts"
            + " WHERE task_id = ? AND bucket_minute >= ? AND bucket_minute < ? ORDER BY bucket_minute")
        .execute(Tuple.of(taskId, fromMinute, toMinuteExclusive)).map(rows -> {
          List<MinuteCounts> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(new MinuteCounts(r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3))));
          return out;
        });
  }

  private static String truncate(String s, int max) {
    return s == null ? "" : s.length() <= max ? s : s.substring(0, max);
  }
}
