package dev.tally.queue;

import dev.tally.model.Job;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The jobs that are queued and not yet handed to a compare verticle, by (task, entity key). Keyed by job id,
 * so adding the same job twice (a duplicate event) and removing it once leaves nothing behind.
 *
 * <p>An entity nearly always has one waiting job, so it holds that job's id alone, and a set only from the second:
 * at full speed up to {@code queue.maxWaiting} entities are held here, and a set each cost about 250 bytes more
 * per job, which the collector then copied and compacted.
 */
public final class WaitingJobs {
  private record Entity(String taskId, String entityKey) {
  }

  /** Per entity: the one waiting job's id (a String), or the ids of several (a Set, changed only under compute). */
  private final ConcurrentHashMap<Entity, Object> byEntity = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();

  public void add(Job job) {
    String id = job.id();
    byEntity.compute(new Entity(job.taskId(), job.entityKey()), (k, held) -> {
      if (held == null) {
        size.incrementAndGet();
        return id;
      }
      if (held instanceof String one) {
        if (one.equals(id)) return one;
        size.incrementAndGet();
        Set<String> ids = new HashSet<>(4);
        ids.add(one);
        ids.add(id);
        return ids;
      }
      if (ids(held).add(id)) size.incrementAndGet();
      return held;
    });
  }

  public void remove(Job job) {
    String id = job.id();
    byEntity.computeIfPresent(new Entity(job.taskId(), job.entityKey()), (k, held) -> {
      if (held instanceof String one) {
        if (!one.equals(id)) return one;
        size.decrementAndGet();
        return null;
      }
      Set<String> ids = ids(held);
      if (ids.remove(id)) size.decrementAndGet();
      return ids.isEmpty() ? null : ids.size() == 1 ? ids.iterator().next() : ids;
    });
  }

  /** How many jobs wait; the bound for back-pressure on ingestion. */
  public int size() {
    return size.get();
  }

  public boolean contains(String taskId, String entityKey) {
    return byEntity.containsKey(new Entity(taskId, entityKey));
  }

  @SuppressWarnings("unchecked")
  private static Set<String> ids(Object held) {
    return (Set<String>) held;
  }
}
