package dev.tally.model;

import java.util.Map;

/**
 * The user's endpoint that compares for an API task: Tally POSTs {@code {task, event, attempt}} to {@code url}
 * (with {@code headers}) and expects {@code {"status": "PASS|FAIL", "diffs": [...], "left": ..., "right": ...}}
 * within {@code timeoutMs}.
 */
public record ApiCheck(String url, Map<String, String> headers, Integer timeoutMs) {
  public ApiCheck {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }
}
