package dev.tally.strategy;

import dev.tally.model.Event;
import dev.tally.model.EventFilter;
import dev.tally.model.Job;
import dev.tally.model.Retry;
import dev.tally.model.Strategy;
import dev.tally.model.Task;
import dev.tally.model.TaskType;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builders for the records the strategy filters read, with defaults that make every filter a no-op. */
final class Fixtures {
  static final long NOW = 1_700_000_000_000L;

  private Fixtures() {
  }

  /** A strategy to change one setting at a time; {@link #build()} gives the record. */
  static final class StrategyBuilder {
    long delayMs = 0L;
    double sampleRate = 1.0;
    List<String> allowKeys = List.of();
    Retry retry = Retry.NONE;
    EventFilter filter = null;
    boolean coalesce = false;
    Double rateLimit = null;
    List<String> order = null;

    StrategyBuilder delayMs(long v) {
      delayMs = v;
      return this;
    }

    StrategyBuilder sampleRate(double v) {
      sampleRate = v;
      return this;
    }

    StrategyBuilder allowKeys(String... v) {
      allowKeys = List.of(v);
      return this;
    }

    StrategyBuilder retry(Retry v) {
      retry = v;
      return this;
    }

    StrategyBuilder filter(EventFilter v) {
      filter = v;
      return this;
    }

    StrategyBuilder coalesce(boolean v) {
      coalesce = v;
      return this;
    }

    StrategyBuilder rateLimit(Double v) {
      rateLimit = v;
      return this;
    }

    StrategyBuilder order(String... v) {
      order = List.of(v);
      return this;
    }

    Strategy build() {
      return new Strategy(delayMs, sampleRate, allowKeys, retry, filter, coalesce, rateLimit, false, order);
    }

    Task task(String id) {
      return Fixtures.task(id, build());
    }
  }

  static StrategyBuilder strategy() {
    return new StrategyBuilder();
  }

  static Task task(String id, Strategy strategy) {
    return new Task(id, "task " + id, "es-1", TaskType.CONFIG, true, null, null, List.of(), List.of("id"), strategy,
        null, null, null, 0L, 0L);
  }

  static Event event(String op, Map<String, Object> data, long receivedAt) {
    return new Event("ev-" + System.nanoTime(), "es-1", op, data, null, receivedAt - 5, receivedAt);
  }

  /** A first-attempt job as the dispatcher makes it: due when the event was received. */
  static Job job(Task task, String entityKey, Event event) {
    return new Job("job-" + task.id() + "-" + entityKey, task.id(), event, entityKey, 1, event.receivedAt(),
        event.receivedAt(), List.of());
  }

  static Job job(Task task, String entityKey) {
    return job(task, entityKey, event("update", Map.of("id", entityKey), NOW));
  }

  /** A job whose earlier attempts ended with these statuses; its attempt number follows them. */
  static Job jobAfter(Task task, dev.tally.model.Status... previous) {
    Job first = job(task, "42");
    List<dev.tally.model.Attempt> history = new java.util.ArrayList<>();
    for (int i = 0; i < previous.length; i++) history.add(new dev.tally.model.Attempt(i + 1, previous[i], 0, 1, ""));
    return new Job(first.id(), first.taskId(), first.event(), first.entityKey(), previous.length + 1, first.dueAt(),
        first.createdAt(), history);
  }

  static Job jobAtAttempt(Task task, int attempt) {
    Job first = job(task, "42");
    return new Job(first.id(), first.taskId(), first.event(), first.entityKey(), attempt, first.dueAt(),
        first.createdAt(), List.of());
  }

  /** A fixed clock and a set of (task, entity) pairs that are waiting in the queue. */
  static final class Ctx implements StrategyContext {
    long now;
    final Set<String> waiting = new HashSet<>();
    final List<String> waitingAsked = new java.util.ArrayList<>();

    Ctx(long now) {
      this.now = now;
    }

    Ctx waiting(String taskId, String entityKey) {
      waiting.add(taskId + "/" + entityKey);
      return this;
    }

    @Override
    public long now() {
      return now;
    }

    @Override
    public boolean isWaiting(String taskId, String entityKey) {
      waitingAsked.add(taskId + "/" + entityKey);
      return waiting.contains(taskId + "/" + entityKey);
    }
  }

  static Ctx ctx() {
    return new Ctx(NOW);
  }
}
