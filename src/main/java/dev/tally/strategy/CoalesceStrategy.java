package dev.tally.strategy;

import dev.tally.model.Job;
import dev.tally.model.Task;

/**
 * A job already waiting for the same task and entity will read the latest state anyway, so a newer event
 * for that entity makes no new job.
 */
public final class CoalesceStrategy implements StrategyFilter {
  @Override
  public String name() {
    return "coalesce";
  }

  @Override
  public Admission admit(Job job, Task task, StrategyContext ctx) {
    if (task.strategy().coalesce() && ctx.isWaiting(task.id(), job.entityKey())) {
      return Admission.drop(name(), "a job for entity " + job.entityKey() + " is already waiting");
    }
    return Admission.keep(job);
  }
}
