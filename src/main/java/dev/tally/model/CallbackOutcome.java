package dev.tally.model;

/**
 * One call of a task's callback: {@code statusCode} (null when no answer came) or {@code error} (a non-2xx
 * answer, a time-out, a refused connection), how long it took and when it was made.
 */
public record CallbackOutcome(int attempt, Integer statusCode, String error, long tookMs, long at) {
  public boolean ok() {
    return error == null && statusCode != null && statusCode >= 200 && statusCode < 300;
  }
}
