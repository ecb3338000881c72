package dev.tally.strategy;

import dev.tally.model.Job;
import dev.tally.model.Task;

/** Lets replication settle: the first check is due delayMs after the event was received. */
public final class DelayStrategy implements StrategyFilter {
  @Override
  public String name() {
    return "delay";
  }

  @Override
  public Admission admit(Job job, Task task, StrategyContext ctx) {
    long delay = task.strategy().delayMs();
    if (delay <= 0) return Admission.keep(job);
    return Admission.keep(job.withDueAt(Math.max(job.dueAt(), job.event().receivedAt() + delay)));
  }
}
