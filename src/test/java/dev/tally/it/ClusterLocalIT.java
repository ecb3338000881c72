package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three packaged-JAR nodes in one cluster (scripts/cluster-local.sh: MariaDB store, RocketMQ queue, one Kafka
 * consumer group) reading 10,000 Canal row changes from a 3-partition topic, while HTTP events are posted to
 * every node for a delayed task and a retried task (both through RocketMQ delay messages); node 2 is killed with
 * SIGKILL mid-stream. Every change and every event still ends with exactly one verdict: the group's lag drains,
 * and the shared store counts them all, also after the killed node's unacknowledged RocketMQ messages came back
 * (60 s invisibility). No delayed job is checked before its delay, and every retry is made.
 */
class ClusterLocalIT {
  private static final int CHANGES = 10_000;
  private static final int NODES = 3;
  /** HTTP events posted to each node; their rows differ, so every check is a FAIL with its timings stored. */
  private static final int HTTP_PER_NODE = 100;
  private static final int HTTP_ID_BASE = 1_000_000;
  private static final long HTTP_DELAY_MS = 2000;
  private static final long HTTP_BACKOFF_MS = 1000;
  /** RocketMQ redelivers a dead consumer's unacknowledged messages after 60 s; a margin on top. */
  private static final Duration REDELIVERY = Duration.ofSeconds(75);
  private static final Pattern NODE_LINE = Pattern.compile("^node (\\d+) http://127\\.0\\.0\\.1:(\\d+) pid (\\d+)$");
  private static final File SCRIPT = new File("scripts/cluster-local.sh").getAbsoluteFile();

  private record Node(int index, int port, long pid) {
  }

  private Map<String, String> env;
  private Path runDir;
  private String database;
  private String table;
  private Services services;
  private Vertx vertx;

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (env != null) {
        Process stop = script(List.of("stop", "--nodes-only"), runDir.resolve("stop.out"));
        if (!stop.waitFor(120, TimeUnit.SECONDS)) stop.destroyForcibly();
      }
    } finally {
      try {
        if (services != null) {
          if (database != null) services.sql("DROP DATABASE IF EXISTS `" + database + "`");
          if (table != null) services.sql("DROP TABLE IF EXISTS " + table);
          services.close();
        }
      } finally {
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void killingOneOfThreeNodesLosesAndDuplicatesNothing() throws Exception {
    vertx = Vertx.vertx();
    services = new Services(vertx);
    String p = services.prefix;
    database = "tally_cl_" + p;
    table = p + "_cluster";
    String topic = p + "-cluster";
    String kafkaGroup = "tally-cl-" + p;
    runDir = Files.createTempDirectory("tally-cluster-it-");
    env = Map.of(
        "TALLY_CLUSTER_DB", database,
        "CLUSTER_HTTP_BASE", String.valueOf(freePortBase(NODES)),
        "CLUSTER_RUN_DIR", runDir.toString(),
        "TALLY_CLUSTER_NAME", "tally-cl-" + p,
        "TALLY_ROCKETMQ_CONSUMER_GROUP", "tally-cl-" + p,
        "TALLY_KAFKA_GROUP_ID", kafkaGroup,
        // this test is about losing nothing across nodes, not about sign-in
        "TALLY_AUTH_MODE", "open");

    services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20))");
    long t0 = System.nanoTime();
    List<Node> nodes = startCluster();
    System.out.printf("ClusterLocalIT: %d nodes up in %d s: %s%n", NODES, seconds(t0), nodes);

    try (KafkaTopics kafka = new KafkaTopics()) {
      kafka.create(topic, 3);
      ApiClient api = new ApiClient(nodes.get(0).port());
      String source = api.create("/api/v1/event-sources", """
          {"name": "cluster", "kind": "BINLOG", "topic": "%s", "format": "CANAL", "database": "test", "table": "%s"}
          """.formatted(topic, table)).id();
      String db = api.create("/api/v1/data-sources",
          "{\"name\":\"db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"database\":\"test\",\"user\":\"root\"}").id();
      String cache = api.create("/api/v1/data-sources", "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\"}").id();
      String task = api.create("/api/v1/tasks", """
          {"name": "cluster", "eventSourceId": "%s",
           "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["status"]},
           "right": {"dataSourceId": "%s", "key": "%s:cl:#{id}", "valueType": "STRING"},
           "compare": [{"left": "status", "right": "$"}],
           "strategy": {"retry": {"onError": 5, "backoffMs": 1000}}}
          """.formatted(source, db, table, cache, p)).id();
      String stats = "/api/v1/tasks/" + task + "/stats?bucket=day";
      String httpSource = api.create("/api/v1/event-sources", "{\"name\":\"http\",\"kind\":\"API\"}").id();
      String httpTask = """
          {"name": "%s", "eventSourceId": "%s",
           "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["status"]},
           "right": {"dataSourceId": "%s", "key": "%s:http:#{id}", "valueType": "STRING"},
           "compare": [{"left": "status", "right": "$"}], "strategy": %s}
          """;
      String delayed = api.create("/api/v1/tasks", httpTask.formatted("http-delayed", httpSource, db, table, cache, p,
          "{\"delayMs\": " + HTTP_DELAY_MS + ", \"retry\": {\"onError\": 5, \"backoffMs\": 1000}}")).id();
      // reads that time out on a loaded machine (ERROR) are retried apart from the FAIL retries
      String retried = api.create("/api/v1/tasks", httpTask.formatted("http-retried", httpSource, db, table, cache, p,
          "{\"retry\": {\"onFail\": 2, \"onError\": 5, \"backoffMs\": " + HTTP_BACKOFF_MS + "}}")).id();
      StringBuilder rows = new StringBuilder("INSERT INTO " + table + " VALUES ");
      for (int i = 0; i < NODES * HTTP_PER_NODE; i++) rows.append(i == 0 ? "" : ",").append("(").append(HTTP_ID_BASE + i).append(",'PAID')");
      services.sql(rows.toString());

      long tProduce = System.nanoTime();
      for (int i = 0; i < CHANGES; i++) kafka.sendAsync(topic, String.valueOf(i), canal(table, i));
      kafka.flush();
      System.out.printf("ClusterLocalIT: %d messages produced in %d s%n", CHANGES, seconds(tProduce));
      postHttpEvents(nodes, httpSource);

      JsonNode before = api.await(stats, s -> ApiClient.verdicts(s) >= 1000, Duration.ofSeconds(180));
      Node victim = nodes.get(1);
      ProcessHandle handle = ProcessHandle.of(victim.pid())
          .orElseThrow(() -> new AssertionError("node 2 (pid " + victim.pid() + ") is not running"));
      handle.destroyForcibly(); // SIGKILL
      handle.onExit().get(30, TimeUnit.SECONDS);
      long tKill = System.nanoTime();
      System.out.printf("ClusterLocalIT: killed node 2 (pid %d) at total %d, %d s after producing%n",
          victim.pid(), ApiClient.verdicts(before), seconds(tProduce));

      // done when the group's lag is 0, every change has its verdict, and the killed node's messages had their
      // chance to come back (so a duplicate verdict from a redelivery would be counted by now)
      long deadline = tKill + Duration.ofSeconds(240).toNanos();
      long lag = -1;
      long total = -1;
      while (true) {
        lag = kafka.lag(kafkaGroup, topic);
        total = ApiClient.verdicts(api.get(stats).body());
        long httpDone = ApiClient.verdicts(api.get("/api/v1/tasks/" + delayed + "/stats?bucket=day").body())
            + ApiClient.verdicts(api.get("/api/v1/tasks/" + retried + "/stats?bucket=day").body());
        boolean settled = System.nanoTime() - tKill >= REDELIVERY.toNanos();
        if (lag == 0 && total >= CHANGES && httpDone >= 2L * NODES * HTTP_PER_NODE && settled) break;
        if (System.nanoTime() >= deadline) {
          throw new AssertionError("not done 240 s after the kill: lag " + lag + ", total " + total + " of " + CHANGES
              + ", HTTP verdicts " + httpDone + " of " + 2L * NODES * HTTP_PER_NODE + "\n" + missing(kafka, topic, task)
              + "\nmetrics of node 1:\n" + grep(api.get("/metrics").text(), "tally_rocketmq|tally_results|tally_jobs"));
        }
        LockSupport.parkNanos(500_000_000L);
      }
      System.out.printf("ClusterLocalIT: lag 0 and total %d, %d s after the kill, %d s after producing%n",
          total, seconds(tKill), seconds(tProduce));

      JsonNode end = api.get(stats).body();
      assertEquals(CHANGES, ApiClient.verdicts(end), "one verdict per change, no losses and no duplicates: " + end);
      // any node's API shows the shared store's count
      JsonNode fromNode3 = new ApiClient(nodes.get(2).port()).get(stats).body();
      assertEquals(CHANGES, ApiClient.verdicts(fromNode3), "node 3 sees the same total: " + fromNode3);
      int httpEvents = NODES * HTTP_PER_NODE;
      List<JsonNode> delayedResults = failures(api, delayed, httpEvents);
      for (JsonNode r : delayedResults) {
        long waited = r.at("/history/0/startedAt").asLong() - r.at("/event/receivedAt").asLong();
        assertTrue(waited >= HTTP_DELAY_MS, "a delayed job was checked " + waited + " ms after it was received: " + r);
      }
      for (JsonNode r : failures(api, retried, httpEvents)) {
        List<Long> failed = new ArrayList<>();
        r.get("history").forEach(a -> {
          if (a.get("status").asText().equals("FAIL")) failed.add(a.get("startedAt").asLong());
        });
        assertEquals(3, failed.size(), "two retries after the first FAIL: " + r);
        for (int i = 1; i < failed.size(); i++) {
          long gap = failed.get(i) - failed.get(i - 1);
          assertTrue(gap >= HTTP_BACKOFF_MS, "FAIL " + (i + 1) + " came " + gap + " ms after the one before: " + r);
        }
      }
      for (Node n : List.of(nodes.get(0), nodes.get(2))) {
        ApiClient.Response h = new ApiClient(n.port()).get("/health");
        assertEquals(200, h.status(), "node " + n.index() + " healthy: " + h.text());
        assertEquals("UP", h.body().path("status").asText(), "node " + n.index() + " healthy: " + h.text());
        assertTrue(ProcessHandle.of(n.pid()).map(ProcessHandle::isAlive).orElse(false), "node " + n.index() + " alive");
      }
    }
  }

  /**
   * Which changes have no verdict: the job id of every (partition, offset) of the topic, looked up in the shared
   * store's done_jobs (a verdict claims its job id there in the transaction that counts it) and stored results.
   */
  private String missing(KafkaTopics kafka, String topic, String task) throws Exception {
    Map<String, String> byJob = new java.util.HashMap<>();
    for (var end : kafka.endOffsets(topic).entrySet()) {
      for (long offset = 0; offset < end.getValue(); offset++) {
        // a Canal message without an id of its own is event "<topic>-<partition>-<offset>" (RecordRouter)
        String eventId = topic + "-" + end.getKey() + "-" + offset;
        byJob.put(dev.tally.model.Ids.job(eventId, task), "partition " + end.getKey() + " offset " + offset);
      }
    }
    java.util.Set<String> done = new java.util.HashSet<>(services.column("SELECT id FROM `" + database + "`.done_jobs"));
    List<String> missing = byJob.entrySet().stream().filter(e -> !done.contains(e.getKey()))
        .map(e -> e.getValue() + " (job " + e.getKey() + ")").sorted().toList();
    return "changes without a verdict (" + missing.size() + "): " + missing.subList(0, Math.min(20, missing.size()))
        + "; done_jobs rows: " + done.size() + "\nnode log lines naming them:\n" + logLinesNaming(missing.stream()
        .limit(5).map(m -> m.substring(m.indexOf("(job ") + 5, m.length() - 1)).toList());
  }

  /** Lines of the nodes' logs (in the run directory) that name one of these job ids, at most 40. */
  private String logLinesNaming(List<String> jobIds) throws java.io.IOException {
    if (jobIds.isEmpty()) return "";
    List<String> lines = new ArrayList<>();
    try (var files = Files.list(runDir)) {
      for (Path log : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        for (String line : Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
          if (lines.size() < 40 && jobIds.stream().anyMatch(line::contains)) lines.add(log.getFileName() + ": " + line);
        }
      }
    }
    return String.join("\n", lines);
  }

  private static String grep(String text, String pattern) {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(pattern);
    return text.lines().filter(l -> p.matcher(l).find()).collect(java.util.stream.Collectors.joining("\n"));
  }

  /** Posts HTTP_PER_NODE events to each node, in batches of 25, each with an id of its own. */
  private static void postHttpEvents(List<Node> nodes, String source) throws Exception {
    for (Node n : nodes) {
      ApiClient client = new ApiClient(n.port());
      for (int b = 0; b < HTTP_PER_NODE; b += 25) {
        StringBuilder batch = new StringBuilder("[");
        for (int j = b; j < b + 25; j++) {
          int id = HTTP_ID_BASE + (n.index() - 1) * HTTP_PER_NODE + j;
          batch.append(j == b ? "" : ",").append("{\"id\":\"http-").append(id).append("\",\"op\":\"U\",\"data\":{\"id\":")
              .append(id).append("}}");
        }
        ApiClient.Response r = client.post("/api/v1/events/" + source, batch.append("]").toString());
        assertEquals(202, r.status(), "node " + n.index() + ": " + r.text());
      }
    }
  }

  /** Every stored result of the task (all FAILs here), paged; exactly {@code expected} of them, one per event. */
  private static List<JsonNode> failures(ApiClient api, String task, int expected) throws Exception {
    JsonNode stats = api.get("/api/v1/tasks/" + task + "/stats?bucket=day").body();
    if (stats.get("error").asLong() > 0) {
      JsonNode errors = api.get("/api/v1/results?taskId=" + task + "&status=ERROR&limit=5").body().get("items");
      StringBuilder why = new StringBuilder();
      errors.forEach(e -> why.append("\n  ").append(e.get("error").asText()));
      throw new AssertionError("ERROR verdicts on " + task + ": " + stats + why);
    }
    assertEquals(expected, stats.get("fail").asLong(), "one FAIL per HTTP event: " + stats);
    assertEquals(expected, ApiClient.verdicts(stats), "one verdict per HTTP event: " + stats);
    List<JsonNode> all = new ArrayList<>();
    java.util.Set<String> events = new java.util.HashSet<>();
    String cursor = null;
    do {
      JsonNode page = api.get("/api/v1/results?taskId=" + task + "&limit=500" + (cursor == null ? "" : "&cursor=" + cursor)).body();
      page.get("items").forEach(all::add);
      page.get("items").forEach(r -> events.add(r.get("eventId").asText()));
      cursor = page.path("nextCursor").isTextual() ? page.get("nextCursor").asText() : null;
    } while (cursor != null);
    assertEquals(expected, all.size(), "stored results of " + task);
    assertEquals(expected, events.size(), "one result per event of " + task);
    return all;
  }

  /** Runs `cluster-local.sh start 3` and returns the nodes it printed. */
  private List<Node> startCluster() throws Exception {
    Path out = runDir.resolve("start.err");
    Process start = script(List.of("start", String.valueOf(NODES)), out);
    String stdout = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean exited = start.waitFor(420, TimeUnit.SECONDS);
    if (!exited) start.destroyForcibly();
    String diagnostics = "stdout:\n" + stdout + "\nstderr:\n" + Files.readString(out);
    assertTrue(exited && start.exitValue() == 0, "cluster-local.sh start failed\n" + diagnostics);
    List<Node> nodes = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      Matcher m = NODE_LINE.matcher(line);
      assertTrue(m.matches(), "unexpected stdout line '" + line + "'\n" + diagnostics);
      nodes.add(new Node(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3))));
    }
    assertEquals(NODES, nodes.size(), diagnostics);
    for (int i = 0; i < NODES; i++) assertEquals(i + 1, nodes.get(i).index(), diagnostics);
    return nodes;
  }

  /** The script with this test's environment; stdout readable from the process, stderr to the given file. */
  private Process script(List<String> args, Path stderr) throws IOException {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.getPath()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(SCRIPT.getParentFile().getParentFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
    pb.environment().putAll(env);
    return pb.start();
  }

  /** A base port such that base+1 .. base+count are free on 127.0.0.1 right now. */
  private static int freePortBase(int count) throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 30_000);
      boolean free = true;
      for (int i = 1; i <= count && free; i++) {
        try (ServerSocket s = new ServerSocket(base + i, 1, loopback)) {
          s.setReuseAddress(true);
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free) return base;
    }
    throw new IOException("no " + count + " consecutive free ports found");
  }

  private static long seconds(long since) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
  }


  /** A Canal flat message for one inserted row that exists on neither side (both missing: PASS). */
  private static String canal(String table, int id) {
    return "{\"data\":[{\"id\":\"" + id + "\",\"status\":\"NEW\"}],\"database\":\"test\",\"es\":1767323045000,\"id\":" + id
        + ",\"isDdl\":false,\"mysqlType\":{\"id\":\"bigint(20)\",\"status\":\"varchar(20)\"},\"old\":null,\"pkNames\":[\"id\"],"
        + "\"sql\":\"\",\"sqlType\":{\"id\":-5,\"status\":12},\"table\":\"" + table + "\",\"ts\":1767323045123,\"type\":\"INSERT\"}";
  }
}
