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

  /** An event source's share of the event rate. */
  public record SourceRate(String eventSourceId, double eventsPerSec) {
  }

  public record Rates(double eventsPerSec, double resultsPerSec, double failuresPerSec, List<TaskRate> perTask,
                      List<SourceRate> perSource) {
  }

  private static final class Slot {
    long second = Long.MIN_VALUE;
    long events;
    long results;
    long failures;
    final Map<String, long[]> perTask = new HashMap<>();
    final Map<String, long[]> perSource = new HashMap<>();

    void reset(long second) {
      perSource.clear();
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
    events(nowMs, null, n);
  }

  /** {@code n} events of an event source (null: of none in particular). */
  public synchronized void events(long nowMs, String eventSourceId, long n) {
    Slot s = slot(nowMs);
    s.events += n;
    if (eventSourceId != null) s.perSource.computeIfAbsent(eventSourceId, k -> new long[1])[0] += n;
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
    Map<String, long[]> perSource = new TreeMap<>();
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
      s.perSource.forEach((source, n) -> perSource.computeIfAbsent(source, k -> new long[1])[0] += n[0]);
    }
    List<TaskRate> tasks = new ArrayList<>(perTask.size());
    perTask.forEach((task, n) -> tasks.add(new TaskRate(task, per(n[0]), per(n[1]))));
    List<SourceRate> sources = new ArrayList<>(perSource.size());
    perSource.forEach((source, n) -> sources.add(new SourceRate(source, per(n[0]))));
    return new Rates(per(events), per(results), per(failures), tasks, sources);
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
