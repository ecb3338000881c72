package dev.tally.strategy;

import static dev.tally.strategy.Fixtures.NOW;
import static dev.tally.strategy.Fixtures.ctx;
import static dev.tally.strategy.Fixtures.job;
import static dev.tally.strategy.Fixtures.strategy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.Job;
import dev.tally.model.Task;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RateLimitStrategyTest {
  private final RateLimitStrategy rateLimit = new RateLimitStrategy();

  private List<Long> dueTimes(Task task, int n, Fixtures.Ctx ctx) {
    List<Long> due = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StrategyFilter.Admission a = rateLimit.admit(job(task, "k" + i), task, ctx);
      assertTrue(a.kept(), "rate limiting never drops");
      due.add(a.job().dueAt());
    }
    return due;
  }

  private static List<Long> spaced(long first, long step, int n) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(first + i * step);
    return out;
  }

  @Test
  void tenJobsAtFivePerSecondAre200msApart() {
    Task task = strategy().rateLimit(5.0).task("task-1");
    assertEquals(spaced(NOW, 200, 10), dueTimes(task, 10, ctx()));
  }

  @Test
  void tasksHaveSeparateBudgets() {
    Task a = strategy().rateLimit(5.0).task("task-a");
    Task b = strategy().rateLimit(2.0).task("task-b");
    assertEquals(spaced(NOW, 200, 10), dueTimes(a, 10, ctx()));
    assertEquals(spaced(NOW, 500, 4), dueTimes(b, 4, ctx()));
    assertEquals(List.of(NOW + 2_000), dueTimes(a, 1, ctx()), "task a goes on where it was");
  }

  @Test
  void separateFilterInstancesDoNotShareState() {
    Task task = strategy().rateLimit(5.0).task("task-1");
    dueTimes(task, 10, ctx());
    assertEquals(NOW, new RateLimitStrategy().admit(job(task, "x"), task, ctx()).job().dueAt());
  }

  @Test
  void noLimitLeavesJobsAlone() {
    for (Double rate : new Double[] {null, 0.0}) {
      Task task = strategy().rateLimit(rate).task("task-1");
      for (int i = 0; i < 5; i++) {
        Job job = job(task, "k" + i);
        assertSame(job, rateLimit.admit(job, task, ctx()).job());
      }
    }
  }

  @Test
  void slotsStartAtTheJobsOwnDueTime() {
    Task task = strategy().rateLimit(5.0).task("task-1");
    List<Long> due = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Job delayed = job(task, "k" + i).withDueAt(NOW + 5_000);
      due.add(rateLimit.admit(delayed, task, ctx()).job().dueAt());
    }
    assertEquals(spaced(NOW + 5_000, 200, 3), due);
  }

  @Test
  void anIdleTaskStartsAgainFromNowWithoutBurstCredit() {
    Task task = strategy().rateLimit(5.0).task("task-1");
    dueTimes(task, 3, ctx());
    Fixtures.Ctx later = new Fixtures.Ctx(NOW + 60_000);
    assertEquals(spaced(NOW + 60_000, 200, 3), dueTimes(task, 3, later));
  }

  @Test
  void fractionalRates() {
    Task slow = strategy().rateLimit(0.5).task("slow");
    assertEquals(spaced(NOW, 2_000, 4), dueTimes(slow, 4, ctx()));
    Task three = strategy().rateLimit(3.0).task("three");
    List<Long> due = dueTimes(three, 31, ctx());
    assertEquals(NOW + 10_000, due.get(30), 1.0, "30 gaps of 1/3 s");
    for (int i = 1; i < due.size(); i++) {
      long gap = due.get(i) - due.get(i - 1);
      assertTrue(gap == 333 || gap == 334, "gap " + gap);
    }
  }

  @Test
  void concurrentCallersGetDistinctSlots() throws Exception {
    Task task = strategy().rateLimit(1_000.0).task("task-1");
    int threads = 8;
    int perThread = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Long> due = Collections.synchronizedList(new ArrayList<>());
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            due.add(rateLimit.admit(job(task, thread + "-" + i), task, ctx()).job().dueAt());
          }
        }));
      }
      for (Future<?> f : futures) f.get();
    } finally {
      pool.shutdownNow();
    }
    List<Long> sorted = new ArrayList<>(due);
    Collections.sort(sorted);
    assertEquals(spaced(NOW, 1, threads * perThread), sorted);
  }
}
