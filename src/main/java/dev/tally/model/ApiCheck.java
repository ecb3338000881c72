package dev.tally.model;

import java.util.Map;

/**
 * The user's endpoint that compares for an API task: Tally POSTs {@code {task, event, attempt}} to {@code url}
 * (with {@code headers}) and expects {@code {"status": "PASS|FAIL", "diffs": [...], "left": ..., "right": ...}}
 * within {@code timeoutMs} (default {@value #DEFAULT_TIMEOUT_MS}, at most {@value #MAX_TIMEOUT_MS}).
 */
public record ApiCheck(String url, Map<String, String> headers, Integer timeoutMs) {
  public static final int DEFAULT_TIMEOUT_MS = 5000;
  public static final int MAX_TIMEOUT_MS = 60_000;

  public ApiCheck {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  public int timeoutOrDefault() {
    return timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
  }
}
