package dev.tally.auth;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing per username: after {@code maxFailures} wrong passwords within {@code window}
 * milliseconds, further attempts are refused until the oldest failure leaves the window. Per node and in memory:
 * a cluster of n nodes allows n times as many guesses, still far too few to matter against a 10-character password.
 */
public final class LoginThrottle {
  public static final int MAX_FAILURES = 5;
  public static final long WINDOW_MS = 5 * 60_000L;
  /** Above this many throttled usernames, stale entries are swept so the map stays small. */
  private static final int SWEEP_AT = 10_000;
  private final int maxFailures;
  private final long windowMs;
  private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

  public LoginThrottle() {
    this(MAX_FAILURES, WINDOW_MS);
  }

  public LoginThrottle(int maxFailures, long windowMs) {
    this.maxFailures = maxFailures;
    this.windowMs = windowMs;
  }

  /** 0 when {@code username} may try now, else the seconds until it may. */
  public long waitSeconds(String username, long now) {
    Deque<Long> times = failures.get(key(username));
    if (times == null) return 0;
    synchronized (times) {
      while (!times.isEmpty() && times.peekFirst() <= now - windowMs) times.pollFirst();
      if (times.size() < maxFailures) return 0;
      return Math.max(1, (times.peekFirst() + windowMs - now + 999) / 1000);
    }
  }

  public void failed(String username, long now) {
    if (failures.size() > SWEEP_AT) {
      failures.values().removeIf(t -> {
        synchronized (t) {
          return t.isEmpty() || t.peekLast() <= now - windowMs;
        }
      });
    }
    Deque<Long> times = failures.computeIfAbsent(key(username), k -> new ArrayDeque<>());
    synchronized (times) {
      times.addLast(now);
      while (times.size() > maxFailures) times.pollFirst();
    }
  }

  public void succeeded(String username) {
    failures.remove(key(username));
  }

  private static String key(String username) {
    return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
  }
}
