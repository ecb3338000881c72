package dev.tally.api;

/**
 * A token bucket: {@code perSecond} tokens a second, holding at most one second's worth. Plain Java; the clock
 * (nanoseconds) is given by the caller so tests need no sleeping. Thread-safe.
 */
final class TokenBucket {
  private final double perSecond;
  private double tokens;
  private long lastNanos;

  TokenBucket(double perSecond, long nowNanos) {
    if (perSecond <= 0) throw new IllegalArgumentException("perSecond must be positive");
    this.perSecond = perSecond;
    this.tokens = perSecond;
    this.lastNanos = nowNanos;
  }

  double perSecond() {
    return perSecond;
  }

  /** Most tokens one take can ask for. */
  double capacity() {
    return perSecond;
  }

  /**
   * Takes {@code n} tokens if all are there and answers 0; otherwise takes none and answers the whole seconds
   * (at least 1) until they will be.
   */
  synchronized long take(int n, long nowNanos) {
    tokens = Math.min(capacity(), tokens + (nowNanos - lastNanos) / 1e9 * perSecond);
    lastNanos = nowNanos;
    if (tokens >= n) {
      tokens -= n;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((n - tokens) / perSecond));
  }
}
