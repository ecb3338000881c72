package dev.tally.ops;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of the last few whole seconds, kept in a ring of one slot per second, for the rates the live stream
 * shows. Plain Java, time passed in; safe from any thread.
 */
public final class RateWindow {
  /** A task's share of the rates. */
  public record TaskRate(String taskId, double resultsPerSec, double failuresPerSec) {
  }

  public record Rates(double eventsPerSec, double resultsPerSec, double failuresPerSec, List<TaskRate> perTask) {
  }

  private static final class Slot {
    long second = Long.MIN_VALUE;
    long events;
    long results;
    long failures;
    final Map<String, long[]> perTask = new HashMap<>();

    void reset(long second) {
      this.second = second;
      events = 0;
      results = 0;
      failures = 0;
      perTask.clear();
    }
  }

  private final int seconds;
  private final Slot[] slots;

  /** Rates over the last {@code seconds} whole seconds. */
  public RateWindow(int seconds) {
    this.seconds = seconds;
    this.slots = new Slot[seconds + 1];
    for (int i = 0; i < slots.length; i++) slots[i] = new Slot();
  }

  public synchronized void events(long nowMs, long n) {
    slot(nowMs).events += n;
  }

  /** One result of a task; {@code failure}: a FAIL (an ERROR is a result but not a failure of the data). */
  public synchronized void result(long nowMs, String taskId, boolean failure) {
    Slot s = slot(nowMs);
    long[] t = s.perTask.computeIfAbsent(taskId, k -> new long[2]);
    s.results++;
    t[0]++;
    if (failure) {
      s.failures++;
      t[1]++;
    }
  }

  /** Per second over the {@code seconds} whole seconds before the current one. */
  public synchronized Rates rates(long nowMs) {
    long current = Math.floorDiv(nowMs, 1000);
    long events = 0, results = 0, failures = 0;
    Map<String, long[]> perTask = new TreeMap<>();
    for (Slot s : slots) {
      if (s.second >= current || s.second < current - seconds) continue;
      events += s.events;
      results += s.results;
      failures += s.failures;
      s.perTask.forEach((task, n) -> {
        long[] sum = perTask.computeIfAbsent(task, k -> new long[2]);
        sum[0] += n[0];
        sum[1] += n[1];
      });
    }
    List<TaskRate> tasks = new ArrayList<>(perTask.size());
    perTask.forEach((task, n) -> tasks.add(new TaskRate(task, per(n[0]), per(n[1]))));
    return new Rates(per(events), per(results), per(failures), tasks);
  }

  private double per(long n) {
    return (double) n / seconds;
  }

  private Slot slot(long nowMs) {
    long second = Math.floorDiv(nowMs, 1000);
    Slot s = slots[(int) Math.floorMod(second, (long) slots.length)];
    if (s.second != second) s.reset(second);
    return s;
  }
}
