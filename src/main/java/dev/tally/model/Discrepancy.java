package dev.tally.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;

/**
 * The span during which one entity of one task disagreed: opened by a FAIL ({@code openedAt}), extended by
 * later FAILs ({@code failCount}, {@code lastFailAt}, {@code lastResultId}: the newest FAIL), closed by the next
 * PASS or by an operator resolving it ({@code closedAt}, {@code durationMs = closedAt - openedAt}; both null
 * while unclosed). {@code comment}: the last triage comment. Times in epoch milliseconds; absent values are
 * written as JSON null.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Discrepancy(String id, String taskId, String entityKey, DiscrepancyState state, long openedAt,
                         long lastFailAt, int failCount, Long closedAt, Long durationMs, String lastResultId,
                         String comment, long updatedAt) {

  public boolean closed() {
    return closedAt != null;
  }

  /** One change of state, oldest first: the opening FAIL, each triage, the closing PASS. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Change(long at, DiscrepancyState state, String comment) {
  }

  /** A discrepancy with its history and its FAIL results (newest first, at most 50). */
  public record Detail(@JsonUnwrapped Discrepancy discrepancy, List<Change> history, List<String> resultIds) {
  }

  /** An operator's triage: the new state and why. */
  public record Triage(String state, String comment) {
  }
}
