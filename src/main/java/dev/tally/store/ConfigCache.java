package dev.tally.store;

import dev.tally.auth.TtlCache;
import dev.tally.model.DataSource;
import dev.tally.model.EventSource;
import dev.tally.model.Task;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An in-memory snapshot of all configuration, so the hot path never reads it from the store. Replaced as a
 * whole on {@link #reload()}; readers on any thread see one consistent snapshot.
 */
public final class ConfigCache {
  private record Snapshot(Map<String, DataSource> dataSources, Map<String, EventSource> eventSources,
                          Map<String, Task> tasks, Map<String, List<Task>> tasksBySource) {
  }

  private final ConfigRepository repository;
  private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Map.of(), Map.of());
  private final AtomicLong reloadsStarted = new AtomicLong();
  private final AtomicLong appliedReload = new AtomicLong();

  public ConfigCache(ConfigRepository repository) {
    this.repository = repository;
  }

  /**
   * Reads everything again. Reloads may overlap (a write here and a change notice from another node); a
   * reload that started earlier but finishes later must not replace a newer snapshot, so each applies only
   * if no later-started reload has been applied.
   */
  public Future<Void> reload() {
    long ticket = reloadsStarted.incrementAndGet();
    return Future.all(repository.dataSources(), repository.eventSources(), repository.tasks()).map(all -> {
      List<DataSource> ds = all.resultAt(0);
      List<EventSource> es = all.resultAt(1);
      List<Task> tasks = all.resultAt(2);
      Snapshot fresh = new Snapshot(byId(ds, DataSource::id), byId(es, EventSource::id), byId(tasks, Task::id),
          tasks.stream().collect(Collectors.groupingBy(Task::eventSourceId)));
      synchronized (this) {
        if (ticket > appliedReload.get()) {
          appliedReload.set(ticket);
          snapshot = fresh;
          missingTasks.clear(); // a task created meanwhile is in the snapshot now, or asked for again
        }
      }
      return null;
    });
  }

  /**
   * The task, asking the store when the snapshot does not have it (it may be newer than the snapshot); null when
   * the store has no such task. A miss is remembered for {@link #MISSING_TTL_MS} (and until the next reload), so a
   * flood of jobs for unknown tasks (deleted ones, another cluster on the same topics) costs one store query per
   * task id and period instead of one per job. Kept short because an id can come back: a client may create a task
   * with the id of one it deleted, and the new task's first jobs may come before this node reloads.
   */
  public Future<Task> taskFresh(String id) {
    Task cached = task(id);
    if (cached != null) return Future.succeededFuture(cached);
    long now = System.currentTimeMillis();
    if (missingTasks.get(id, now) != null) return Future.succeededFuture(null);
    return repository.task(id).onSuccess(found -> {
      if (found == null) missingTasks.put(id, Boolean.TRUE, now);
    });
  }

  static final long MISSING_TTL_MS = 2_000;
  private final TtlCache<Boolean> missingTasks = new TtlCache<>(MISSING_TTL_MS);

  public DataSource dataSource(String id) {
    return snapshot.dataSources().get(id);
  }

  public EventSource eventSource(String id) {
    return snapshot.eventSources().get(id);
  }

  public List<EventSource> eventSources() {
    return List.copyOf(snapshot.eventSources().values());
  }

  public Task task(String id) {
    return snapshot.tasks().get(id);
  }

  public List<Task> tasks() {
    return List.copyOf(snapshot.tasks().values());
  }

  /** The team of a task; null when there is no such task (any more). */
  public String teamOfTask(String taskId) {
    Task t = taskId == null ? null : snapshot.tasks().get(taskId);
    return t == null ? null : t.team();
  }

  public List<Task> tasksOf(String eventSourceId) {
    return snapshot.tasksBySource().getOrDefault(eventSourceId, List.of());
  }

  private static <T> Map<String, T> byId(List<T> items, Function<T, String> id) {
    return items.stream().collect(Collectors.toUnmodifiableMap(id, Function.identity()));
  }
}
