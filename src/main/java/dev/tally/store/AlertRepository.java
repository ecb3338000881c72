package dev.tally.store;

import dev.tally.model.AlertChannel;
import dev.tally.model.AlertDelivery;
import dev.tally.model.AlertExample;
import dev.tally.model.Ids;
import dev.tally.model.Json;
import dev.tally.model.Result;
import dev.tally.model.Status;
import dev.tally.secrets.SecretBox;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Alert channels, the failures not yet alerted (counted per task in the transaction that records them, see
 * {@link #countFailures}) and the deliveries: one row per message per channel, with its sending state.
 */
public final class AlertRepository {
  private static final String DELIVERY_COLUMNS =
      "id, channel_id, task_id, window_start, window_end, fail_count, status, attempts, last_error, sent_at, body";

  private final Pool pool;
  private final Documents<AlertChannel> channels;

  /** {@code secrets} seals the channels' URLs in the store. */
  public AlertRepository(Pool pool, SecretBox secrets) {
    this.pool = pool;
    channels = new Documents<>(pool, "alert_channels", AlertChannel.class, null,
        c -> new Object[] {c.id(), c.name(), c.kind().name(), c.createdAt(), c.updatedAt()}, secrets, SecretFields.ALERT_CHANNEL);
  }

  /** Re-encrypts channel URLs stored in plain text or under an older key; answers how many channels. */
  public Future<Integer> rewrapSecrets() {
    return channels.rewrap();
  }

  public Future<List<AlertChannel>> channels() {
    return channels.list();
  }

  /** The channel, or null. */
  public Future<AlertChannel> channel(String id) {
    return channels.get(id);
  }

  public Future<Void> insert(AlertChannel c) {
    return channels.insert(c);
  }

  public Future<Boolean> update(AlertChannel c) {
    return channels.update(c);
  }

  public Future<Boolean> deleteChannel(String id) {
    return channels.delete(id);
  }

  /**
   * Adds {@code failures} (task id to {how many, the task's window in ms, when the first finished}) to the tasks' counts, inside the
   * caller's transaction. Each task's row is changed by one statement that locks it (tasks in id order, after
   * result_counts, so concurrent writers lock in the same order), so a message being prepared takes either all
   * of these or none. When the count was empty, a new window starts: the window the first of them finished in,
   * never before the end of the last one taken (a failure recorded after its window was taken is in the next). (The count is assigned last: MySQL evaluates assignments in order, H2 on the old
   * row; either way the CASEs see the old count.)
   */
  static Future<Void> countFailures(SqlConnection conn, Map<String, long[]> failures) {
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, long[]> e : failures.entrySet()) {
      String taskId = e.getKey();
      long n = e.getValue()[0];
      long windowMs = e.getValue()[1];
      long first = e.getValue()[2];
      long aligned = first - Math.floorMod(first, windowMs);
      chain = chain
          .compose(v -> conn.preparedQuery("UPDATE alert_pending SET"
                  + " window_start = CASE WHEN fail_count = 0 THEN GREATEST(?, window_start) ELSE window_start END,"
                  + " window_ms = CASE WHEN fail_count = 0 THEN ? ELSE window_ms END,"
                  + " fail_count = fail_count + ? WHERE task_id = ?")
              .execute(Tuple.of(aligned, windowMs, n, taskId)))
          .compose(updated -> updated.rowCount() > 0 ? Future.succeededFuture()
              // the task's first failure ever: another writer may insert the row meanwhile, then this adds to it
              : conn.preparedQuery("INSERT INTO alert_pending (task_id, window_start, window_ms, fail_count) VALUES (?, ?, ?, ?)"
                  + " ON DUPLICATE KEY UPDATE fail_count = fail_count + ?").execute(Tuple.of(taskId, aligned, windowMs, n, n)))
          .mapEmpty();
    }
    return chain;
  }

  /** A task's failures waiting for their message: counted since {@code windowStart}, a window of {@code windowMs}. */
  public record Waiting(String taskId, long windowStart, long windowMs, long count) {
    public long windowEnd() {
      return windowStart + windowMs;
    }
  }

  /** The tasks whose counted failures' window has ended by {@code now}. */
  public Future<List<Waiting>> windowsEnded(long now) {
    return pool.preparedQuery("SELECT task_id, window_start, window_ms, fail_count FROM alert_pending"
        + " WHERE fail_count > 0 AND window_start + window_ms <= ?").execute(Tuple.of(now)).map(rows -> {
          List<Waiting> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(new Waiting(r.getString(0), r.getLong(1), r.getLong(2), r.getLong(3))));
          return out;
        });
  }

  /** The newest few failures of a task with these statuses, created at or after {@code from}. */
  public Future<List<Result>> examples(String taskId, List<Status> statuses, long from, int limit) {
    Tuple params = Tuple.of(taskId, from);
    statuses.forEach(s -> params.addString(s.name()));
    String marks = String.join(", ", Collections.nCopies(statuses.size(), "?"));
    return pool.preparedQuery("SELECT body FROM results WHERE task_id = ? AND created_at >= ? AND status IN (" + marks + ")"
        + " ORDER BY id DESC LIMIT " + limit).execute(params).map(rows -> {
          List<Result> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(Json.read(r.getString(0), Result.class)));
          return out;
        });
  }

  /**
   * Turns a task's waiting failures into one PENDING delivery per channel (none when {@code channelIds} is
   * empty: the task no longer alerts) and empties its count, in one transaction under the row's lock: the count
   * is read there, so failures recorded meanwhile go to this window or the next, never both. The next window
   * starts no earlier than this one's end. Answers the deliveries made (none if the count was taken already).
   */
  public Future<List<AlertDelivery>> takeWindow(Waiting w, List<String> channelIds, List<AlertExample> examples, long now) {
    return Writes.transaction(pool, conn -> conn.preparedQuery(
            "SELECT window_start, fail_count FROM alert_pending WHERE task_id = ? FOR UPDATE").execute(Tuple.of(w.taskId()))
        .compose(rows -> {
          Row row = rows.size() == 0 ? null : rows.iterator().next();
          if (row == null || row.getLong(1) == 0 || row.getLong(0) != w.windowStart()) {
            return Future.succeededFuture(List.<AlertDelivery>of());
          }
          long count = row.getLong(1);
          List<AlertDelivery> made = new ArrayList<>();
          List<Tuple> inserts = new ArrayList<>();
          for (String channelId : channelIds) {
            AlertDelivery d = new AlertDelivery(Ids.timeOrdered(now), channelId, w.taskId(), w.windowStart(), w.windowEnd(),
                count, examples, AlertDelivery.Status.PENDING, 0, null, null);
            made.add(d);
            inserts.add(Tuple.tuple().addString(d.id()).addString(channelId).addString(w.taskId()).addLong(w.windowStart())
                .addLong(w.windowEnd()).addLong(count).addString(d.status().name()).addInteger(0).addLong(now)
                .addString(Json.write(examples)));
          }
          Future<?> inserted = inserts.isEmpty() ? Future.succeededFuture()
              : conn.preparedQuery("INSERT IGNORE INTO alert_deliveries (id, channel_id, task_id, window_start, window_end,"
                  + " fail_count, status, attempts, due_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").executeBatch(inserts);
          return inserted
              .compose(v -> conn.preparedQuery("UPDATE alert_pending SET fail_count = 0, window_start = ? WHERE task_id = ?")
                  .execute(Tuple.of(w.windowEnd(), w.taskId())))
              .map(v -> (List<AlertDelivery>) made);
        }));
  }

  /** A delivery due to be sent; {@code dueAt} as read, for {@link #claim}. */
  public record Due(AlertDelivery delivery, long dueAt) {
  }

  /** PENDING deliveries due by {@code now}, soonest first. */
  public Future<List<Due>> due(long now, int limit) {
    return pool.preparedQuery("SELECT " + DELIVERY_COLUMNS + ", due_at FROM alert_deliveries WHERE status = ? AND due_at <= ?"
        + " ORDER BY due_at LIMIT " + limit).execute(Tuple.of(AlertDelivery.Status.PENDING.name(), now)).map(rows -> {
          List<Due> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(new Due(delivery(r), r.getLong(11))));
          return out;
        });
  }

  /**
   * Takes a due delivery until {@code leaseUntil}: true if this caller got it. Should this node die while
   * sending, the delivery is due again when the lease ends.
   */
  public Future<Boolean> claim(Due d, long leaseUntil) {
    return Writes.execute(pool, "UPDATE alert_deliveries SET due_at = ? WHERE id = ? AND due_at = ? AND status = ?",
        Tuple.of(leaseUntil, d.delivery().id(), d.dueAt(), AlertDelivery.Status.PENDING.name())).map(rows -> rows.rowCount() == 1);
  }

  /**
   * Keeps a send's outcome: SENT ({@code error} null; the error of an earlier failed attempt stays visible),
   * PENDING again at {@code nextDueAt}, or FAILED when {@code nextDueAt} is null.
   */
  public Future<Void> outcome(String id, int attempts, String error, Long nextDueAt, long now) {
    if (error == null) {
      return Writes.execute(pool, "UPDATE alert_deliveries SET status = ?, attempts = ?, sent_at = ? WHERE id = ?",
          Tuple.of(AlertDelivery.Status.SENT.name(), attempts, now, id)).mapEmpty();
    }
    AlertDelivery.Status status = nextDueAt == null ? AlertDelivery.Status.FAILED : AlertDelivery.Status.PENDING;
    return Writes.execute(pool, "UPDATE alert_deliveries SET status = ?, attempts = ?, last_error = ?, due_at = ? WHERE id = ?",
            Tuple.of(status.name(), attempts, truncate(error, 500), nextDueAt == null ? now : nextDueAt, id))
        .mapEmpty();
  }

  public record Page(List<AlertDelivery> items, String nextCursor) {
  }

  /** Newest first, of any task. */
  public Future<Page> deliveries(String channelId, String taskId, AlertDelivery.Status status, int limit, String cursor) {
    return deliveries(channelId, taskId, null, status, limit, cursor);
  }

  /** Newest first; {@code cursor} is the last id of the previous page; {@code taskIds}: of these tasks only (null: any). */
  public Future<Page> deliveries(String channelId, String taskId, List<String> taskIds, AlertDelivery.Status status,
                                 int limit, String cursor) {
    NewestFirst query = new NewestFirst("SELECT " + DELIVERY_COLUMNS + " FROM alert_deliveries").where("channel_id", channelId)
        .where("task_id", taskId).whereIn("task_id", taskIds).where("status", status == null ? null : status.name());
    return pool.preparedQuery(query.sql(cursor, limit)).execute(query.params()).map(rows -> {
      List<AlertDelivery> items = new ArrayList<>(rows.size());
      rows.forEach(r -> items.add(delivery(r)));
      return new Page(items, items.size() == limit ? items.get(items.size() - 1).id() : null);
    });
  }

  private static AlertDelivery delivery(Row r) {
    List<AlertExample> examples = List.of(Json.read(r.getString(10), AlertExample[].class));
    return new AlertDelivery(r.getString(0), r.getString(1), r.getString(2), r.getLong(3), r.getLong(4), r.getLong(5),
        examples, AlertDelivery.Status.valueOf(r.getString(6)), r.getInteger(7), r.getString(8), r.getLong(9));
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
