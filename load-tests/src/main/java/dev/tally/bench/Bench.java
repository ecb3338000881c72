package dev.tally.bench;

import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The end-to-end benchmark (run by {@code load-tests/bench}, which builds, starts the services and passes the
 * options below): a 100,000-row table with its Redis and OpenSearch copies; the baseline's reads/s; then, per
 * path, Tally as a child process checking the table against Redis on every event, driven as fast as it takes
 * events, then at half the rate it reached; then the baseline again, the limit being the mean of the two. Prints
 * the figures and, last, one line:
 * {@code bench: ratio=<results/s / baseline reads/s> p99_ms=<p99 at half rate> rss_mb=<peak RSS> lost=<n> duplicated=<n>}.
 *
 * <p>Options: {@code --seconds N --path embedded|kafka-rocketmq|both --run-id ID --jar tally.jar --run-dir DIR
 * --commit SHA [--rows N] [--port P] [--es-url URL] [--jfr] [--keep] [--batched]}.
 */
public final class Bench {
  /** How long a phase's verdicts may make no progress before the rest is counted lost. */
  /** The paced phase's own warm-up, before the measured half-rate phase. */
  static final int PACED_WARM_UP_SECONDS = 10;
  private static final long STALL_MS = 60_000;
  private static final int WARM_UP_ROUND_SECONDS = 10;
  private static final int MAX_WARM_UP_ROUNDS = 9;

  private final Map<String, String> options;
  private final int seconds;
  private final String runId;
  private final Path runDir;
  private final Fixture fixture;
  private final Vertx vertx = Vertx.vertx();

  /** One path's figures; its ratio waits for the second baseline. {@code row} is its RESULTS.md row, "%s" for the baseline and ratio cells. */
  record PathFigures(String path, double resultsPerSecond, double p99HalfMs, double rssMb, long lost, long duplicated, String row) {
    double ratio(double baselineReadsPerSecond) {
      return resultsPerSecond / baselineReadsPerSecond;
    }
  }

  Bench(Map<String, String> options) {
    this.options = options;
    this.seconds = Integer.parseInt(options.getOrDefault("seconds", "60"));
    this.runId = options.get("run-id");
    this.runDir = Path.of(options.get("run-dir"));
    this.fixture = new Fixture(runId, Integer.parseInt(options.getOrDefault("rows", "100000")));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) throw new IllegalArgumentException("unexpected argument " + args[i]);
      String name = args[i].substring(2);
      boolean flag = name.equals("jfr") || name.equals("keep") || name.equals("batched");
      options.put(name, flag ? "true" : args[++i]);
    }
    for (String required : List.of("run-id", "jar", "run-dir", "path")) {
      if (!options.containsKey(required)) throw new IllegalArgumentException("--" + required + " is required");
    }
    int exit;
    Bench bench = new Bench(options);
    try {
      exit = bench.run();
    } catch (Exception e) {
      System.err.println("bench: failed: " + e);
      e.printStackTrace();
      exit = 1;
    }
    // the HTTP clients' and Kafka's threads are not daemons
    System.exit(exit);
  }

  int run() throws Exception {
    String esUrl = options.getOrDefault("es-url", "http://127.0.0.1:19200");
    say("run %s: %d rows, %d s per phase, path %s; load average at start: %s", runId, fixture.rows, seconds,
        options.get("path"), loadAverage());
    long t = System.currentTimeMillis();
    fixture.createMysql(vertx);
    fixture.createRedis(vertx);
    fixture.createIndex(esUrl);
    say("fixture: table test.%s, Redis keys %s<id>, index %s (%d rows each) in %.1f s", fixture.table, fixture.redisPrefix,
        fixture.index, fixture.rows, (System.currentTimeMillis() - t) / 1000.0);
    List<PathFigures> figures = new ArrayList<>();
    double before;
    double after;
    try {
      before = baseline("baseline");
      if (options.containsKey("batched")) batchedLimit = baseline("batched baseline", BATCHED_BASELINE);
      String path = options.get("path");
      if (path.equals("embedded") || path.equals("both")) figures.add(runPath("embedded", before, esUrl));
      if (path.equals("kafka-rocketmq") || path.equals("both")) {
        if (options.containsKey("brokers-command")) startBrokers(options.get("brokers-command"));
        figures.add(runPath("kafka-rocketmq", before, esUrl));
      }
      // the machine's speed drifts over minutes (other tenants, steal time): the limit is read on both sides of Tally
      after = baseline("baseline again");
    } finally {
      if (!options.containsKey("keep")) fixture.drop(vertx, esUrl);
    }
    double limit = (before + after) / 2;
    say("baseline: %.0f reads/s before Tally, %.0f after; the ratio is over their mean, %.0f reads/s", before, after, limit);
    if (batchedLimit > 0) {
      for (PathFigures f : figures) {
        say("[%s] %.3f of the batched reads' limit (%.0f results/s ÷ %.0f reads/s in batches of %d)", f.path(),
            f.resultsPerSecond() / batchedLimit, f.resultsPerSecond(), batchedLimit, BATCHED_BASELINE);
      }
    }
    StringBuilder rows = new StringBuilder();
    for (PathFigures f : figures) {
      say("[%s] ratio %.3f (%.0f results/s ÷ %.0f reads/s)", f.path(), f.ratio(limit), f.resultsPerSecond(), limit);
      rows.append(String.format(Locale.ROOT, f.row(), String.format(Locale.ROOT, "%.0f (%.0f / %.0f)", limit, before, after),
          String.format(Locale.ROOT, "%.3f", f.ratio(limit))));
    }
    say("RESULTS.md rows (date | commit | path | seconds | baseline reads/s (before / after) | accepted/s | results/s | ratio | "
        + "p50 / p99 / max ms | p99 ms at half rate | CPU s per 1k events | peak RSS MB | lost | duplicated | load average):%n%s", rows);
    for (PathFigures f : figures.subList(1, figures.size())) {
      System.out.printf(Locale.ROOT, "%s: ratio=%.3f p99_ms=%.1f rss_mb=%.0f lost=%d duplicated=%d%n", f.path(), f.ratio(limit),
          Latency.beyond(f.p99HalfMs()), f.rssMb(), f.lost(), f.duplicated());
    }
    PathFigures first = figures.get(0);
    System.out.flush();
    System.err.flush();
    System.out.printf(Locale.ROOT, "bench: ratio=%.3f p99_ms=%.1f rss_mb=%.0f lost=%d duplicated=%d%n", first.ratio(limit),
        Latency.beyond(first.p99HalfMs()), first.rssMb(), first.lost(), first.duplicated());
    return 0;
  }

  /** Entities per batch of the opt-in batched baseline ({@code --batched}). */
  static final int BATCHED_BASELINE = 32;
  private double batchedLimit;

  /** The baseline's reads/s, after the machine is quiet and the baseline warmed up. */
  private double baseline(String label) throws Exception {
    return baseline(label, 1);
  }

  private double baseline(String label, int batch) throws Exception {
    say("%s: %s", label, Quiet.await());
    Baseline baseline = new Baseline(vertx, fixture.table, fixture.redisPrefix, fixture.rows, batch);
    Baseline.Outcome limit = baseline.run(seconds);
    baseline.close();
    say("%s: warm-up %d s (its JIT at %.2f of a core in the last round)", label, limit.warmUpSeconds(), limit.jitCores());
    say("%s: %.0f reads/s (%s, pools %d+%d, %d in flight; %d entities in %.1f s, %d errors)",
        label, limit.readsPerSecond(), batch == 1 ? "one PK SELECT + one GET per entity"
            : "one SELECT ... IN and one batch of GETs per " + batch + " entities", Baseline.POOL_SIZE, Baseline.POOL_SIZE, Baseline.IN_FLIGHT, limit.entities(), limit.seconds(),
        limit.errors());
    return limit.readsPerSecond();
  }

  /** Starts Kafka and RocketMQ (the bench script's {@code --start-brokers}), only now that the embedded path is done. */
  private static void startBrokers(String command) throws Exception {
    say("[kafka-rocketmq] starting Kafka and RocketMQ now, after the embedded path");
    Process started = new ProcessBuilder("bash", "-c", command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    if (started.waitFor() != 0) throw new IllegalStateException("the brokers did not start (" + command + ")");
  }

  private PathFigures runPath(String path, double baselineReadsPerSecond, String esUrl) throws Exception {
    boolean kafka = path.equals("kafka-rocketmq");
    String load1 = loadAverage();
    Path dir = Files.createDirectories(runDir.resolve(path));
    String storeDb = "bench_" + runId;
    List<String> settings = new ArrayList<>(List.of("--store.h2.path=" + dir.resolve("data")));
    if (kafka) {
      settings.addAll(List.of("--store.kind=mysql", "--store.mysql.database=" + storeDb, "--queue.kind=rocketmq",
          "--kafka.bootstrapServers=" + KafkaLoad.SERVERS, "--kafka.groupId=bench-" + runId,
          "--rocketmq.normalTopic=" + options.get("rocketmq-prefix") + "-jobs",
          "--rocketmq.priorityTopic=" + options.get("rocketmq-prefix") + "-priority",
          "--rocketmq.delayTopic=" + options.get("rocketmq-prefix") + "-delay",
          "--rocketmq.consumerGroup=bench-" + runId));
    }
    List<String> javaOpts = new ArrayList<>();
    // unset: what scripts/run.sh runs Tally with
    String userOpts = System.getenv().getOrDefault("TALLY_JAVA_OPTS", "-Xmx256m -XX:+UseParallelGC").trim();
    if (!userOpts.isEmpty()) javaOpts.addAll(List.of(userOpts.split("\\s+")));
    if (options.containsKey("jfr")) {
      javaOpts.add("-XX:StartFlightRecording=filename=" + dir.resolve("tally.jfr") + ",settings=profile,dumponexit=true");
    }
    int port = Integer.parseInt(options.getOrDefault("port", "18480"));
    say("[%s] %s", path, Quiet.await());
    say("[%s] starting Tally on 127.0.0.1:%d (log %s)%s", path, port, dir.resolve("tally.log"),
        javaOpts.isEmpty() ? "" : " with " + String.join(" ", javaOpts));
    try (TallyProcess tally = TallyProcess.start(Path.of(options.get("jar")), dir, port, javaOpts, settings)) {
      String task = configure(tally, kafka, esUrl);
      try (Load load = kafka ? new KafkaLoad("bench-" + runId + "-canal", fixture.table, fixture.rows, () -> verdictsNow(tally, task))
          : new HttpLoad(vertx, tally.base, "bench-events", tally.token(), fixture.rows)) {
        Counts counts = new Counts();
        // warm-up: the JIT, the pools, the statement caches; its verdicts are awaited and checked too
        WarmUp warm = warmUp(path, tally, task, counts, load);

        Phase full = phase(tally, task, counts, () -> load.closedLoop(seconds));
        double ratio = full.resultsPerSecond() / baselineReadsPerSecond;  // against the first baseline, until the second is in
        say("[%s] full speed: %d events accepted in %.1f s = %.0f events accepted/s; %d busy (503) answers, %d failed requests%s",
            path, full.accepted, full.load.seconds(), full.load.acceptedPerSecond(), full.load.busy(), full.load.failed(),
            full.load.lastFailure == null ? "" : " (last: " + full.load.lastFailure + ")");
        say("[%s] full speed: %d verdicts (%d PASS, %d FAIL, %d ERROR) in %.1f s from first accept to last verdict = %.0f results/s = %.3f of the first baseline",
            path, full.verdicts, full.pass, full.fail, full.error, full.verdictSeconds(), full.resultsPerSecond(), ratio);
        say("[%s] full speed: end-to-end latency (%s) p50 %s ms, p99 %s ms, max %s ms (%d observations)", path,
            kafka ? "consumed from Kafka -> result committed" : "accepted -> result committed",
            ms(full.latency.p50Ms()), ms(full.latency.p99Ms()), ms(full.latency.maxMs()), full.latency.count());
        say("[%s] full speed: CPU %.1f s = %.2f CPU s per 1,000 events", path, full.cpuSeconds, full.cpuPer1000());

        double halfRate = full.resultsPerSecond() / 2;
        say("[%s] half rate: %s", path, Quiet.await());
        // the warm-up rounds ran the closed loop only; the paced shape (small POSTs, small commits) takes code paths
        // the JIT then compiles, and its compiler threads take the cores for the first seconds (RESULTS.md, run 15)
        Phase pacedWarm = phase(tally, task, counts, () -> load.paced(halfRate, PACED_WARM_UP_SECONDS));
        say("[%s] half rate: warm-up of %d s, not measured (the JIT compiles the paced shape): p50 %s ms, p99 %s ms", path,
            PACED_WARM_UP_SECONDS, ms(pacedWarm.latency.p50Ms()), ms(pacedWarm.latency.p99Ms()));
        say("[%s] half rate: %s", path, Quiet.await());
        Phase half = phase(tally, task, counts, () -> load.paced(halfRate, seconds));
        say("[%s] half rate (%.0f events/s paced): %d accepted, %d verdicts; latency p50 %s ms, p99 %s ms; CPU %.2f s per 1,000 events",
            path, halfRate, half.accepted, half.verdicts, ms(half.latency.p50Ms()), ms(half.latency.p99Ms()), half.cpuPer1000());

        double rss = tally.peakRssMb();
        long errors = full.load.failed() + half.load.failed() + warm.failed() + full.error + half.error + warm.errors();
        say("[%s] peak RSS %.0f MB; errors %d (failed requests %d, ERROR verdicts %d); lost %d; duplicated %d", path, rss, errors,
            full.load.failed() + half.load.failed() + warm.failed(), full.error + half.error + warm.errors(), counts.lost, counts.duplicated);
        // the baseline and ratio cells are filled in once the second baseline is in
        String row = String.format(Locale.ROOT,
            "| %s | %s | %s | %d | %%s | %.0f | %.0f | %%s | %s / %s / %s | %s | %.2f | %.0f | %d | %d | %s |%n",
            Instant.now().toString().substring(0, 16).replace('T', ' '), options.getOrDefault("commit", "?"), path, seconds,
            full.load.acceptedPerSecond(), full.resultsPerSecond(), ms(full.latency.p50Ms()),
            ms(full.latency.p99Ms()), ms(full.latency.maxMs()), ms(half.latency.p99Ms()), full.cpuPer1000(), rss, counts.lost,
            counts.duplicated, load1);
        if (full.error + half.error + warm.errors() > 0) say("[%s] ERROR verdicts, the latest: %s", path, latestErrors(tally, task));
        if (options.containsKey("jfr")) say("[%s] JFR recording: %s (written when Tally stops)", path, dir.resolve("tally.jfr"));
        return new PathFigures(path, full.resultsPerSecond(), half.latency.p99Ms(), rss, counts.lost, counts.duplicated, row);
      }
    } finally {
      if (kafka && !options.containsKey("keep")) dropDatabase(storeDb);
    }
  }

  /** Data sources, the event source and the MySQL-vs-Redis task; answers the task's id. */
  private String configure(TallyProcess tally, boolean kafka, String esUrl) throws Exception {
    tally.create("/api/v1/data-sources", """
        {"id": "bench-db", "name": "bench table", "kind": "MYSQL", "host": "127.0.0.1", "port": 3306, "database": "test",
         "user": "root", "password": ""}""");
    tally.create("/api/v1/data-sources", """
        {"id": "bench-cache", "name": "bench cache", "kind": "REDIS", "host": "127.0.0.1", "port": 6379}""");
    tally.create("/api/v1/data-sources", """
        {"id": "bench-search", "name": "bench index", "kind": "ELASTICSEARCH", "hosts": ["%s"]}""".formatted(esUrl));
    String source = kafka ? """
        {"id": "bench-events", "name": "bench changes", "kind": "BINLOG", "connector": "KAFKA", "topic": "bench-%s-canal",
         "format": "CANAL", "database": "test", "table": "%s"}""".formatted(runId, fixture.table)
        : """
        {"id": "bench-events", "name": "bench changes", "kind": "API"}""";
    tally.create("/api/v1/event-sources", source);
    return tally.create("/api/v1/tasks", """
        {"id": "bench-check", "name": "row matches its cache", "eventSourceId": "bench-events", "type": "CONFIG",
         "left":  {"dataSourceId": "bench-db", "table": "%s", "where": "id = #{id}", "fields": ["id", "status", "amount", "updated_at"]},
         "right": {"dataSourceId": "bench-cache", "key": "%s#{id}", "valueType": "JSON"},
         "compare": [{"left": "status", "right": "status"},
                     {"left": "amount", "right": "amount", "comparator": "DECIMAL"},
                     {"left": "updated_at", "right": "updatedAt", "comparator": "DATETIME", "zone": "UTC"}],
         "strategy": {"delayMs": 0}}""".formatted(fixture.table, fixture.redisPrefix)).get("id").asText();
  }

  /** Verdicts counted before a phase, and the lost/duplicated tally over the phases of one path. */
  static final class Counts {
    long verdicts;
    long pass;
    long fail;
    long error;
    long lost;
    long duplicated;
  }

  /** What one phase measured: events handed over, verdicts for them, when the last came, latency, CPU. */
  /**
   * Full-speed rounds of {@link #WARM_UP_ROUND_SECONDS} (each awaited to its last verdict) until Tally's JIT has
   * settled ({@link Jit}), at most {@link #MAX_WARM_UP_ROUNDS}. Answers the rounds' failed requests and ERROR verdicts.
   */
  private WarmUp warmUp(String path, TallyProcess tally, String task, Counts counts, Load load) throws Exception {
    long failed = 0;
    long errors = 0;
    for (int round = 1; round <= MAX_WARM_UP_ROUNDS; round++) {
      double jitBefore = tally.compilerCpuSeconds();
      long start = System.nanoTime();
      Phase warm = phase(tally, task, counts, () -> load.closedLoop(WARM_UP_ROUND_SECONDS));
      double jitCores = (tally.compilerCpuSeconds() - jitBefore) / ((System.nanoTime() - start) / 1e9);
      say("[%s] warm-up round %d: %d events accepted, %d verdicts; Tally's JIT at %.2f of a core", path, round,
          warm.accepted, warm.verdicts, jitCores);
      failed += warm.load.failed();
      errors += warm.error;
      if (jitCores < Jit.SETTLED_CORES) break;
    }
    return new WarmUp(failed, errors);
  }

  record WarmUp(long failed, long errors) {
  }

  static final class Phase {
    Load.Tally load;
    long accepted;
    long verdicts;
    long pass;
    long fail;
    long error;
    long lastVerdictMs;
    Latency.Figures latency;
    double cpuSeconds;

    double verdictSeconds() {
      long first = load.firstAcceptMs.get();
      return first == Long.MAX_VALUE ? 1 : Math.max(1, lastVerdictMs - first) / 1000.0;
    }

    double resultsPerSecond() {
      return verdicts / verdictSeconds();
    }

    double cpuPer1000() {
      return verdicts == 0 ? Double.NaN : cpuSeconds / (verdicts / 1000.0);
    }
  }

  /**
   * One phase: scrape /metrics and read the CPU time, hand the events over ({@code drive}), wait until every
   * accepted event has its verdict (or until they stall for STALL_MS: the rest is lost), then a further second
   * to see any verdict too many (duplicated), and scrape again.
   */
  private Phase phase(TallyProcess tally, String task, Counts counts, Callable<Load.Tally> drive) throws Exception {
    Phase phase = new Phase();
    String before = tally.metrics();
    double cpuBefore = tally.cpuSeconds();
    phase.load = drive.call();
    phase.accepted = phase.load.accepted();
    long target = counts.verdicts + phase.accepted;
    long[] v = tally.verdicts(task);
    long seen = sum(v);
    long lastProgress = System.currentTimeMillis();
    phase.lastVerdictMs = lastProgress;
    while (sum(v) < target && System.currentTimeMillis() - lastProgress < STALL_MS) {
      Thread.sleep(100);
      v = tally.verdicts(task);
      if (sum(v) > seen) {
        seen = sum(v);
        lastProgress = phase.lastVerdictMs = System.currentTimeMillis();
      }
    }
    if (sum(v) >= target) {
      Thread.sleep(1000);
      v = tally.verdicts(task);
    }
    long[] was = {counts.pass, counts.fail, counts.error};
    phase.pass = v[0] - was[0];
    phase.fail = v[1] - was[1];
    phase.error = v[2] - was[2];
    phase.verdicts = sum(v) - counts.verdicts;
    counts.pass = v[0];
    counts.fail = v[1];
    counts.error = v[2];
    counts.verdicts = sum(v);
    if (phase.verdicts < phase.accepted) counts.lost += phase.accepted - phase.verdicts;
    if (phase.verdicts > phase.accepted) counts.duplicated += phase.verdicts - phase.accepted;
    phase.cpuSeconds = tally.cpuSeconds() - cpuBefore;
    phase.latency = Latency.between(before, tally.metrics());
    return phase;
  }

  /** The distinct error messages of the task's latest ERROR results (at most 20 looked at). */
  private static String latestErrors(TallyProcess tally, String task) throws Exception {
    TallyProcess.Response r = tally.get("/api/v1/results?taskId=" + task + "&status=ERROR&limit=20");
    java.util.Set<String> messages = new java.util.LinkedHashSet<>();
    for (var item : r.json().path("items")) messages.add(item.path("error").asText());
    return String.join(" | ", messages);
  }

  /** The task's verdicts, read at most every 100 ms (the last value in between, or if reading failed). */
  private long verdictsNow(TallyProcess tally, String task) {
    if (System.nanoTime() - lastVerdictsRead < 100_000_000) return lastVerdicts;
    lastVerdictsRead = System.nanoTime();
    try {
      lastVerdicts = sum(tally.verdicts(task));
    } catch (Exception e) {
      // keep the last value: the producer waits a little longer
    }
    return lastVerdicts;
  }

  private long lastVerdicts;
  private long lastVerdictsRead;

  private static long sum(long[] v) {
    return v[0] + v[1] + v[2];
  }

  private void dropDatabase(String db) {
    try {
      Pool pool = MySQLBuilder.pool().connectingTo(Fixture.mysqlOptions(Fixture.DATABASE)).using(vertx).build();
      Fixture.await(pool.query("DROP DATABASE IF EXISTS `" + db + "`").execute(), 60);
      Fixture.await(pool.close(), 10);
    } catch (Exception e) {
      System.err.println("bench: could not drop database " + db + ": " + e);
    }
  }

  /** A latency in ms; beyond the histogram's last finite bound, ">bound". */
  static String ms(double ms) {
    if (Latency.isBeyond(ms)) return ">" + String.format(Locale.ROOT, "%.0f", Latency.beyond(ms));
    return String.format(Locale.ROOT, ms >= 100 ? "%.0f" : "%.1f", ms);
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return "?";
    }
  }

  static void say(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
