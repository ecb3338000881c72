package dev.tally.model;

import java.util.List;

/**
 * The outcome of a job. FAIL and ERROR are stored in full; PASS is counted (and stored in full only when a
 * callback follows it or it is a re-check). Idempotent per (eventId, taskId, attempts).
 *
 * <p>Repair fields, all absent on results stored before they existed: {@code repair}, the suggested write that
 * would make the right side equal the left (FAIL of a CONFIG task); {@code callbacks}, every call of the task's
 * callback with its outcome; {@code repairs}, every repair Tally applied itself ({@code applyRepair});
 * {@code recheck}, the result of the job checked again after the repair; {@code recheckOf}, on a re-check's
 * result, the id of the result it re-checks.
 */
public record Result(String id, String taskId, String eventId, String entityKey, Status status,
                     List<Diff> diffs, SideRead left, SideRead right, String error, int attempts,
                     List<Attempt> history, Event event, long startedAt, long finishedAt, long createdAt,
                     RepairPlan repair, List<CallbackOutcome> callbacks, List<AppliedRepair> repairs,
                     Recheck recheck, String recheckOf) {
  public Result {
    diffs = diffs == null ? List.of() : diffs;
    history = history == null ? List.of() : history;
  }

  public Result(String id, String taskId, String eventId, String entityKey, Status status,
                List<Diff> diffs, SideRead left, SideRead right, String error, int attempts,
                List<Attempt> history, Event event, long startedAt, long finishedAt, long createdAt) {
    this(id, taskId, eventId, entityKey, status, diffs, left, right, error, attempts, history, event, startedAt,
        finishedAt, createdAt, null, null, null, null, null);
  }

  /** The same result with one more callback outcome. */
  public Result withCallback(CallbackOutcome outcome) {
    List<CallbackOutcome> all = new java.util.ArrayList<>(callbacks == null ? List.of() : callbacks);
    all.add(outcome);
    return new Result(id, taskId, eventId, entityKey, status, diffs, left, right, error, attempts, history, event,
        startedAt, finishedAt, createdAt, repair, List.copyOf(all), repairs, recheck, recheckOf);
  }

  /** The same result with more applied repairs. */
  public Result withRepairs(List<AppliedRepair> applied) {
    List<AppliedRepair> all = new java.util.ArrayList<>(repairs == null ? List.of() : repairs);
    all.addAll(applied);
    return new Result(id, taskId, eventId, entityKey, status, diffs, left, right, error, attempts, history, event,
        startedAt, finishedAt, createdAt, repair, callbacks, List.copyOf(all), recheck, recheckOf);
  }

  /** The same result linked to its re-check's outcome. */
  public Result withRecheck(Recheck link) {
    return new Result(id, taskId, eventId, entityKey, status, diffs, left, right, error, attempts, history, event,
        startedAt, finishedAt, createdAt, repair, callbacks, repairs, link, recheckOf);
  }
}
