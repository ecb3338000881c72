package dev.tally.model;

import java.util.List;

/**
 * The outcome of a job. FAIL and ERROR are stored in full; PASS is counted.
 * Idempotent per (eventId, taskId, attempts).
 */
public record Result(String id, String taskId, String eventId, String entityKey, Status status,
                     List<Diff> diffs, SideRead left, SideRead right, String error, int attempts,
                     List<Attempt> history, Event event, long startedAt, long finishedAt, long createdAt) {
  public Result {
    diffs = diffs == null ? List.of() : diffs;
    history = history == null ? List.of() : history;
  }
}
