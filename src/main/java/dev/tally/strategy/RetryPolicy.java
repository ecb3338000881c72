package dev.tally.strategy;

import dev.tally.model.Job;
import dev.tally.model.Retry;
import dev.tally.model.Status;
import dev.tally.model.Task;
import java.util.OptionalLong;

/** After a check: whether the job gets another attempt, and when. FAIL and ERROR have separate budgets. */
public final class RetryPolicy {
  private RetryPolicy() {
  }

  /** The due time of the next attempt, or empty when this result is final. */
  public static OptionalLong nextAttemptAt(Task task, Job job, Status status, long now) {
    Retry retry = task.strategy().retry();
    int extraAttempts = switch (status) {
      case PASS -> 0;
      case FAIL -> retry.onFail();
      case ERROR -> retry.onError();
    };
    // attempt counts from 1; budgets count attempts after the first
    if (job.attempt() > extraAttempts) return OptionalLong.empty();
    return OptionalLong.of(now + retry.backoffBefore(job.attempt() + 1));
  }
}
