package dev.tally.queue;

import dev.tally.model.Job;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs that are queued and not yet handed to a compare verticle, by (task, entity key). Keyed by job id,
 * so adding the same job twice (a duplicate event) and removing it once leaves nothing behind.
 */
public final class WaitingJobs {
  private final ConcurrentHashMap<String, Set<String>> byEntity = new ConcurrentHashMap<>();

  public void add(Job job) {
    byEntity.computeIfAbsent(key(job.taskId(), job.entityKey()), k -> ConcurrentHashMap.newKeySet()).add(job.id());
  }

  public void remove(Job job) {
    byEntity.computeIfPresent(key(job.taskId(), job.entityKey()), (k, ids) -> {
      ids.remove(job.id());
      return ids.isEmpty() ? null : ids;
    });
  }

  public boolean contains(String taskId, String entityKey) {
    return byEntity.containsKey(key(taskId, entityKey));
  }

  private static String key(String taskId, String entityKey) {
    return taskId + '\u0000' + entityKey;
  }
}
