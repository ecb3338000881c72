package dev.tally.store;

import dev.tally.model.DataSource;
import dev.tally.model.EventSource;
import dev.tally.model.Task;
import dev.tally.secrets.SecretBox;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;

/** Data sources, event sources and tasks. */
public final class ConfigRepository {
  private final Documents<DataSource> dataSources;
  private final Documents<EventSource> eventSources;
  private final Documents<Task> tasks;

  /** {@code secrets} seals data-source and task secrets in the store; readers get them open. */
  public ConfigRepository(Pool pool, SecretBox secrets) {
    dataSources = new Documents<>(pool, "data_sources", DataSource.class, null,
        d -> new Object[] {d.id(), d.name(), d.kind().name(), d.createdAt(), d.updatedAt()}, secrets, SecretFields.DATA_SOURCE);
    eventSources = new Documents<>(pool, "event_sources", EventSource.class, null,
        e -> new Object[] {e.id(), e.name(), e.kind().name(), e.createdAt(), e.updatedAt()});
    tasks = new Documents<>(pool, "tasks", Task.class, "event_source_id",
        t -> new Object[] {t.id(), t.name(), t.type().name(), t.eventSourceId(), t.createdAt(), t.updatedAt()}, secrets, SecretFields.TASK);
  }

  /** Re-encrypts under the current key the secrets stored in plain text or under an older key; answers how many documents. */
  public Future<Integer> rewrapSecrets() {
    return dataSources.rewrap().compose(n -> tasks.rewrap().map(m -> n + m));
  }

  public Future<List<DataSource>> dataSources() {
    return dataSources.list();
  }

  public Future<DataSource> dataSource(String id) {
    return dataSources.get(id);
  }

  public Future<Void> insert(DataSource d) {
    return dataSources.insert(d);
  }

  public Future<Boolean> update(DataSource d) {
    return dataSources.update(d);
  }

  public Future<Boolean> deleteDataSource(String id) {
    return dataSources.delete(id);
  }

  public Future<List<EventSource>> eventSources() {
    return eventSources.list();
  }

  public Future<EventSource> eventSource(String id) {
    return eventSources.get(id);
  }

  public Future<Void> insert(EventSource e) {
    return eventSources.insert(e);
  }

  public Future<Boolean> update(EventSource e) {
    return eventSources.update(e);
  }

  public Future<Boolean> deleteEventSource(String id) {
    return eventSources.delete(id);
  }

  public Future<List<Task>> tasks() {
    return tasks.list();
  }

  public Future<List<Task>> tasksOf(String eventSourceId) {
    return tasks.listWhere("event_source_id", eventSourceId);
  }

  public Future<Task> task(String id) {
    return tasks.get(id);
  }

  public Future<Void> insert(Task t) {
    return tasks.insert(t);
  }

  public Future<Boolean> update(Task t) {
    return tasks.update(t);
  }

  public Future<Boolean> deleteTask(String id) {
    return tasks.delete(id);
  }
}
