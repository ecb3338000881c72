package dev.tally.strategy;

/** What filters may ask of the world: the clock and the job queue's waiting set. */
public interface StrategyContext {
  long now();

  /** True if a job for this task and entity is queued and not yet handed to a compare verticle. */
  boolean isWaiting(String taskId, String entityKey);
}
