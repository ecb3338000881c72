package dev.tally.model;

import java.util.List;

/**
 * A task's alerting: its failures ({@code on}: FAIL and/or ERROR, default FAIL) are grouped per window of
 * {@code windowSeconds} (default 60) into one message per channel of {@code channelIds}, with the count, a few
 * examples and a link to the failure list.
 */
public record AlertPolicy(List<String> channelIds, Integer windowSeconds, List<Status> on) {
  public static final int DEFAULT_WINDOW_SECONDS = 60;

  public AlertPolicy {
    channelIds = channelIds == null ? List.of() : List.copyOf(channelIds);
    windowSeconds = windowSeconds == null ? DEFAULT_WINDOW_SECONDS : windowSeconds;
    on = on == null || on.isEmpty() ? List.of(Status.FAIL) : List.copyOf(on);
  }
}
