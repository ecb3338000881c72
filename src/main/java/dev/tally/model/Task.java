package dev.tally.model;

import java.util.List;

/**
 * A reconciliation rule bound to one event source. {@code entityKey} names the event fields that
 * identify the entity (default {@code id}); it drives gray sampling and coalescing.
 */
public record Task(String id, String name, String eventSourceId, TaskType type, Boolean enabled,
                   SideSpec left, SideSpec right, List<FieldPair> compare, List<String> entityKey,
                   Strategy strategy, long createdAt, long updatedAt) {
  public Task {
    compare = compare == null ? List.of() : List.copyOf(compare);
    entityKey = entityKey == null || entityKey.isEmpty() ? List.of("id") : List.copyOf(entityKey);
    strategy = strategy == null ? Strategy.DEFAULT : strategy;
    type = type == null ? TaskType.CONFIG : type;
    enabled = enabled == null || enabled;
  }
}
