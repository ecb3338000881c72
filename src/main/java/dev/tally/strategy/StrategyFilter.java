package dev.tally.strategy;

import dev.tally.model.Job;
import dev.tally.model.Task;

/**
 * One step of a task's strategy chain, applied to every job before it is queued, like middleware.
 *
 * <p>Contract: {@link #admit} returns the job to pass on (possibly with a later {@code dueAt}) or
 * {@link Admission#drop} with a reason. It must not mutate its arguments. Implementations are shared by
 * all tasks and may be called from several threads at once; per-task state must be thread-safe.
 */
public interface StrategyFilter {
  /** The name used in a task's {@code strategy.order}. */
  String name();

  Admission admit(Job job, Task task, StrategyContext ctx);

  /** The outcome of one filter. */
  record Admission(Job job, String droppedBy, String reason) {
    public static Admission keep(Job job) {
      return new Admission(job, null, null);
    }

    public static Admission drop(String filter, String reason) {
      return new Admission(null, filter, reason);
    }

    public boolean kept() {
      return job != null;
    }
  }
}
