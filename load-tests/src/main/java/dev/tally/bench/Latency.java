package dev.tally.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * End-to-end latency of one phase from two scrapes of Tally's {@code tally_event_to_result_seconds} histogram
 * (event received -> result committed): the bucket counts' difference, quantiles linearly interpolated inside
 * the bucket they fall in, and the timer's {@code _max} (Micrometer's rolling maximum of the last ~2 minutes).
 */
public final class Latency {
  static final String METRIC = "tally_event_to_result_seconds";

  /** Cumulative count per upper bound (seconds; +Inf as Double.POSITIVE_INFINITY). */
  static TreeMap<Double, Double> buckets(String prometheusText) {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    for (String line : prometheusText.split("\n")) {
      if (!line.startsWith(METRIC + "_bucket{")) continue;
      int le = line.indexOf("le=\"") + 4;
      String bound = line.substring(le, line.indexOf('"', le));
      double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
      buckets.merge(upper, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
    }
    return buckets;
  }

  static double sample(String prometheusText, String name) {
    for (String line : prometheusText.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
    return 0;
  }

  public record Figures(long count, double p50Ms, double p99Ms, double maxMs) {}

  public static Figures between(String before, String after) {
    TreeMap<Double, Double> b = buckets(before);
    TreeMap<Double, Double> a = buckets(after);
    List<double[]> delta = new ArrayList<>(); // {upper bound, cumulative count in the phase}
    for (var e : a.entrySet()) delta.add(new double[] {e.getKey(), e.getValue() - b.getOrDefault(e.getKey(), 0.0)});
    double total = delta.isEmpty() ? 0 : delta.get(delta.size() - 1)[1];
    double maxMs = sample(after, METRIC + "_max") * 1000;
    return new Figures((long) total, atMost(quantile(delta, total, 0.50) * 1000, maxMs),
        atMost(quantile(delta, total, 0.99) * 1000, maxMs), maxMs);
  }

  /** Interpolation inside the top bucket can pass the largest value observed; no quantile is above the max. */
  private static double atMost(double quantileMs, double maxMs) {
    return maxMs > 0 && quantileMs > maxMs ? maxMs : quantileMs;
  }

  /** True if a quantile (ms) fell beyond the histogram's last finite bound; it is then that bound, negated. */
  public static boolean isBeyond(double ms) {
    return ms < 0;
  }

  /** A quantile as a number: the bound itself when it fell beyond it (a lower bound of the true value). */
  public static double beyond(double ms) {
    return Math.abs(ms);
  }

  /**
   * The q-quantile from cumulative bucket counts, interpolated within its bucket; NaN without observations; the
   * last finite bound, negated, when it falls in the +Inf bucket.
   */
  static double quantile(List<double[]> cumulative, double total, double q) {
    if (total <= 0) return Double.NaN;
    double rank = q * total;
    double lower = 0, below = 0;
    for (double[] bucket : cumulative) {
      if (bucket[1] >= rank) {
        if (Double.isInfinite(bucket[0])) return -lower; // beyond the last finite bound: the bound is all we know
        double inBucket = bucket[1] - below;
        return inBucket <= 0 ? bucket[0] : lower + (bucket[0] - lower) * (rank - below) / inBucket;
      }
      lower = bucket[0];
      below = bucket[1];
    }
    return lower;
  }
}
