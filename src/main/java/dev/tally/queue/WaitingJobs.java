package dev.tally.queue;

import dev.tally.model.Job;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The jobs that are queued and not yet handed to a compare verticle, by (task, entity key). Keyed by job id,
 * so adding the same job twice (a duplicate event) and removing it once leaves nothing behind.
 */
public final class WaitingJobs {
  private final ConcurrentHashMap<String, Set<String>> byEntity = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();

  public void add(Job job) {
    byEntity.compute(key(job.taskId(), job.entityKey()), (k, ids) -> {
      Set<String> set = ids != null ? ids : ConcurrentHashMap.newKeySet();
      if (set.add(job.id())) size.incrementAndGet();
      return set;
    });
  }

  public void remove(Job job) {
    byEntity.computeIfPresent(key(job.taskId(), job.entityKey()), (k, ids) -> {
      if (ids.remove(job.id())) size.decrementAndGet();
      return ids.isEmpty() ? null : ids;
    });
  }

  /** How many jobs wait; the bound for back-pressure on ingestion. */
  public int size() {
    return size.get();
  }

  public boolean contains(String taskId, String entityKey) {
    return byEntity.containsKey(key(taskId, entityKey));
  }

  private static String key(String taskId, String entityKey) {
    return taskId + '\u0000' + entityKey;
  }
}
