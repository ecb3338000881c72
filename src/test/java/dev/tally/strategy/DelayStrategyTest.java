package dev.tally.strategy;

import static dev.tally.strategy.Fixtures.NOW;
import static dev.tally.strategy.Fixtures.event;
import static dev.tally.strategy.Fixtures.job;
import static dev.tally.strategy.Fixtures.strategy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.Job;
import dev.tally.model.Task;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DelayStrategyTest {
  private final DelayStrategy delay = new DelayStrategy();

  @Test
  void dueAtIsReceivedAtPlusDelay() {
    Task task = strategy().delayMs(5_000).task("task-1");
    long receivedAt = NOW - 1_234;
    Job job = job(task, "42", event("update", Map.of("id", "42"), receivedAt));
    StrategyFilter.Admission a = delay.admit(job, task, new Fixtures.Ctx(NOW));
    assertTrue(a.kept());
    assertEquals(receivedAt + 5_000, a.job().dueAt());
    assertEquals(receivedAt, job.dueAt(), "the input job is not changed");
  }

  @Test
  void delayCountsFromReceivedAtNotFromTheClock() {
    Task task = strategy().delayMs(2_000).task("task-1");
    Job job = job(task, "42", event("update", Map.of("id", "42"), 10_000L));
    assertEquals(12_000L, delay.admit(job, task, new Fixtures.Ctx(999_999L)).job().dueAt());
  }

  @Test
  void otherFieldsAreKept() {
    Task task = strategy().delayMs(100).task("task-1");
    Job job = job(task, "42");
    Job out = delay.admit(job, task, Fixtures.ctx()).job();
    assertEquals(job.withDueAt(out.dueAt()), out);
  }

  @Test
  void zeroDelayLeavesTheJobAlone() {
    Task task = strategy().delayMs(0).task("task-1");
    Job job = job(task, "42");
    assertSame(job, delay.admit(job, task, Fixtures.ctx()).job());
  }

  @Test
  void neverMovesAJobEarlier() {
    Task task = strategy().delayMs(1_000).task("task-1");
    Job job = job(task, "42").withDueAt(NOW + 60_000);
    assertEquals(NOW + 60_000, delay.admit(job, task, Fixtures.ctx()).job().dueAt());
  }
}
