package dev.tally.strategy;

import static dev.tally.strategy.Fixtures.ctx;
import static dev.tally.strategy.Fixtures.job;
import static dev.tally.strategy.Fixtures.strategy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.Job;
import dev.tally.model.Task;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoalesceStrategyTest {
  private final CoalesceStrategy coalesce = new CoalesceStrategy();

  @Test
  void dropsWhenOnAndAJobForTheEntityIsWaiting() {
    Task task = strategy().coalesce(true).task("task-1");
    Fixtures.Ctx ctx = ctx().waiting("task-1", "42");
    StrategyFilter.Admission a = coalesce.admit(job(task, "42"), task, ctx);
    assertFalse(a.kept());
    assertNull(a.job());
    assertEquals("coalesce", a.droppedBy());
    assertTrue(a.reason().contains("42"), a.reason());
    assertEquals(List.of("task-1/42"), ctx.waitingAsked);
  }

  @Test
  void keepsWhenOnAndNothingIsWaiting() {
    Task task = strategy().coalesce(true).task("task-1");
    Job job = job(task, "42");
    StrategyFilter.Admission a = coalesce.admit(job, task, ctx());
    assertSame(job, a.job());
  }

  @Test
  void keepsWhenOffEvenIfWaiting() {
    Task task = strategy().coalesce(false).task("task-1");
    Job job = job(task, "42");
    StrategyFilter.Admission a = coalesce.admit(job, task, ctx().waiting("task-1", "42"));
    assertTrue(a.kept());
    assertSame(job, a.job());
  }

  @Test
  void onlyTheSameTaskAndEntityCount() {
    Task task = strategy().coalesce(true).task("task-1");
    Fixtures.Ctx ctx = ctx().waiting("task-2", "42").waiting("task-1", "43");
    assertTrue(coalesce.admit(job(task, "42"), task, ctx).kept(), "other task waiting for 42");
    assertFalse(coalesce.admit(job(task, "43"), task, ctx).kept());
    assertTrue(coalesce.admit(job(task, "4"), task, ctx).kept(), "key prefix is another entity");
  }
}
