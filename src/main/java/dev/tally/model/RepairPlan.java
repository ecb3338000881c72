package dev.tally.model;

import java.util.List;

/**
 * The write that would make a FAIL's right side equal its left: {@code target} is the right side's data-source
 * kind, each operation a readable {@code text} whose every {@code ?} is the next of its bound {@code values}
 * (values are never part of the text). When no repair can be derived, {@code operations} is empty and
 * {@code reason} says why.
 */
public record RepairPlan(DataSourceKind target, String dataSourceId, List<Operation> operations, String reason) {
  public RepairPlan {
    operations = operations == null ? List.of() : List.copyOf(operations);
  }

  /**
   * One write. {@code action}: UPDATE, INSERT, DELETE (SQL); SET, HSET, HDEL, DEL (Redis); INDEX, UPDATE_DOC,
   * DELETE_DOC (Elasticsearch).
   */
  public record Operation(String action, String text, List<Object> values) {
    public Operation {
      values = values == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }
  }

  public static RepairPlan of(DataSourceKind target, String dataSourceId, List<Operation> operations) {
    return new RepairPlan(target, dataSourceId, operations, null);
  }

  public static RepairPlan none(DataSourceKind target, String dataSourceId, String reason) {
    return new RepairPlan(target, dataSourceId, List.of(), reason);
  }

  public boolean derived() {
    return reason == null && !operations.isEmpty();
  }
}
