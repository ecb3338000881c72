package dev.tally.queue;

import dev.tally.model.Job;
import dev.tally.model.Result;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where jobs wait until due. Implementations: {@link LocalJobQueue} (store + scheduler timers); a RocketMQ
 * queue comes later. Every future succeeds only once the change survives a crash.
 */
public interface JobQueue {
  /** Queues new jobs. */
  Future<Void> enqueue(List<Job> jobs);

  /** Moves a job to its next attempt (a retry), due at {@code next.dueAt()}. */
  Future<Void> reschedule(Job next);

  /** Records the job's final result and removes the job. False if it had already been recorded. */
  Future<Boolean> complete(Job job, Result result);

  /** Removes a job that will not be checked (its task is gone or disabled). */
  Future<Void> discard(Job job);

  /** True if a job for (task, entity) is queued and not yet being checked; used for coalescing. */
  boolean isWaiting(String taskId, String entityKey);
}
