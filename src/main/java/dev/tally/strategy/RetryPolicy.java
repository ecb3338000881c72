package dev.tally.strategy;

import dev.tally.model.Job;
import dev.tally.model.Retry;
import dev.tally.model.Status;
import dev.tally.model.Task;
import java.util.OptionalLong;

/**
 * After a check: whether the job gets another attempt, and when. FAIL and ERROR have separate budgets: a FAIL is
 * retried while fewer than onFail earlier attempts failed, an ERROR while fewer than onError erred.
 */
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
    // each status spends only its own budget: count earlier attempts that ended the same way
    long spent = job.history().stream().filter(a -> a.status() == status).count();
    if (spent >= extraAttempts) return OptionalLong.empty();
    return OptionalLong.of(now + retry.backoffBefore(job.attempt() + 1));
  }
}
