package dev.tally.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The meters of one node, in a Micrometer {@link PrometheusMeterRegistry} scraped at {@code /metrics}; the same
 * registry is given to Vert.x (vertx-micrometer-metrics) for its HTTP, event-bus and pool meters. Names are
 * namespaced {@code tally_*} as Prometheus shows them: a counter {@code tally_x_total} is the Micrometer counter
 * {@code tally.x}. {@link #registry()} is open to any part that wants a meter of its own.
 */
public final class Metrics {
  /** Counter names every part shares, as Prometheus shows them. */
  public static final String EVENTS = "tally_events_total";
  public static final String RESULTS = "tally_results_total";
  public static final String ALERTS_SENT = "tally_alerts_sent_total";
  public static final String SOURCE_READ_ERRORS = "tally_source_read_errors_total";

  private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

  private final PrometheusMeterRegistry registry;
  private final Map<String, String> help = new ConcurrentHashMap<>();

  public Metrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public Metrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    describe(EVENTS, "events taken in by this node, per event source");
    describe(RESULTS, "final results recorded by this node, per task and status");
    describe(ALERTS_SENT, "alert messages sent, per channel and outcome (ok or failed)");
    describe(SOURCE_READ_ERRORS, "side reads that failed, per data source");
  }

  /**
   * A Vert.x builder whose own meters (HTTP server and clients, pools) land in this registry. Event-bus meters are
   * off: every job crosses the bus several times, and Micrometer looked their meters up on each message (about 2%
   * of the CPU at full speed) for per-address counts that say nothing Tally's own meters do not.
   */
  public VertxBuilder vertxBuilder(VertxOptions options) {
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .addDisabledMetricsCategory(io.vertx.micrometer.MetricsDomain.EVENT_BUS));
    return io.vertx.core.Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A help text for a meter registered later under this (Prometheus) name. */
  public void describe(String name, String text) {
    help.put(micrometerName(name), text);
  }

  /** Adds to a counter; {@code name} as Prometheus shows it ({@code tally_x_total}), labels alternate name, value. */
  public void count(String name, long n, String... labels) {
    counter(name, labels).increment(n);
  }

  public Counter counter(String name, String... labels) {
    return (Counter) meters.computeIfAbsent(new MeterKey("counter", name, java.util.List.of(labels)), k -> {
      String meter = micrometerName(name);
      return Counter.builder(meter).description(help.get(meter)).tags(labels).register(registry);
    });
  }

  /** Meters already registered, so the hot path (a count or a time per job) does not build and look one up each time. */
  private record MeterKey(String kind, String name, java.util.List<String> labels) {
  }

  private final java.util.concurrent.ConcurrentHashMap<MeterKey, Object> meters = new java.util.concurrent.ConcurrentHashMap<>();

  /** The current value of a counter, 0 if it was never counted. */
  public long counterValue(String name, String... labels) {
    Counter c = registry.find(micrometerName(name)).tags(labels).counter();
    return c == null ? 0 : (long) c.count();
  }

  public void gauge(String name, LongSupplier value, String... labels) {
    String meter = micrometerName(name);
    // held strongly: the supplier is often a lambda nothing else holds, and a weakly held one reads NaN after a GC
    Gauge.builder(meter, value, v -> v.getAsLong()).strongReference(true).description(help.get(meter)).tags(labels)
        .register(registry);
  }

  /** A latency histogram in seconds ({@code name} like {@code tally_compare_seconds}), with fixed buckets. */
  public Timer timer(String name, String... labels) {
    return (Timer) meters.computeIfAbsent(new MeterKey("timer", name, java.util.List.of(labels)), k -> {
      String meter = name.endsWith("_seconds") ? name.substring(0, name.length() - "_seconds".length()) : name;
      meter = meter.replace('_', '.');
      return Timer.builder(meter).description(help.get(micrometerName(name))).tags(labels)
          .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    });
  }

  /**
   * A latency histogram in seconds with Micrometer's fine percentile buckets (about 80 between 1 ms and 5 min: a
   * saturated node's backlog reaches minutes) and {@code _max}, for figures whose quantiles are computed from
   * bucket deltas (the benchmark's p50/p99).
   */
  public Timer fineTimer(String name, String... labels) {
    return (Timer) meters.computeIfAbsent(new MeterKey("fineTimer", name, java.util.List.of(labels)), k -> {
      String meter = name.substring(0, name.length() - "_seconds".length()).replace('_', '.');
      return Timer.builder(meter).description(help.get(micrometerName(name))).tags(labels)
          .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(5)).register(registry);
    });
  }

  public String prometheusText() {
    return registry.scrape();
  }

  /** {@code tally_x_total} -> {@code tally.x}: the Prometheus naming convention adds {@code _total} back. */
  static String micrometerName(String prometheusName) {
    String base = prometheusName.endsWith("_total") ? prometheusName.substring(0, prometheusName.length() - 6) : prometheusName;
    return base.replace('_', '.');
  }
}
