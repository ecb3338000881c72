package dev.tally.strategy;

import static dev.tally.strategy.Fixtures.NOW;
import static dev.tally.strategy.Fixtures.jobAtAttempt;
import static dev.tally.strategy.Fixtures.strategy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.Retry;
import dev.tally.model.Status;
import dev.tally.model.Task;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static Task taskWith(Retry retry) {
    return strategy().retry(retry).task("task-1");
  }

  /** The decision at {@code attempt} after a run of attempts that all ended with {@code status}. */
  private static OptionalLong next(Task task, int attempt, Status status) {
    Status[] previous = new Status[attempt - 1];
    java.util.Arrays.fill(previous, status);
    return RetryPolicy.nextAttemptAt(task, Fixtures.jobAfter(task, previous), status, NOW);
  }

  @Test
  void failAndErrorSpendSeparateBudgets() {
    Task task = taskWith(new Retry(2, 2, 1_000L, 1.0));
    // two errors used up the ERROR budget, not the FAIL one
    assertTrue(RetryPolicy.nextAttemptAt(task, Fixtures.jobAfter(task, Status.ERROR, Status.ERROR), Status.FAIL, NOW).isPresent());
    assertEquals(OptionalLong.empty(),
        RetryPolicy.nextAttemptAt(task, Fixtures.jobAfter(task, Status.ERROR, Status.ERROR), Status.ERROR, NOW));
    assertEquals(OptionalLong.empty(),
        RetryPolicy.nextAttemptAt(task, Fixtures.jobAfter(task, Status.FAIL, Status.ERROR, Status.FAIL), Status.FAIL, NOW));
  }

  @Test
  void failBudgetOfTwoRetriesAttemptsOneAndTwo() {
    Task task = taskWith(new Retry(2, 0, 1_000L, 1.0));
    assertTrue(next(task, 1, Status.FAIL).isPresent());
    assertTrue(next(task, 2, Status.FAIL).isPresent());
    assertEquals(OptionalLong.empty(), next(task, 3, Status.FAIL));
    assertEquals(OptionalLong.empty(), next(task, 4, Status.FAIL));
  }

  @Test
  void passIsNeverRetried() {
    Task task = taskWith(new Retry(5, 5, 1_000L, 2.0));
    for (int attempt = 1; attempt <= 6; attempt++) {
      assertEquals(OptionalLong.empty(), next(task, attempt, Status.PASS), "attempt " + attempt);
    }
  }

  @Test
  void errorUsesTheErrorBudget() {
    Task task = taskWith(new Retry(0, 1, 1_000L, 1.0));
    assertTrue(next(task, 1, Status.ERROR).isPresent());
    assertEquals(OptionalLong.empty(), next(task, 2, Status.ERROR));
    assertEquals(OptionalLong.empty(), next(task, 1, Status.FAIL), "FAIL has no budget");

    Task failOnly = taskWith(new Retry(3, 0, 1_000L, 1.0));
    assertEquals(OptionalLong.empty(), next(failOnly, 1, Status.ERROR), "ERROR has no budget");
    assertTrue(next(failOnly, 1, Status.FAIL).isPresent());
  }

  @Test
  void noRetryByDefault() {
    Task task = strategy().task("task-1");
    for (Status s : Status.values()) assertEquals(OptionalLong.empty(), next(task, 1, s), s.name());
  }

  @Test
  void backoffGrowsByTheMultiplier() {
    Task task = taskWith(new Retry(4, 4, 1_000L, 2.0));
    assertEquals(OptionalLong.of(NOW + 1_000), next(task, 1, Status.FAIL), "before attempt 2");
    assertEquals(OptionalLong.of(NOW + 2_000), next(task, 2, Status.FAIL), "before attempt 3");
    assertEquals(OptionalLong.of(NOW + 4_000), next(task, 3, Status.ERROR), "before attempt 4");
    assertEquals(OptionalLong.of(NOW + 8_000), next(task, 4, Status.FAIL), "before attempt 5");
    assertEquals(OptionalLong.empty(), next(task, 5, Status.FAIL));
  }

  @Test
  void fractionalMultiplier() {
    Task task = taskWith(new Retry(3, 0, 1_000L, 1.5));
    assertEquals(OptionalLong.of(NOW + 1_000), next(task, 1, Status.FAIL));
    assertEquals(OptionalLong.of(NOW + 1_500), next(task, 2, Status.FAIL));
    assertEquals(OptionalLong.of(NOW + 2_250), next(task, 3, Status.FAIL));
  }

  @Test
  void multiplierOneOrLessMeansConstantBackoff() {
    for (double multiplier : new double[] {1.0, 0.0, -3.0}) {
      Task task = taskWith(new Retry(3, 0, 250L, multiplier));
      for (int attempt = 1; attempt <= 3; attempt++) {
        assertEquals(OptionalLong.of(NOW + 250), next(task, attempt, Status.FAIL), "x" + multiplier);
      }
    }
  }

  @Test
  void backoffIsCountedFromNow() {
    Task task = taskWith(new Retry(1, 0, 700L, 3.0));
    assertEquals(OptionalLong.of(12_345L + 700),
        RetryPolicy.nextAttemptAt(task, jobAtAttempt(task, 1), Status.FAIL, 12_345L));
  }

  /**
   * onFail may be up to 100 and the multiplier is not bounded, so backoffMs × multiplier^n can exceed a
   * long: the wait is capped at Retry.MAX_BACKOFF_MS, and now + wait must never wrap into the past.
   */
  @Test
  void hugeBackoffIsCappedAndNeverInThePast() {
    Task task = taskWith(new Retry(100, 100, 1_000L, 10.0));
    long previous = 0;
    for (int attempt = 1; attempt <= 100; attempt++) {
      long wait = next(task, attempt, attempt % 2 == 0 ? Status.FAIL : Status.ERROR).orElseThrow() - NOW;
      assertTrue(wait >= previous, "attempt " + attempt + ": waits never shrink, " + wait + " < " + previous);
      assertTrue(wait <= Retry.MAX_BACKOFF_MS, "attempt " + attempt + ": wait " + wait);
      previous = wait;
    }
    assertEquals(Retry.MAX_BACKOFF_MS, previous);
    assertEquals(OptionalLong.empty(), next(task, 101, Status.FAIL));
  }

  @Test
  void capAppliesToALargeInitialBackoffToo() {
    Task task = taskWith(new Retry(1, 0, 7L * 24 * 3_600_000, 1.0));
    assertEquals(OptionalLong.of(NOW + Retry.MAX_BACKOFF_MS), next(task, 1, Status.FAIL));
  }
}
