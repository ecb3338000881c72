package dev.tally.store;

import dev.tally.model.Job;
import dev.tally.model.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The durable half of the local job queue: a job row lives from enqueue (or, for a job the journal holds, from its
 * retry or its final result) until jobs.dedupeHours after its final result.
 */
public final class JobRepository {
  /** Jobs of concurrent requests written in one transaction (at most this many at once). */
  private static final int MAX_GROUP = 2000;

  private static final Comparator<Job> SOONEST_FIRST = Comparator.comparingLong(Job::dueAt).thenComparing(Job::id);

  private final Pool pool;
  private final GroupCommit<Job, Boolean> inserts;
  private final Supplier<Collection<Job>> journaled;

  /** The inserts of concurrent callers are committed together (see {@link GroupCommit}). */
  public JobRepository(Vertx vertx, Pool pool) {
    this(vertx, pool, List::of);
  }

  /**
   * {@code journaled}: the waiting jobs that have no row yet (the local queue's journal holds them); they are
   * listed and counted with the rows.
   */
  public JobRepository(Vertx vertx, Pool pool, Supplier<Collection<Job>> journaled) {
    this.pool = pool;
    this.inserts = new GroupCommit<>(vertx, MAX_GROUP, this::insertNow);
    this.journaled = journaled;
  }

  /**
   * Persists new jobs and returns those actually inserted. A job id already waiting, or finished within
   * jobs.dedupeHours (a Kafka message replayed after a crash, a POST sent twice), is a row already: its insert is
   * ignored, so no new job and no second verdict. The insert is the check, so a concurrent duplicate on another
   * node is refused too.
   */
  public Future<List<Job>> insertAll(List<Job> jobs) {
    if (jobs.isEmpty()) return Future.succeededFuture(List.of());
    return inserts.submit(jobs).map(fresh -> {
      List<Job> out = new ArrayList<>(jobs.size());
      for (int i = 0; i < jobs.size(); i++) if (fresh.get(i)) out.add(jobs.get(i));
      return out;
    });
  }

  /** One INSERT IGNORE batch in one transaction: per job, whether it is new. */
  private Future<List<Boolean>> insertNow(List<Job> jobs) {
    List<Tuple> batch = new ArrayList<>(jobs.size());
    for (Job j : jobs) batch.add(Tuple.of(j.id(), j.taskId(), j.attempt(), j.dueAt(), Json.write(j)));
    return Writes.batch(pool, "INSERT IGNORE INTO jobs (id, task_id, attempt, due_at, body) VALUES (?, ?, ?, ?, ?)", batch)
        .map(result -> {
          int[] counts = Writes.counts(result, jobs.size());
          List<Boolean> fresh = new ArrayList<>(counts.length);
          for (int count : counts) fresh.add(count > 0);
          return fresh;
        });
  }

  /** Records the next attempt of a job (after a retryable FAIL or ERROR). */
  public Future<Void> reschedule(Job job) {
    return Writes.execute(pool, "UPDATE jobs SET attempt = ?, due_at = ?, body = ? WHERE id = ? AND finished_at IS NULL",
        Tuple.of(job.attempt(), job.dueAt(), Json.write(job), job.id())).mapEmpty();
  }

  /** Drops a job without a result (its task was deleted or disabled). */
  public Future<Void> delete(String jobId) {
    return Writes.execute(pool, "DELETE FROM jobs WHERE id = ? AND finished_at IS NULL", Tuple.of(jobId)).mapEmpty();
  }

  public Future<List<Job>> all() {
    return list(null, Integer.MAX_VALUE);
  }

  /**
   * Rows of jobs that were due before {@code dueBefore}, soonest first. Not the journaled jobs: those are this
   * node's scheduler's from their append to their result, so there is nothing to adopt among them.
   */
  public Future<List<Job>> overdue(long dueBefore, int limit) {
    return pool.preparedQuery("SELECT body FROM jobs WHERE finished_at IS NULL AND due_at < ? ORDER BY due_at LIMIT " + limit)
        .execute(Tuple.of(dueBefore)).map(rows -> {
          List<Job> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(Json.read(r.getString(0), Job.class)));
          return out;
        });
  }

  /** Waiting jobs, soonest due first, optionally of one task. */
  public Future<List<Job>> list(String taskId, int limit) {
    return list(taskId, null, limit);
  }

  /** Waiting jobs, soonest due first, optionally of one task, of the tasks {@code taskIds} only (null: any). */
  public Future<List<Job>> list(String taskId, List<String> taskIds, int limit) {
    Tuple params = taskId == null ? Tuple.tuple() : Tuple.of(taskId);
    String where = " WHERE finished_at IS NULL" + (taskId == null ? "" : " AND task_id = ?") + InList.and("task_id", taskIds, params);
    return pool.preparedQuery("SELECT body FROM jobs" + where + " ORDER BY due_at, id LIMIT " + limit).execute(params)
        .map(rows -> {
          List<Job> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(Json.read(r.getString(0), Job.class)));
          return withJournaled(out, j -> (taskId == null || j.taskId().equals(taskId))
              && (taskIds == null || taskIds.contains(j.taskId())), limit);
        });
  }

  /** The rows read and the journaled jobs that {@code match}, soonest due first, at most {@code limit}. */
  private List<Job> withJournaled(List<Job> rows, Predicate<Job> match, int limit) {
    Collection<Job> unstored = journaled.get();
    if (unstored.isEmpty()) return rows;
    List<Job> all = new ArrayList<>(rows);
    for (Job job : unstored) if (match.test(job)) all.add(job);
    all.sort(SOONEST_FIRST);
    return all.size() <= limit ? all : new ArrayList<>(all.subList(0, limit));
  }

  /** Forgets finished jobs older than {@code before}: replays older than that are checked again. */
  public Future<Integer> forgetFinishedBefore(long before) {
    return Writes.execute(pool, "DELETE FROM jobs WHERE finished_at < ?", Tuple.of(before)).map(r -> r.rowCount())
        .compose(local -> Writes.execute(pool, "DELETE FROM done_jobs WHERE finished_at < ?", Tuple.of(before))
            .map(r -> local + r.rowCount()));
  }

  public Future<Long> count() {
    return pool.query("SELECT COUNT(*) FROM jobs WHERE finished_at IS NULL").execute()
        .map(rows -> rows.iterator().next().getLong(0) + journaled.get().size());
  }
}
