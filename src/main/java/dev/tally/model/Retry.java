package dev.tally.model;

/**
 * Extra attempts after a FAIL and after an ERROR, the n-th retry waiting backoffMs × multiplier^(n-1).
 * Absent fields take defaults: no retries, 1000 ms, multiplier 1.
 */
public record Retry(Integer onFail, Integer onError, Long backoffMs, Double multiplier) {
  public static final Retry NONE = new Retry(0, 0, 1000L, 1.0);

  public Retry {
    onFail = onFail == null ? 0 : onFail;
    onError = onError == null ? 0 : onError;
    backoffMs = backoffMs == null ? 1000L : backoffMs;
    multiplier = multiplier == null || multiplier <= 0 ? 1.0 : multiplier;
  }

  /** The longest wait between attempts, whatever the multiplier makes of it. */
  public static final long MAX_BACKOFF_MS = 24L * 3_600_000;

  public long backoffBefore(int nextAttempt) {
    double wait = backoffMs * Math.pow(multiplier, Math.max(0, nextAttempt - 2));
    return (long) Math.min(wait, MAX_BACKOFF_MS);
  }
}
