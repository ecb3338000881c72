package dev.tally.model;

import java.util.List;

/**
 * One (event, task) pair waiting for or under check. {@code attempt} starts at 1. {@code recheckOf}: this job
 * checks the entity once more after a repair; the id of the result it re-checks (null for a normal job).
 */
public record Job(String id, String taskId, Event event, String entityKey, int attempt, long dueAt,
                  long createdAt, List<Attempt> history, String recheckOf) {
  public Job {
    history = history == null ? List.of() : List.copyOf(history);
  }

  public Job(String id, String taskId, Event event, String entityKey, int attempt, long dueAt, long createdAt,
             List<Attempt> history) {
    this(id, taskId, event, entityKey, attempt, dueAt, createdAt, history, null);
  }

  public Job withDueAt(long newDueAt) {
    return new Job(id, taskId, event, entityKey, attempt, newDueAt, createdAt, history, recheckOf);
  }

  /** The next attempt, after {@code finished}, due at {@code newDueAt}. */
  public Job retry(Attempt finished, long newDueAt) {
    var next = new java.util.ArrayList<>(history);
    next.add(finished);
    return new Job(id, taskId, event, entityKey, attempt + 1, newDueAt, createdAt, next, recheckOf);
  }
}
