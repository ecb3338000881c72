package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The RocketMQ proxy (and the broker inside it) is killed with SIGKILL and started again on the same store while
 * events stream in over HTTP: jobs due now, delayed jobs waiting as delay messages, and retries travelling as
 * delay messages. POSTs refused during the outage are answered 503 and sent again by the client, as a producer
 * would; every event still ends with exactly one verdict per task.
 */
class RocketMqOutageTest {
  private static final int BATCHES = 240;
  private static final int PER_BATCH = 20;
  private static final int RESTART_AT_BATCH = 60;
  private static final int RETRIED_EVERY = 8;
  private static final File SCRIPT = new File("scripts/infra/rocketmq.sh").getAbsoluteFile();

  static TallyInProcess tally;
  static ApiClient api;
  static Services services;
  static String table;

  @BeforeAll
  static void setUp() throws Exception {
    tally = TallyInProcess.onRocketMq("tally-outage-");
    api = tally.api;
    services = new Services(tally.vertx);
    table = services.prefix + "_outage";
    services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20))");
  }

  @AfterAll
  static void tearDown() throws Exception {
    try {
      services.sql("DROP TABLE IF EXISTS " + table);
      services.close();
      tally.close();
    } finally {
      // the broker was killed mid-write: the tests after this one get a fresh one rather than its recovered store
      runScript(Map.of("ROCKETMQ_STOP_SECONDS", "0"), "stop");
      runScript(Map.of(), "start");
    }
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void restartingTheProxyMidStreamLosesNoJob() throws Exception {
    String db = api.create("/api/v1/data-sources",
        "{\"name\":\"db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"database\":\"test\",\"user\":\"root\"}").id();
    String cache = api.create("/api/v1/data-sources", "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\"}").id();
    String stream = api.create("/api/v1/event-sources", "{\"name\":\"stream\",\"kind\":\"API\"}").id();
    String retrySource = api.create("/api/v1/event-sources", "{\"name\":\"drift\",\"kind\":\"API\"}").id();
    String taskJson = """
        {"name": "%s", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["status"]},
         "right": {"dataSourceId": "%s", "key": "%s:#{id}", "valueType": "STRING"},
         "compare": [{"left": "status", "right": "$"}], "strategy": %s}
        """;
    String now = api.create("/api/v1/tasks", taskJson.formatted("now", stream, db, table, cache, services.prefix, "{}")).id();
    String delayed = api.create("/api/v1/tasks",
        taskJson.formatted("delayed", stream, db, table, cache, services.prefix, "{\"delayMs\": 2000}")).id();
    String retried = api.create("/api/v1/tasks", taskJson.formatted("retried", retrySource, db, table, cache,
        services.prefix, "{\"retry\": {\"onFail\": 2, \"backoffMs\": 1500}}")).id();
    // rows 0..: missing on both sides (PASS); the drift rows differ (FAIL after every retry)
    int drifted = BATCHES / RETRIED_EVERY;
    for (int i = 0; i < drifted; i++) {
      services.sql("INSERT INTO " + table + " VALUES (" + (1_000_000 + i) + ", 'PAID')");
      services.redis("SET", services.prefix + ":" + (1_000_000 + i), "NEW");
    }

    CompletableFuture<String> restart = null;
    int refused = 0;
    long t0 = System.nanoTime();
    for (int b = 0; b < BATCHES; b++) {
      if (b == RESTART_AT_BATCH) restart = CompletableFuture.supplyAsync(RocketMqOutageTest::restartProxy);
      StringBuilder batch = new StringBuilder("[");
      for (int j = 0; j < PER_BATCH; j++) {
        int id = b * PER_BATCH + j;
        batch.append(j == 0 ? "" : ",").append("{\"id\":\"ev-").append(id).append("\",\"op\":\"U\",\"data\":{\"id\":").append(id).append("}}");
      }
      refused += postUntilAccepted("/api/v1/events/" + stream, batch.append("]").toString());
      if (b % RETRIED_EVERY == 0) {
        int id = 1_000_000 + b / RETRIED_EVERY;
        refused += postUntilAccepted("/api/v1/events/" + retrySource,
            "{\"id\":\"drift-" + id + "\",\"op\":\"U\",\"data\":{\"id\":" + id + "}}");
      }
      LockSupport.parkNanos(40_000_000L);
    }
    String restartOutput = restart.get(2, TimeUnit.MINUTES);
    System.out.printf("RocketMqOutageTest: %d events posted in %d s, %d POSTs refused during the outage%n%s%n",
        BATCHES * PER_BATCH, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0), refused, restartOutput);
    assertTrue(refused > 0, "the stream did not meet the outage (no POST was refused); restart:\n" + restartOutput);

    int events = BATCHES * PER_BATCH;
    // jobs a dead broker never acknowledged come back after their 60 s of invisibility
    Duration within = Duration.ofSeconds(150);
    JsonNode nowStats = awaitVerdicts(now, events, within);
    JsonNode delayedStats = awaitVerdicts(delayed, events, within);
    JsonNode retriedStats = awaitVerdicts(retried, drifted, within);
    assertEquals(events, ApiClient.verdicts(nowStats), "one verdict per event: " + nowStats);
    assertEquals(events, nowStats.get("pass").asLong(), "rows missing on both sides agree: " + nowStats);
    assertEquals(events, ApiClient.verdicts(delayedStats), "one verdict per delayed event: " + delayedStats);
    assertEquals(drifted, retriedStats.get("fail").asLong(), "every drifted row failed: " + retriedStats);
    assertEquals(drifted, ApiClient.verdicts(retriedStats), "one verdict per drifted row: " + retriedStats);
    JsonNode results = api.get("/api/v1/results?taskId=" + retried + "&limit=100").body().get("items");
    assertEquals(drifted, results.size(), results.toString());
    for (JsonNode r : results) assertEquals(3, r.get("attempts").asInt(), "every retry was made: " + r);
  }

  private static JsonNode awaitVerdicts(String task, long n, Duration within) throws Exception {
    try {
      return api.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= n, within);
    } catch (AssertionError lost) {
      throw new AssertionError(lost.getMessage() + "\nbroker after the restart:\n" + brokerTimerState()
          + "\nmetrics:\n" + api.get("/metrics").text(), lost);
    }
  }

  /**
   * What the broker's timer (delay messages) says of itself since the restart: its periodic progress lines (how far
   * behind its enqueue and dequeue are) and the store's errors, so a stalled timer shows in the failure.
   */
  private static String brokerTimerState() {
    Path logs = Path.of(System.getenv().getOrDefault("TALLY_INFRA_RUN", "/tmp/tally-infra"),
        "rocketmq", "proxy-home", "logs", "rocketmqlogs");
    StringBuilder out = new StringBuilder();
    for (String file : List.of("store.log", "storeerror.log")) {
      try {
        List<String> lines = Files.readAllLines(logs.resolve(file)).stream()
            .filter(l -> file.equals("storeerror.log") || l.contains("Timer progress-check") || l.contains("recover")).toList();
        out.append("-- ").append(file).append(" (last ").append(Math.min(15, lines.size())).append(" of ").append(lines.size())
            .append(" lines)\n");
        lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> out.append(l).append('\n'));
      } catch (java.io.IOException | RuntimeException e) {
        out.append("-- ").append(file).append(": ").append(e).append('\n');
      }
    }
    return out.toString();
  }

  /** POSTs until answered 202; a 503 (queue unavailable) is sent again. Returns how many times it was refused. */
  private static int postUntilAccepted(String path, String body) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    int refusals = 0;
    while (true) {
      ApiClient.Response r;
      try {
        r = api.post(path, body);
      } catch (java.io.IOException timedOut) {
        r = null;
      }
      if (r != null && r.status() == 202) return refusals;
      assertTrue(r == null || r.status() == 503, "only 503 is expected during an outage, got " + r.status() + ": " + r.text());
      if (r != null) assertTrue(r.text().contains("unavailable"), r.text());
      refusals++;
      assertTrue(System.nanoTime() < deadline, "events still refused 90 s later: " + (r == null ? "no answer" : r.text()));
      LockSupport.parkNanos(500_000_000L);
    }
  }

  private static String restartProxy() {
    return runScript(Map.of(), "restart-proxy", "--kill");
  }

  private static String runScript(Map<String, String> env, String... args) {
    try {
      List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.getPath()));
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(env);
      Process p = builder.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(150, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("rocketmq.sh " + String.join(" ", args) + " failed:\n" + out);
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
