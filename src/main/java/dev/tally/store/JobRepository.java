package dev.tally.store;

import dev.tally.model.Job;
import dev.tally.model.Json;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** The durable half of the local job queue: a job row lives from enqueue until its final result is recorded. */
public final class JobRepository {
  private final Pool pool;

  public JobRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Persists new jobs and returns those actually inserted. A job id already waiting, or finished recently
   * (a Kafka message replayed after a crash, a POST sent twice), makes no new job, so no second verdict.
   * JDBC batches do not report per-row counts, so the known ids are looked up first; a concurrent duplicate
   * is harmless (the scheduler keys jobs by id).
   */
  public Future<List<Job>> insertAll(List<Job> jobs) {
    if (jobs.isEmpty()) return Future.succeededFuture(List.of());
    String marks = String.join(", ", java.util.Collections.nCopies(jobs.size(), "?"));
    Tuple twice = Tuple.tuple();
    jobs.forEach(j -> twice.addString(j.id()));
    jobs.forEach(j -> twice.addString(j.id()));
    return pool.preparedQuery("SELECT id FROM jobs WHERE id IN (" + marks + ") UNION ALL SELECT id FROM done_jobs WHERE id IN (" + marks + ")")
        .execute(twice).compose(existing -> {
      java.util.Set<String> present = new java.util.HashSet<>();
      existing.forEach(r -> present.add(r.getString(0)));
      List<Job> fresh = jobs.stream().filter(j -> !present.contains(j.id())).toList();
      if (fresh.isEmpty()) return Future.succeededFuture(fresh);
      List<Tuple> batch = new ArrayList<>(fresh.size());
      for (Job j : fresh) batch.add(Tuple.of(j.id(), j.taskId(), j.attempt(), j.dueAt(), Json.write(j)));
      return Writes.batch(pool, "INSERT IGNORE INTO jobs (id, task_id, attempt, due_at, body) VALUES (?, ?, ?, ?, ?)", batch).map(fresh);
    });
  }

  /** Records the next attempt of a job (after a retryable FAIL or ERROR). */
  public Future<Void> reschedule(Job job) {
    return Writes.execute(pool, "UPDATE jobs SET attempt = ?, due_at = ?, body = ? WHERE id = ?", Tuple.of(job.attempt(), job.dueAt(), Json.write(job), job.id())).mapEmpty();
  }

  /** Drops a job without a result (its task was deleted or disabled). */
  public Future<Void> delete(String jobId) {
    return Writes.execute(pool, "DELETE FROM jobs WHERE id = ?", Tuple.of(jobId)).mapEmpty();
  }

  public Future<List<Job>> all() {
    return list(null, Integer.MAX_VALUE);
  }

  /** Jobs that were due before {@code dueBefore}, soonest first. */
  public Future<List<Job>> overdue(long dueBefore, int limit) {
    return pool.preparedQuery("SELECT body FROM jobs WHERE due_at < ? ORDER BY due_at LIMIT " + limit)
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
    String where = " WHERE 1 = 1" + (taskId == null ? "" : " AND task_id = ?") + InList.and("task_id", taskIds, params);
    return pool.preparedQuery("SELECT body FROM jobs" + where + " ORDER BY due_at, id LIMIT " + limit).execute(params)
        .map(rows -> {
          List<Job> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(Json.read(r.getString(0), Job.class)));
          return out;
        });
  }

  /** Forgets finished jobs older than {@code before}: replays older than that are checked again. */
  public Future<Integer> forgetFinishedBefore(long before) {
    return Writes.execute(pool, "DELETE FROM done_jobs WHERE finished_at < ?", Tuple.of(before)).map(r -> r.rowCount());
  }

  public Future<Long> count() {
    return pool.query("SELECT COUNT(*) FROM jobs").execute().map(rows -> rows.iterator().next().getLong(0));
  }
}
