package dev.tally.repair;

import dev.tally.secrets.SecretBox;
import dev.tally.model.Callback;
import dev.tally.model.DataSourceKind;
import dev.tally.model.Result;
import dev.tally.model.Status;
import dev.tally.model.Task;
import dev.tally.model.ValidationException;
import java.net.URI;
import java.util.Locale;

/** What a task's callback may be, its defaults, and which results it follows. Plain Java. */
public final class CallbackRules {
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  public static final long DEFAULT_BACKOFF_MS = 1000;
  public static final int DEFAULT_TIMEOUT_MS = 5000;
  /** The longest wait between two attempts, however often the backoff doubled. */
  public static final long MAX_BACKOFF_MS = 5 * 60_000;
  public static final int MIN_SECRET_LENGTH = 16;

  private CallbackRules() {
  }

  /**
   * The callback with its defaults filled in, or a ValidationException naming the field ({@code callback.url},
   * ...). {@code rightKind}: the kind of the task's right side, the target of a repair.
   */
  public static Callback validate(Callback c, DataSourceKind rightKind) {
    if (c == null) return null;
    if (c.applyRepairOn() && rightKind != DataSourceKind.REDIS && rightKind != DataSourceKind.ELASTICSEARCH) {
      throw new ValidationException("callback.applyRepair", "not for this right side",
          "Tally applies repairs to Redis and Elasticsearch only; the right side is " + rightKind);
    }
    if (c.url() == null || c.url().isBlank()) throw new ValidationException("callback.url", "required");
    try {
      URI uri = URI.create(c.url().trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new ValidationException("callback.url", "not an absolute http(s) URL", c.url());
    }
    String on = c.on() == null ? Callback.ON_FAIL : c.on().trim().toUpperCase(Locale.ROOT);
    if (!on.equals(Callback.ON_FAIL) && !on.equals(Callback.ON_ALL)) {
      throw new ValidationException("callback.on", "unknown value", "FAIL or ALL");
    }
    int maxAttempts = c.maxAttempts() == null ? DEFAULT_MAX_ATTEMPTS : c.maxAttempts();
    if (maxAttempts < 1 || maxAttempts > 20) throw new ValidationException("callback.maxAttempts", "out of range", "1 to 20");
    long backoffMs = c.backoffMs() == null ? DEFAULT_BACKOFF_MS : c.backoffMs();
    if (backoffMs < 0 || backoffMs > MAX_BACKOFF_MS) {
      throw new ValidationException("callback.backoffMs", "out of range", "0 to " + MAX_BACKOFF_MS);
    }
    int timeoutMs = c.timeoutMs() == null ? DEFAULT_TIMEOUT_MS : c.timeoutMs();
    if (timeoutMs < 1 || timeoutMs > 60_000) throw new ValidationException("callback.timeoutMs", "out of range", "1 to 60000");
    if (c.secret() == null || c.secret().isEmpty()) throw new ValidationException("callback.secret", "required");
    if (!SecretBox.isReference(c.secret()) && c.secret().length() < MIN_SECRET_LENGTH) { // a reference is checked when resolved
      throw new ValidationException("callback.secret", "too short", "at least " + MIN_SECRET_LENGTH + " characters");
    }
    return new Callback(c.url().trim(), on, c.secret(), maxAttempts, backoffMs, timeoutMs, c.recheckOn(), c.applyRepairOn());
  }

  /**
   * True if a callback follows this result: the task has one, and the result is a FAIL or the callback is on
   * every result.
   */
  public static boolean follows(Task task, Result result) {
    if (task == null || task.callback() == null) return false;
    return result.status() == Status.FAIL || Callback.ON_ALL.equals(task.callback().on());
  }

  /** The wait before attempt {@code next} (2, 3, ...): backoffMs, doubling, capped. */
  public static long backoffBefore(Callback c, int next) {
    long base = c.backoffMs() == null ? DEFAULT_BACKOFF_MS : c.backoffMs();
    long wait = base;
    for (int i = 2; i < next && wait < MAX_BACKOFF_MS; i++) wait *= 2;
    return Math.min(wait, MAX_BACKOFF_MS);
  }

  public static int maxAttempts(Callback c) {
    return c.maxAttempts() == null ? DEFAULT_MAX_ATTEMPTS : c.maxAttempts();
  }

  public static int timeoutMs(Callback c) {
    return c.timeoutMs() == null ? DEFAULT_TIMEOUT_MS : c.timeoutMs();
  }
}
