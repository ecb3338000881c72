package dev.tally.model;

/**
 * A task's repair callback: {@code url} is POSTed the full result on FAIL ({@code on: "FAIL"}, the default) or on
 * every result ({@code "ALL"}), signed with HMAC-SHA256 using {@code secret} (write-only: the API never returns
 * it), retried with backoff up to {@code maxAttempts}. {@code recheck}: once the callback succeeded, the job is
 * checked again, so the result tells whether the repair worked. {@code applyRepair}: Tally applies the suggested
 * repair itself (Redis and Elasticsearch targets only; off by default).
 */
public record Callback(String url, String on, String secret, Integer maxAttempts, Long backoffMs, Integer timeoutMs,
                       Boolean recheck, Boolean applyRepair) {
  public static final String ON_FAIL = "FAIL";
  public static final String ON_ALL = "ALL";

  /** The same callback with another secret (the API keeps a stored secret a client did not resend). */
  public Callback withSecret(String newSecret) {
    return new Callback(url, on, newSecret, maxAttempts, backoffMs, timeoutMs, recheck, applyRepair);
  }

  public boolean recheckOn() {
    return recheck != null && recheck;
  }

  public boolean applyRepairOn() {
    return applyRepair != null && applyRepair;
  }

  /** Never shows the secret: a task may end up in a log line. */
  @Override
  public String toString() {
    return "Callback[url=" + url + ", on=" + on + ", secret=" + (secret == null || secret.isEmpty() ? "" : "***")
        + ", maxAttempts=" + maxAttempts + ", backoffMs=" + backoffMs + ", timeoutMs=" + timeoutMs + ", recheck="
        + recheck + ", applyRepair=" + applyRepair + "]";
  }
}
