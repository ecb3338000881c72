package dev.tally.strategy;

import dev.tally.model.Job;
import dev.tally.model.Task;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most rateLimit checks per second per task. Nothing is dropped: each job gets the next free slot as
 * its due time and waits in the queue until then.
 */
public final class RateLimitStrategy implements StrategyFilter {
  private final ConcurrentHashMap<String, AtomicLong> nextFreeSlot = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return "rateLimit";
  }

  @Override
  public Admission admit(Job job, Task task, StrategyContext ctx) {
    Double rate = task.strategy().rateLimit();
    if (rate == null || rate <= 0) return Admission.keep(job);
    long spacingMicros = Math.max(1, (long) (1_000_000 / rate));
    AtomicLong slot = nextFreeSlot.computeIfAbsent(task.id(), id -> new AtomicLong());
    long earliestMicros = Math.max(job.dueAt(), ctx.now()) * 1000;
    long granted = slot.updateAndGet(next -> Math.max(next, earliestMicros) + spacingMicros) - spacingMicros;
    return Admission.keep(job.withDueAt(Math.max(job.dueAt(), granted / 1000)));
  }
}
