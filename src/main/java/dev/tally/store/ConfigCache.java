package dev.tally.store;

import dev.tally.model.DataSource;
import dev.tally.model.EventSource;
import dev.tally.model.Task;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
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

  public ConfigCache(ConfigRepository repository) {
    this.repository = repository;
  }

  public Future<Void> reload() {
    return Future.all(repository.dataSources(), repository.eventSources(), repository.tasks()).map(all -> {
      List<DataSource> ds = all.resultAt(0);
      List<EventSource> es = all.resultAt(1);
      List<Task> tasks = all.resultAt(2);
      snapshot = new Snapshot(byId(ds, DataSource::id), byId(es, EventSource::id), byId(tasks, Task::id),
          tasks.stream().collect(Collectors.groupingBy(Task::eventSourceId)));
      return null;
    });
  }

  public DataSource dataSource(String id) {
    return snapshot.dataSources().get(id);
  }

  public EventSource eventSource(String id) {
    return snapshot.eventSources().get(id);
  }

  public Task task(String id) {
    return snapshot.tasks().get(id);
  }

  public List<Task> tasksOf(String eventSourceId) {
    return snapshot.tasksBySource().getOrDefault(eventSourceId, List.of());
  }

  private static <T> Map<String, T> byId(List<T> items, Function<T, String> id) {
    return items.stream().collect(Collectors.toUnmodifiableMap(id, Function.identity()));
  }
}
