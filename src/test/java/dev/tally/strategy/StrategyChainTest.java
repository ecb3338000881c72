package dev.tally.strategy;

import static dev.tally.strategy.Fixtures.NOW;
import static dev.tally.strategy.Fixtures.ctx;
import static dev.tally.strategy.Fixtures.event;
import static dev.tally.strategy.Fixtures.job;
import static dev.tally.strategy.Fixtures.strategy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.EventFilter;
import dev.tally.model.Job;
import dev.tally.model.Strategy;
import dev.tally.model.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StrategyChainTest {
  /** Records that it ran and adds {@code step} ms to dueAt, or drops when told to. */
  private static final class Recording implements StrategyFilter {
    private final String name;
    private final long step;
    private final boolean drop;
    private final List<String> calls;
    private final List<Long> seenDueAt = new ArrayList<>();

    Recording(String name, long step, boolean drop, List<String> calls) {
      this.name = name;
      this.step = step;
      this.drop = drop;
      this.calls = calls;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Admission admit(Job job, Task task, StrategyContext ctx) {
      calls.add(name);
      seenDueAt.add(job.dueAt());
      return drop ? Admission.drop(name, "told to") : Admission.keep(job.withDueAt(job.dueAt() + step));
    }
  }

  @Test
  void runsFiltersInTheTasksOrderPassingTheJobAlong() {
    List<String> calls = new ArrayList<>();
    Recording a = new Recording("a", 1, false, calls);
    Recording b = new Recording("b", 10, false, calls);
    Recording c = new Recording("c", 100, false, calls);
    StrategyChain chain = new StrategyChain(List.of(a, b, c));
    Task task = strategy().order("c", "a", "b").task("task-1");
    Job job = job(task, "42");
    StrategyFilter.Admission out = chain.admit(job, task, ctx());
    assertEquals(List.of("c", "a", "b"), calls);
    assertEquals(List.of(job.dueAt()), c.seenDueAt);
    assertEquals(List.of(job.dueAt() + 100), a.seenDueAt);
    assertEquals(List.of(job.dueAt() + 101), b.seenDueAt);
    assertEquals(job.dueAt() + 111, out.job().dueAt());
  }

  @Test
  void filtersNotInTheOrderDoNotRun() {
    List<String> calls = new ArrayList<>();
    StrategyChain chain = new StrategyChain(List.of(new Recording("a", 1, false, calls),
        new Recording("b", 1, true, calls)));
    Task task = strategy().order("a").task("task-1");
    assertTrue(chain.admit(job(task, "42"), task, ctx()).kept());
    assertEquals(List.of("a"), calls);
  }

  @Test
  void theFirstDropEndsTheChain() {
    List<String> calls = new ArrayList<>();
    StrategyChain chain = new StrategyChain(List.of(new Recording("a", 1, false, calls),
        new Recording("b", 1, true, calls), new Recording("c", 1, false, calls)));
    Task task = strategy().order("a", "b", "c").task("task-1");
    StrategyFilter.Admission out = chain.admit(job(task, "42"), task, ctx());
    assertFalse(out.kept());
    assertEquals("b", out.droppedBy());
    assertEquals("told to", out.reason());
    assertEquals(List.of("a", "b"), calls);
  }

  @Test
  void unknownFilterNameThrows() {
    StrategyChain chain = StrategyChain.standard();
    Task task = strategy().order("filter", "nope", "delay").task("task-1");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> chain.admit(job(task, "42"), task, ctx()));
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
  }

  @Test
  void standardChainKnowsTheDefaultOrder() {
    assertEquals(Set.copyOf(Strategy.DEFAULT_ORDER), Set.copyOf(StrategyChain.standard().names()));
  }

  @Test
  void emptyOrderMeansTheDefaultOrder() {
    Task task = strategy().task("task-1");
    assertEquals(Strategy.DEFAULT_ORDER, task.strategy().order());
    Job job = job(task, "42");
    assertSame(job, StrategyChain.standard().admit(job, task, ctx()).job(), "defaults change nothing");
  }

  @Test
  void filterBeforeDelayDropsWithoutDelaying() {
    Task task = strategy().order("filter", "delay").delayMs(5_000)
        .filter(new EventFilter(List.of("update"), Map.of())).task("task-1");
    StrategyChain chain = StrategyChain.standard();
    StrategyFilter.Admission dropped = chain.admit(job(task, "42", event("delete", Map.of("id", "42"), NOW)), task,
        ctx());
    assertFalse(dropped.kept());
    assertEquals("filter", dropped.droppedBy());
    StrategyFilter.Admission kept = chain.admit(job(task, "42", event("update", Map.of("id", "42"), NOW)), task,
        ctx());
    assertEquals(NOW + 5_000, kept.job().dueAt());
  }

  @Test
  void grayBeforeCoalesceDropsOnlyWhatCoalesceWouldHaveKept() {
    Task task = strategy().order("gray", "coalesce").sampleRate(0.0).allowKeys("vip").coalesce(true)
        .task("task-1");
    StrategyChain chain = StrategyChain.standard();
    Fixtures.Ctx ctx = ctx().waiting("task-1", "vip");
    assertEquals("gray", chain.admit(job(task, "other"), task, ctx).droppedBy());
    assertEquals("coalesce", chain.admit(job(task, "vip"), task, ctx).droppedBy());
    assertTrue(ctx.waitingAsked.equals(List.of("task-1/vip")), "coalesce not asked for a gray drop: "
        + ctx.waitingAsked);
  }

  @Test
  void delayThenRateLimitSpacesFromTheDelayedDueTime() {
    Task task = strategy().delayMs(1_000).rateLimit(5.0).task("task-1");
    StrategyChain chain = StrategyChain.standard();
    List<Long> due = new ArrayList<>();
    for (int i = 0; i < 5; i++) due.add(chain.admit(job(task, "k" + i), task, ctx()).job().dueAt());
    assertEquals(List.of(NOW + 1_000, NOW + 1_200, NOW + 1_400, NOW + 1_600, NOW + 1_800), due);
  }

  @Test
  void rateLimitBeforeFilterSpendsSlotsOnDroppedJobs() {
    // order matters: filtering first keeps dropped events from taking rate-limit slots
    Task filterFirst = strategy().order("filter", "rateLimit").rateLimit(5.0)
        .filter(new EventFilter(List.of("update"), Map.of())).task("t-filter-first");
    Task limitFirst = strategy().order("rateLimit", "filter").rateLimit(5.0)
        .filter(new EventFilter(List.of("update"), Map.of())).task("t-limit-first");
    StrategyChain chain = StrategyChain.standard();
    for (Task t : List.of(filterFirst, limitFirst)) {
      for (int i = 0; i < 3; i++) chain.admit(job(t, "d" + i, event("delete", Map.of(), NOW)), t, ctx());
    }
    assertEquals(NOW, chain.admit(job(filterFirst, "u", event("update", Map.of(), NOW)), filterFirst, ctx())
        .job().dueAt());
    assertEquals(NOW + 600, chain.admit(job(limitFirst, "u", event("update", Map.of(), NOW)), limitFirst, ctx())
        .job().dueAt());
  }
}
