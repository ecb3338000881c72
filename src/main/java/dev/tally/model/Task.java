package dev.tally.model;

import java.util.List;

/**
 * A reconciliation rule bound to one event source. {@code entityKey} names the event fields that
 * identify the entity (default {@code id}); it drives gray sampling and coalescing.
 *
 * <p>A CONFIG task reads {@code left} and {@code right} and compares the {@code compare} field pairs. An API task
 * hands the comparison to the user's endpoint, {@code api}. {@code callback}, when set, is called with results
 * (see {@link Callback}). {@code alert}, when set, sends grouped messages about its failures to alert channels
 * (see {@link AlertPolicy}). {@code team}: the team it belongs to (null on tasks stored before teams: the
 * default team); its results, discrepancies, jobs and reports belong to that team too.
 */
public record Task(String id, String name, String eventSourceId, TaskType type, Boolean enabled,
                   SideSpec left, SideSpec right, List<FieldPair> compare, List<String> entityKey,
                   Strategy strategy, ApiCheck api, Callback callback, AlertPolicy alert,
                   long createdAt, long updatedAt, String team) implements TeamOwned {
  /** A task of the default team. */
  public Task(String id, String name, String eventSourceId, TaskType type, Boolean enabled,
              SideSpec left, SideSpec right, List<FieldPair> compare, List<String> entityKey,
              Strategy strategy, ApiCheck api, Callback callback, AlertPolicy alert,
              long createdAt, long updatedAt) {
    this(id, name, eventSourceId, type, enabled, left, right, compare, entityKey, strategy, api, callback, alert,
        createdAt, updatedAt, null);
  }

  public Task {
    team = dev.tally.auth.Teams.of(team);
    compare = compare == null ? List.of() : List.copyOf(compare);
    entityKey = entityKey == null || entityKey.isEmpty() ? List.of("id") : List.copyOf(entityKey);
    strategy = strategy == null ? Strategy.DEFAULT : strategy;
    type = type == null ? TaskType.CONFIG : type;
    enabled = enabled == null || enabled;
  }

  /** The same task with another identity and times. */
  public Task withIdentity(String newId, long newCreatedAt, long newUpdatedAt) {
    return new Task(newId, name, eventSourceId, type, enabled, left, right, compare, entityKey, strategy, api, callback,
        alert, newCreatedAt, newUpdatedAt, team);
  }

  public Task withApi(ApiCheck newApi) {
    return new Task(id, name, eventSourceId, type, enabled, left, right, compare, entityKey, strategy, newApi, callback,
        alert, createdAt, updatedAt, team);
  }

  public Task withCallback(Callback newCallback) {
    return new Task(id, name, eventSourceId, type, enabled, left, right, compare, entityKey, strategy, api, newCallback,
        alert, createdAt, updatedAt, team);
  }

  public Task withAlert(AlertPolicy newAlert) {
    return new Task(id, name, eventSourceId, type, enabled, left, right, compare, entityKey, strategy, api, callback,
        newAlert, createdAt, updatedAt, team);
  }

  public Task withTeam(String newTeam) {
    return new Task(id, name, eventSourceId, type, enabled, left, right, compare, entityKey, strategy, api, callback,
        alert, createdAt, updatedAt, newTeam);
  }
}
