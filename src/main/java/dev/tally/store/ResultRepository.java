package dev.tally.store;

import dev.tally.model.AlertPolicy;
import dev.tally.model.Job;
import dev.tally.model.Json;
import dev.tally.model.Recheck;
import dev.tally.model.Result;
import dev.tally.model.Status;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Final results. Recording one deletes its job, stores it (FAIL/ERROR) and counts it, in one transaction;
 * a job already gone means this verdict was recorded before (a replay after a crash), so nothing is written.
 * A result that a callback follows is stored in full whatever its status, with its pending callback, in that
 * same transaction; so is a re-check's result, which is linked to the result it re-checks. The same
 * transaction opens, extends and closes discrepancies (see {@link DiscrepancyRepository#track}).
 */
public final class ResultRepository {
  /** Job ids claimed by one statement (see {@link #claim}): at most the padded lengths' bound. */
  private static final int CLAIM_CHUNK = DiscrepancyRepository.CHUNK;

  private final Pool pool;
  private final DirectTransactions direct;
  private final Predicate<Result> followed;
  private final Function<String, AlertPolicy> alerting;

  public ResultRepository(Pool pool) {
    this(pool, r -> false);
  }

  /** {@code followed}: whether a callback follows a result (see CallbackRules.follows). */
  public ResultRepository(Pool pool, Predicate<Result> followed) {
    this(pool, followed, taskId -> null);
  }

  /**
   * {@code alerting}: a task's alert policy, or null; the failures it alerts on are counted for their message
   * (see AlertRepository) in the transaction that records them.
   */
  public ResultRepository(Pool pool, Predicate<Result> followed, Function<String, AlertPolicy> alerting) {
    this(pool, null, followed, alerting);
  }

  /**
   * {@code direct}: where {@link #recordAll} runs its transactions on the embedded store (see Db.direct), or null to
   * run them on the pool.
   */
  public ResultRepository(Pool pool, DirectTransactions direct, Predicate<Result> followed,
                          Function<String, AlertPolicy> alerting) {
    this.pool = pool;
    this.direct = direct;
    this.followed = followed;
    this.alerting = alerting;
  }

  /** Where a job lives until its result is recorded, which says how recording it marks it finished. */
  public enum JobHome {
    /** A pending row of the jobs table (local queue): recording marks the row finished. */
    STORE,
    /**
     * The local queue's journal, no row yet: recording inserts the job's finished row, and a row already there (a
     * replay, or a duplicate of a job pending as a row) decides as for STORE.
     */
    JOURNAL,
    /** The RocketMQ broker: only done_jobs guards replays. */
    BROKER
  }

  /** A job's final result, to be recorded, and where the job lives until then. */
  public record Completion(Job job, Result result, JobHome home) {
    public Completion(Job job, Result result) {
      this(job, result, JobHome.STORE);
    }
  }

  /** True if the result was recorded now, false if it had been before. */
  public Future<Boolean> record(Job job, Result result) {
    return recordAll(List.of(new Completion(job, result))).map(recorded -> recorded.get(0));
  }

  /**
   * Records many results in one transaction: marks their jobs finished, stores FAIL/ERROR, adds the counts. A
   * result whose job (at that attempt) is no longer pending was recorded before (a replay after a crash) and is
   * skipped; the answer says, per completion, whether it was recorded now.
   */
  public Future<List<Boolean>> recordAll(List<Completion> completions) {
    if (completions.isEmpty()) return Future.succeededFuture(List.of());
    Set<Completion> fresh = Collections.newSetFromMap(new IdentityHashMap<>());
    Function<SqlConnection, Future<List<Boolean>>> work = conn -> finishJobs(conn, home(completions, JobHome.STORE))
        .compose(freshStored -> {
          fresh.addAll(freshStored);
          return finishJournaled(conn, home(completions, JobHome.JOURNAL));
        })
        .compose(freshJournaled -> {
          fresh.addAll(freshJournaled);
          return claim(conn, home(completions, JobHome.BROKER));
        })
        .compose(freshBrokered -> {
          fresh.addAll(freshBrokered);
          List<Completion> toWrite = completions.stream().filter(fresh::contains).toList();
          // decided once per result: the task's callback may change while the transaction runs
          Set<Result> called = Collections.newSetFromMap(new IdentityHashMap<>());
          toWrite.stream().map(Completion::result).filter(followed).forEach(called::add);
          return storeResults(conn, toWrite, called)
              .compose(v -> addPendingCallbacks(conn, called))
              .compose(v -> linkRechecks(conn, toWrite))
              .compose(v -> addCounts(conn, toWrite))
              .compose(v -> AlertRepository.countFailures(conn, alertCounts(toWrite)))
              .compose(v -> DiscrepancyRepository.track(conn, toWrite.stream().map(Completion::result).toList()))
              .map(v -> completions.stream().map(fresh::contains).toList());
        });
    return direct != null ? direct.withTransaction(work) : pool.withTransaction(work);
  }

  private static List<Completion> home(List<Completion> completions, JobHome home) {
    return completions.stream().filter(c -> c.home() == home).toList();
  }

  /**
   * Inserts each journaled job's row as finished and returns the completions it inserted. A row already there is a
   * verdict recorded before (a replay after a crash) or, rarely, a duplicate of the same job pending as a row:
   * those are finished as pending rows are, so the one pending at that attempt is recorded once.
   */
  private Future<List<Completion>> finishJournaled(SqlConnection conn, List<Completion> journaled) {
    if (journaled.isEmpty()) return Future.succeededFuture(List.of());
    return Writes.changedBy(conn, "INSERT IGNORE INTO jobs (id, task_id, attempt, due_at, finished_at) VALUES (?, ?, ?, ?, ?)",
        journaled, c -> Tuple.of(c.job().id(), c.job().taskId(), c.job().attempt(), c.job().dueAt(), c.result().finishedAt()))
        .compose(inserted -> {
          Set<Completion> done = Collections.newSetFromMap(new IdentityHashMap<>());
          done.addAll(inserted);
          List<Completion> rest = journaled.stream().filter(c -> !done.contains(c)).toList();
          if (rest.isEmpty()) return Future.succeededFuture(inserted);
          return finishJobs(conn, rest).map(updated -> {
            List<Completion> all = new ArrayList<>(inserted);
            all.addAll(updated);
            return all;
          });
        });
  }

  /**
   * Claims each brokered job id in done_jobs and returns the completions it claimed. Ids are claimed in order, so two
   * nodes claiming overlapping sets lock them in the same order. A chunk of ids is one multi-row insert: if it inserts
   * every row (a fresh batch: nearly always) each was claimed now, if none, none was. Otherwise (a replay beside
   * fresh jobs, a job twice in the batch, another node first) the chunk is undone to a savepoint and claimed one
   * statement per id, each reporting its own row count. One statement per id for every batch was one round trip
   * each on MariaDB: a commit of 470 results took 89 ms, and the results writer was the RocketMQ path's limit
   * (load-tests/RESULTS.md, run 15).
   */
  private Future<List<Completion>> claim(SqlConnection conn, List<Completion> brokered) {
    List<Completion> ordered = brokered.stream().sorted(java.util.Comparator.comparing(c -> c.job().id())).toList();
    Future<List<Completion>> claimed = Future.succeededFuture(new ArrayList<>());
    for (int from = 0; from < ordered.size(); from += CLAIM_CHUNK) {
      List<Completion> chunk = ordered.subList(from, Math.min(ordered.size(), from + CLAIM_CHUNK));
      claimed = claimed.compose(sofar -> claimChunk(conn, chunk).map(more -> {
        sofar.addAll(more);
        return sofar;
      }));
    }
    return claimed;
  }

  private Future<List<Completion>> claimChunk(SqlConnection conn, List<Completion> chunk) {
    // the statement's length is padded (the last id repeated, which the insert ignores) so the store reuses a few texts
    int slots = DiscrepancyRepository.paddedLength(chunk.size());
    Tuple params = Tuple.tuple();
    for (int i = 0; i < slots; i++) {
      Completion c = chunk.get(Math.min(i, chunk.size() - 1));
      params.addString(c.job().id()).addLong(c.result().finishedAt());
    }
    String insert = "INSERT IGNORE INTO done_jobs (id, finished_at) VALUES " + String.join(", ", Collections.nCopies(slots, "(?, ?)"));
    Future<Void> savepoint = chunk.size() == 1 ? Future.succeededFuture()
        : conn.query("SAVEPOINT tally_claim").execute().mapEmpty();
    return savepoint.compose(v -> conn.preparedQuery(insert).execute(params)).compose(inserted -> {
      if (inserted.rowCount() == chunk.size()) return Future.succeededFuture(chunk);
      if (inserted.rowCount() == 0) return Future.succeededFuture(List.of());
      return conn.query("ROLLBACK TO SAVEPOINT tally_claim").execute().compose(undone -> Writes.changedBy(conn,
          "INSERT IGNORE INTO done_jobs (id, finished_at) VALUES (?, ?)", chunk, c -> Tuple.of(c.job().id(), c.result().finishedAt())));
    });
  }

  /**
   * Marks each job finished, if it is still pending at that attempt, and returns those it marked: a job finished
   * before (a replay after a crash, a second completion of the same job) changes no row and is not recorded again.
   */
  private Future<List<Completion>> finishJobs(SqlConnection conn, List<Completion> stored) {
    return Writes.changedBy(conn,
        "UPDATE jobs SET finished_at = ?, body = NULL WHERE id = ? AND attempt = ? AND finished_at IS NULL", stored,
        c -> Tuple.of(c.result().finishedAt(), c.job().id(), c.job().attempt()));
  }

  private Future<Void> storeResults(SqlConnection conn, List<Completion> fresh, Set<Result> called) {
    List<Tuple> rows = new ArrayList<>();
    for (Completion c : fresh) {
      Result r = c.result();
      if (r.status() == Status.PASS && r.recheckOf() == null && !called.contains(r)) continue;
      // a re-check is a second verdict on the same event and task: its own key keeps it apart from the first
      String verdictKey = r.recheckOf() == null ? r.eventId() : r.eventId() + ":recheck";
      rows.add(Tuple.tuple().addString(r.id()).addString(r.taskId()).addString(verdictKey).addInteger(r.attempts())
          .addString(r.status().name()).addString(truncate(r.entityKey(), 255)).addLong(r.createdAt()).addString(Json.write(r)));
    }
    if (rows.isEmpty()) return Future.succeededFuture();
    return conn.preparedQuery("INSERT IGNORE INTO results (id, task_id, event_id, attempt, status, entity_key, created_at, body)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)").executeBatch(rows).mapEmpty();
  }

  private Future<Void> addPendingCallbacks(SqlConnection conn, Set<Result> called) {
    List<Tuple> rows = new ArrayList<>();
    for (Result r : called) rows.add(Tuple.of(r.id(), r.taskId(), 0, r.finishedAt(), r.finishedAt()));
    if (rows.isEmpty()) return Future.succeededFuture();
    return conn.preparedQuery("INSERT IGNORE INTO pending_callbacks (result_id, task_id, attempt, due_at, created_at)"
        + " VALUES (?, ?, ?, ?, ?)").executeBatch(rows).mapEmpty();
  }

  /** Shows each re-check's verdict on the result it re-checks. */
  /** Links each re-check to the result it re-checks, one after the other on the transaction's connection. */
  private Future<Void> linkRechecks(SqlConnection conn, List<Completion> fresh) {
    Future<Void> linked = Future.succeededFuture();
    for (Completion c : fresh) {
      Result r = c.result();
      if (r.recheckOf() == null) continue;
      linked = linked.compose(v -> updateBody(conn, r.recheckOf(), original -> original.withRecheck(new Recheck(r.id(), r.status())))
          .mapEmpty());
    }
    return linked;
  }

  /**
   * Changes a stored result's body inside the caller's transaction, the row locked meanwhile, so concurrent
   * changes (a callback's outcome, a re-check's link) do not overwrite each other. False if there is no such result.
   */
  static Future<Boolean> updateBody(SqlConnection conn, String id, UnaryOperator<Result> change) {
    return conn.preparedQuery("SELECT body FROM results WHERE id = ? FOR UPDATE").execute(Tuple.of(id)).compose(rows -> {
      if (rows.size() == 0) return Future.succeededFuture(false);
      Result changed = change.apply(Json.read(rows.iterator().next().getString(0), Result.class));
      return conn.preparedQuery("UPDATE results SET body = ? WHERE id = ?").execute(Tuple.of(Json.write(changed), id))
          .map(true);
    });
  }

  /** Per task that alerts on them: {failures to count, its window in ms, when the first of them finished}. */
  private Map<String, long[]> alertCounts(List<Completion> fresh) {
    Map<String, long[]> out = new TreeMap<>();
    for (Completion c : fresh) {
      Result r = c.result();
      AlertPolicy policy = alerting.apply(r.taskId());
      if (policy == null || policy.channelIds().isEmpty() || !policy.on().contains(r.status())) continue;
      long windowMs = policy.windowSeconds() * 1000L;
      long[] sums = out.computeIfAbsent(r.taskId(), k -> new long[] {0, windowMs, r.finishedAt()});
      sums[0]++;
      sums[2] = Math.min(sums[2], r.finishedAt());
    }
    return out;
  }

  // counts are summed per (task, minute) first: one upsert per counter row, not per result
  private Future<Void> addCounts(SqlConnection conn, List<Completion> fresh) {
    Map<String, long[]> sums = new TreeMap<>();
    Map<String, Object[]> keys = new HashMap<>();
    for (Completion c : fresh) {
      Result r = c.result();
      long minute = r.finishedAt() / 60_000;
      String key = r.taskId() + '\u0000' + minute;
      keys.putIfAbsent(key, new Object[] {r.taskId(), minute});
      sums.computeIfAbsent(key, k -> new long[3])[r.status().ordinal()]++;
    }
    if (sums.isEmpty()) return Future.succeededFuture();
    if (Writes.embedded(conn)) return addCountsEmbedded(conn, keys, sums);
    List<Tuple> rows = new ArrayList<>();
    sums.forEach((key, n) -> rows.add(Tuple.of(keys.get(key)[0], keys.get(key)[1], n[0], n[1], n[2], n[0], n[1], n[2])));
    return conn.preparedQuery("INSERT INTO result_counts (task_id, bucket_minute, pass_count, fail_count, error_count)"
            + " VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE pass_count = pass_count + ?,"
            + " fail_count = fail_count + ?, error_count = error_count + ?")
        .executeBatch(rows).mapEmpty();
  }

  private static final String ADD_TO_COUNTS = "UPDATE result_counts SET pass_count = pass_count + ?,"
      + " fail_count = fail_count + ?, error_count = error_count + ? WHERE task_id = ? AND bucket_minute = ?";

  /**
   * The same on H2, which parses an ON DUPLICATE KEY UPDATE again at every execution, and the update it implies
   * once per existing row: add to the rows there are (nearly always all of them), insert the others, and add to any
   * whose insert another writer's came before.
   */
  private static Future<Void> addCountsEmbedded(SqlConnection conn, Map<String, Object[]> keys, Map<String, long[]> sums) {
    List<String> all = new ArrayList<>(sums.keySet());
    List<String> missing = new ArrayList<>();
    Function<String, Tuple> add = key -> Tuple.of(sums.get(key)[0], sums.get(key)[1], sums.get(key)[2], keys.get(key)[0],
        keys.get(key)[1]);
    return Writes.changedBy(conn, ADD_TO_COUNTS, all, add)
        .compose(added -> {
          missing.addAll(without(all, added));
          return Writes.changedBy(conn, "INSERT IGNORE INTO result_counts (task_id, bucket_minute, pass_count, fail_count,"
              + " error_count) VALUES (?, ?, ?, ?, ?)", missing,
              key -> Tuple.of(keys.get(key)[0], keys.get(key)[1], sums.get(key)[0], sums.get(key)[1], sums.get(key)[2]));
        })
        .compose(inserted -> Writes.changedBy(conn, ADD_TO_COUNTS, without(missing, inserted), add))
        .mapEmpty();
  }

  private static List<String> without(List<String> all, List<String> some) {
    Set<String> drop = new HashSet<>(some);
    return all.stream().filter(k -> !drop.contains(k)).toList();
  }

  public record Page(List<Result> items, String nextCursor) {
  }

  /** Newest first; {@code cursor} is the last id of the previous page. */
  public Future<Page> list(String taskId, Status status, Long from, Long to, int limit, String cursor) {
    return list(taskId, null, status, from, to, limit, cursor);
  }

  /** Newest first, of the tasks {@code taskIds} only (null: any). */
  public Future<Page> list(String taskId, List<String> taskIds, Status status, Long from, Long to, int limit, String cursor) {
    NewestFirst query = new NewestFirst("SELECT body FROM results").where("task_id", taskId).whereIn("task_id", taskIds)
        .where("status", status == null ? null : status.name()).where("created_at", ">=", from).where("created_at", "<", to);
    return pool.preparedQuery(query.sql(cursor, limit)).execute(query.params()).map(rows -> {
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
