package dev.tally.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Says when a token's last use is worth writing down: at most once per {@code intervalMs} per token. */
public final class UsageClock {
  public static final long ONE_MINUTE = 60_000L;
  private final long intervalMs;
  private final Map<String, Long> lastWritten = new ConcurrentHashMap<>();

  public UsageClock(long intervalMs) {
    this.intervalMs = intervalMs;
  }

  /** True (and remembered) when {@code tokenId}'s use at {@code now} should be stored. */
  public boolean due(String tokenId, long now) {
    boolean[] due = {false};
    lastWritten.compute(tokenId, (id, last) -> {
      if (last != null && now - last < intervalMs) return last;
      due[0] = true;
      return now;
    });
    if (lastWritten.size() > 100_000) lastWritten.clear();
    return due[0];
  }
}
