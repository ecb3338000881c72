package dev.tally.store;

import dev.tally.model.Discrepancy;
import dev.tally.model.Discrepancy.Change;
import dev.tally.model.DiscrepancyState;
import dev.tally.model.Ids;
import dev.tally.model.Result;
import dev.tally.store.DiscrepancyPlan.Fails;
import dev.tally.store.DiscrepancyPlan.Pass;
import dev.tally.store.DiscrepancyPlan.Step;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Discrepancies (see V4__discrepancies.sql). {@link #track} opens, extends and closes them inside the
 * transaction that records the results, so a discrepancy changes exactly when its results are recorded, and a
 * replayed result (skipped by ResultRepository) changes nothing. Operators triage them with {@link #triage}.
 */
public final class DiscrepancyRepository {
  private static final String COLUMNS = "id, task_id, entity_key, state, opened_at, last_fail_at, fail_count, closed_at,"
      + " duration_ms, last_result_id, comment, updated_at";
  private static final int MAX_RESULT_IDS = 50;
  /** PASS keys looked up per query. */
  /** Keys a statement looks up at most (also the job ids a results batch claims by one statement). */
  static final int CHUNK = 100;

  private final Pool pool;

  public DiscrepancyRepository(Pool pool) {
    this.pool = pool;
  }

  /** A discrepancy that is closed cannot be moved to another state: the next FAIL opens a new one. */
  public static final class Closed extends RuntimeException {
    Closed(String id) {
      super("discrepancy " + id + " is closed; only a comment with state resolved can be added");
    }
  }

  /** The filters of a list; null means any. {@code from}/{@code to} bound openedAt (to exclusive). */
  public record Query(String taskId, DiscrepancyState state, String entityKey, Long from, Long to, int limit,
                      String cursor, List<String> taskIds) {
    /** Of any task. */
    public Query(String taskId, DiscrepancyState state, String entityKey, Long from, Long to, int limit, String cursor) {
      this(taskId, state, entityKey, from, to, limit, cursor, null);
    }
  }

  /** A page of the list; {@code nextCursor} is written as null on the last page. */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
  public record Page(List<Discrepancy> items, String nextCursor) {
  }

  /**
   * Applies freshly recorded results to discrepancies, in the caller's transaction: per round (see
   * {@link DiscrepancyPlan}), one batch of FAIL upserts with their "opened" history rows, then one query for
   * which PASS keys have an unclosed discrepancy and one batch of closes (with their "closed" history rows)
   * for those only. The upsert goes through the unique index of the unclosed discrepancy, so concurrent
   * writers on several nodes serialize on its row lock and never make two.
   */
  static Future<Void> track(SqlConnection conn, List<Result> recorded) {
    Future<Void> chain = Future.succeededFuture();
    for (List<Step> round : DiscrepancyPlan.rounds(recorded)) {
      List<Fails> fails = round.stream().filter(Fails.class::isInstance).map(Fails.class::cast).toList();
      List<Pass> passes = round.stream().filter(Pass.class::isInstance).map(Pass.class::cast).toList();
      chain = chain.compose(v -> extend(conn, fails)).compose(v -> close(conn, passes));
    }
    return chain;
  }

  private static Future<Void> extend(SqlConnection conn, List<Fails> fails) {
    if (fails.isEmpty()) return Future.succeededFuture();
    List<Tuple> upserts = new ArrayList<>();
    List<Tuple> opened = new ArrayList<>();
    for (Fails f : fails) {
      upserts.add(Tuple.tuple().addString(Ids.timeOrdered(f.firstAt())).addString(f.taskId())
          .addString(f.entityKey()).addLong(f.firstAt()).addLong(f.lastAt()).addInteger(f.count())
          .addString(f.lastResultId()).addLong(f.lastAt())
          .addLong(f.lastAt()).addString(f.lastResultId()).addLong(f.lastAt()).addLong(f.firstAt())
          .addInteger(f.count()).addLong(f.lastAt()));
      // only a row this statement created has exactly this run's count (an extended one has more)
      opened.add(Tuple.of(f.firstAt(), "opened by FAIL " + f.firstResultId(), f.taskId(), f.entityKey(), f.count()));
    }
    // each assignment reads only columns not yet assigned, so MySQL's left-to-right and H2's old-values
    // evaluation agree
    return conn.preparedQuery("INSERT INTO discrepancies (id, task_id, entity_key, open_slot, state, opened_at,"
            + " last_fail_at, fail_count, last_result_id, updated_at) VALUES (?, ?, ?, 0, 'open', ?, ?, ?, ?, ?)"
            + " ON DUPLICATE KEY UPDATE last_result_id = CASE WHEN last_fail_at <= ? THEN ? ELSE last_result_id END,"
            + " last_fail_at = GREATEST(last_fail_at, ?), opened_at = LEAST(opened_at, ?),"
            + " fail_count = fail_count + ?, updated_at = GREATEST(updated_at, ?)")
        .executeBatch(upserts)
        .compose(v -> conn.preparedQuery("INSERT INTO discrepancy_history (discrepancy_id, changed_at, state, comment)"
            + " SELECT id, ?, 'open', ? FROM discrepancies WHERE task_id = ? AND entity_key = ? AND open_slot = 0"
            + " AND fail_count = ?").executeBatch(opened))
        .mapEmpty();
  }

  /**
   * Closes the unclosed discrepancy of each PASS's key, unless a FAIL of it finished after the PASS (then the
   * data disagreed last, and the discrepancy stays open). An ignored or acknowledged one closes too.
   */
  private static Future<Void> close(SqlConnection conn, List<Pass> passes) {
    if (passes.isEmpty()) return Future.succeededFuture();
    return unclosed(conn, passes).compose(found -> closeFound(conn, found));
  }

  /**
   * The PASSes whose key may have an unclosed discrepancy: most have none, so one query per task and 100 keys
   * spares them a statement each. On MySQL the read locks as the UPDATE would (the rows, and the index gaps
   * where they would be), so a FAIL opening one of these keys on another node meanwhile waits for this
   * transaction; the embedded store has no other node (see {@link Writes#embedded}). The store compares keys by
   * its collation (on MySQL usually case- and trailing-space-insensitive), so a row is matched to its PASS
   * loosely; should a row match none, the whole chunk is kept. Keeping too many is harmless: the UPDATE matches
   * exactly. On MySQL the index is named: MariaDB otherwise weighs every index that could serve a row of the IN
   * list, diving into each for each row: 4 ms of planning in a 7.5 ms lookup whose reads took 0.13, and about half
   * of a 450-result commit on the RocketMQ path (load-tests/RESULTS.md, run 16).
   */
  private static Future<List<Pass>> unclosed(SqlConnection conn, List<Pass> passes) {
    Map<String, List<Pass>> byTask = new TreeMap<>();
    passes.forEach(p -> byTask.computeIfAbsent(p.taskId(), t -> new ArrayList<>()).add(p));
    List<List<Pass>> chunks = new ArrayList<>();
    byTask.values().forEach(ofTask -> {
      for (int i = 0; i < ofTask.size(); i += CHUNK) chunks.add(ofTask.subList(i, Math.min(i + CHUNK, ofTask.size())));
    });
    Future<List<Pass>> found = Future.succeededFuture(new ArrayList<>());
    for (List<Pass> chunk : chunks) {
      found = found.compose(sofar -> unclosedOf(conn, chunk).map(more -> {
        sofar.addAll(more);
        return sofar;
      }));
    }
    return found;
  }

  /** {@link #unclosed} for PASSes of one task. */
  private static Future<List<Pass>> unclosedOf(SqlConnection conn, List<Pass> chunk) {
    Tuple params = Tuple.tuple();
    int slots = paddedLength(chunk.size());
    for (int i = 0; i < slots; i++) {
      Pass p = chunk.get(Math.min(i, chunk.size() - 1));
      params.addString(p.taskId()).addString(p.entityKey());
    }
    // whole index keys: H2 turns "task_id = ? AND entity_key IN (...) AND open_slot = 0" into a scan of every
    // discrepancy the task ever had (closed ones included); a row IN is one lookup per key there as on MariaDB
    boolean embedded = Writes.embedded(conn);
    return conn.preparedQuery("SELECT entity_key FROM discrepancies" + (embedded ? "" : " FORCE INDEX (uk_discrepancies_unclosed)")
            + " WHERE (task_id, entity_key, open_slot) IN (" + String.join(", ", Collections.nCopies(slots, "(?, ?, 0)")) + ")"
            + (embedded ? "" : " FOR UPDATE"))
        .execute(params)
        .map(rows -> {
          Set<String> open = new HashSet<>();
          rows.forEach(r -> open.add(loose(r.getString(0))));
          List<Pass> matched = chunk.stream().filter(p -> open.contains(loose(p.entityKey()))).toList();
          Set<String> matchedKeys = new HashSet<>();
          matched.forEach(p -> matchedKeys.add(loose(p.entityKey())));
          return matchedKeys.containsAll(open) ? matched : chunk;
        });
  }

  /**
   * The length of the IN list for {@code keys} keys: the next power of two, at most {@link #CHUNK}, the last key
   * repeated to fill it. A few statement texts rather than one per chunk size, so the store parses each once and
   * reuses it (H2 parsed a statement of up to 100 row values for nearly every result batch; it caches 64
   * statements per connection, see Db).
   */
  static int paddedLength(int keys) {
    int length = 1;
    while (length < keys) length *= 2;
    return Math.min(length, CHUNK);
  }

  private static String loose(String key) {
    return key.toLowerCase(Locale.ROOT).stripTrailing();
  }

  private static Future<Void> closeFound(SqlConnection conn, List<Pass> passes) {
    if (passes.isEmpty()) return Future.succeededFuture();
    List<Tuple> closes = new ArrayList<>();
    List<Tuple> closed = new ArrayList<>();
    for (Pass p : passes) {
      closes.add(Tuple.of(p.at(), p.at(), p.resultId(), p.at(), p.taskId(), p.entityKey(), p.at()));
      closed.add(Tuple.of(p.at(), "closed by PASS " + p.resultId(), p.taskId(), p.entityKey(), p.resultId()));
    }
    return conn.preparedQuery("UPDATE discrepancies SET open_slot = NULL, state = 'resolved', closed_at = ?,"
            + " duration_ms = GREATEST(? - opened_at, 0), closed_by = ?, updated_at = ?"
            + " WHERE task_id = ? AND entity_key = ? AND open_slot = 0 AND last_fail_at <= ?")
        .executeBatch(closes)
        .compose(v -> conn.preparedQuery("INSERT INTO discrepancy_history (discrepancy_id, changed_at, state, comment)"
            + " SELECT id, ?, 'resolved', ? FROM discrepancies WHERE task_id = ? AND entity_key = ? AND closed_by = ?")
            .executeBatch(closed))
        .mapEmpty();
  }

  /** Newest first; {@code cursor} is the last id of the previous page. */
  public Future<Page> list(Query q) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM discrepancies WHERE 1 = 1");
    Tuple params = Tuple.tuple();
    if (q.taskId() != null) {
      sql.append(" AND task_id = ?");
      params.addString(q.taskId());
    }
    sql.append(InList.and("task_id", q.taskIds(), params));
    if (q.state() != null) {
      sql.append(" AND state = ?");
      params.addString(q.state().code());
    }
    if (q.entityKey() != null) {
      sql.append(" AND entity_key = ?");
      params.addString(DiscrepancyPlan.key(q.entityKey()));
    }
    if (q.from() != null) {
      sql.append(" AND opened_at >= ?");
      params.addLong(q.from());
    }
    if (q.to() != null) {
      sql.append(" AND opened_at < ?");
      params.addLong(q.to());
    }
    if (q.cursor() != null) {
      sql.append(" AND id < ?");
      params.addString(q.cursor());
    }
    sql.append(" ORDER BY id DESC LIMIT ").append(q.limit());
    return pool.preparedQuery(sql.toString()).execute(params).map(rows -> {
      List<Discrepancy> items = new ArrayList<>(rows.size());
      rows.forEach(r -> items.add(discrepancy(r)));
      String next = items.size() == q.limit() ? items.get(items.size() - 1).id() : null;
      return new Page(items, next);
    });
  }

  /** The discrepancy alone, or null if there is none with this id. */
  public Future<Discrepancy> find(String id) {
    return one(pool, id, false);
  }

  /** The discrepancy with its history and FAIL results, or null if there is none with this id. */
  public Future<Discrepancy.Detail> get(String id) {
    return one(pool, id, false).compose(d -> d == null ? Future.succeededFuture(null)
        : history(d.id()).compose(history -> resultIds(d).map(ids -> new Discrepancy.Detail(d, history, ids))));
  }

  /**
   * Sets the state and comment (a null comment keeps the last one) and records the change; resolving an
   * unclosed discrepancy closes it now. Null if there is no such discrepancy; fails with {@link Closed} when a
   * closed one is asked for a state other than resolved.
   */
  public Future<Discrepancy> triage(String id, DiscrepancyState state, String comment, long now) {
    return Writes.transaction(pool, conn -> one(conn, id, true).compose(d -> {
      if (d == null) return Future.succeededFuture(null);
      if (d.closed() && state != DiscrepancyState.RESOLVED) return Future.failedFuture(new Closed(id));
      boolean closing = !d.closed() && state == DiscrepancyState.RESOLVED;
      String update = closing
          ? "UPDATE discrepancies SET state = ?, comment = ?, updated_at = ?, open_slot = NULL,"
              + " closed_at = ?, duration_ms = GREATEST(? - opened_at, 0) WHERE id = ?"
          : "UPDATE discrepancies SET state = ?, comment = ?, updated_at = ? WHERE id = ?";
      Tuple params = Tuple.tuple().addString(state.code()).addString(comment == null ? d.comment() : comment).addLong(now);
      if (closing) params.addLong(now).addLong(now);
      params.addString(id);
      return conn.preparedQuery(update).execute(params)
          .compose(v -> conn.preparedQuery("INSERT INTO discrepancy_history (discrepancy_id, changed_at, state, comment)"
              + " VALUES (?, ?, ?, ?)").execute(Tuple.of(id, now, state.code(), comment)))
          .compose(v -> one(conn, id, false));
    }));
  }

  private static Future<Discrepancy> one(SqlClient client, String id, boolean lock) {
    return client.preparedQuery("SELECT " + COLUMNS + " FROM discrepancies WHERE id = ?" + (lock ? " FOR UPDATE" : ""))
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : discrepancy(rows.iterator().next()));
  }

  private Future<List<Change>> history(String id) {
    return pool.preparedQuery("SELECT changed_at, state, comment FROM discrepancy_history WHERE discrepancy_id = ?"
        + " ORDER BY id").execute(Tuple.of(id)).map(rows -> {
          List<Change> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(new Change(r.getLong(0), DiscrepancyState.parse(r.getString(1)), r.getString(2))));
          return out;
        });
  }

  /**
   * Its FAIL results, newest first: result ids start with their time, so the ids between openedAt and
   * lastFailAt bound an index range of the task's results.
   */
  private Future<List<String>> resultIds(Discrepancy d) {
    return pool.preparedQuery("SELECT id FROM results WHERE task_id = ? AND id >= ? AND id < ? AND entity_key = ?"
            + " AND status = 'FAIL' ORDER BY id DESC LIMIT " + MAX_RESULT_IDS)
        .execute(Tuple.of(d.taskId(), Ids.floor(d.openedAt()), Ids.floor(d.lastFailAt() + 1),
            d.entityKey()))
        .map(rows -> {
          List<String> ids = new ArrayList<>(rows.size());
          rows.forEach(r -> ids.add(r.getString(0)));
          return ids;
        });
  }

  private static Discrepancy discrepancy(Row r) {
    return new Discrepancy(r.getString(0), r.getString(1), r.getString(2), DiscrepancyState.parse(r.getString(3)),
        r.getLong(4), r.getLong(5), r.getInteger(6), r.getLong(7), r.getLong(8), r.getString(9), r.getString(10),
        r.getLong(11));
  }
}
