package dev.tally.model;

import java.util.List;

/**
 * Per-task strategy. The filters named in {@code order} run in that order (see strategy.StrategyChain).
 * rateLimit is checks per second (null or 0: unlimited); sampleRate in [0,1] (default 1); allowKeys are
 * always checked. Absent fields take their defaults, so {@code {}} means "check every event at once".
 */
public record Strategy(Long delayMs, Double sampleRate, List<String> allowKeys, Retry retry,
                       EventFilter filter, Boolean coalesce, Double rateLimit, Boolean priority,
                       List<String> order) {
  public static final List<String> DEFAULT_ORDER = List.of("filter", "gray", "coalesce", "delay", "rateLimit");
  public static final Strategy DEFAULT = new Strategy(null, null, null, null, null, null, null, null, null);

  public Strategy {
    delayMs = delayMs == null ? 0L : delayMs;
    sampleRate = sampleRate == null ? 1.0 : sampleRate;
    allowKeys = allowKeys == null ? List.of() : List.copyOf(allowKeys);
    retry = retry == null ? Retry.NONE : retry;
    coalesce = coalesce != null && coalesce;
    priority = priority != null && priority;
    order = order == null || order.isEmpty() ? DEFAULT_ORDER : List.copyOf(order);
  }
}
