package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.model.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /metrics, /health, /api/v1/live and /api/v1/reports of a node checking a MariaDB table against Redis copies: the
 * counters move by exactly the events and results of a run, the live stream shows them within seconds, and the
 * reports count them in the current day, week and month.
 */
class OpsEndpointsTest {
  static TallyInProcess tally;
  static Services services;
  static ApiClient api;
  static String table;
  static String mysql;
  static String redis;

  @BeforeAll
  static void setUp() throws Exception {
    tally = new TallyInProcess();
    api = tally.api;
    services = new Services(tally.vertx);
    table = services.prefix + "_metered";
    services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY)");
    mysql = api.createLocalMysqlSource("db");
    redis = api.createLocalRedisSource("cache");
  }

  @AfterAll
  static void tearDown() throws Exception {
    services.sql("DROP TABLE IF EXISTS " + table);
    services.close();
    tally.close();
  }

  /** A task on an event source of its own; rows {@code ids} exist, and their Redis copies hold the id, or a wrong one. */
  static String[] taskWithRows(String name, long[] passing, long[] failing) throws Exception {
    String source = api.create("/api/v1/event-sources", "{\"name\":\"" + name + "\",\"kind\":\"API\"}").id();
    String task = api.create("/api/v1/tasks", """
        {"name": "%s", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["id"]},
         "right": {"dataSourceId": "%s", "key": "%s:%s:#{id}", "valueType": "STRING"},
         "compare": [{"left": "id", "right": "$"}], "strategy": {}}
        """.formatted(name, source, mysql, table, redis, services.prefix, name)).id();
    for (long id : passing) {
      services.sql("INSERT INTO " + table + " (id) VALUES (" + id + ")");
      services.redis("SET", services.prefix + ":" + name + ":" + id, String.valueOf(id));
    }
    for (long id : failing) {
      services.sql("INSERT INTO " + table + " (id) VALUES (" + id + ")");
      services.redis("SET", services.prefix + ":" + name + ":" + id, "wrong");
    }
    return new String[] {source, task};
  }

  static void postEvents(String source, long... ids) throws Exception {
    String events = String.join(",", Arrays.stream(ids).mapToObj(id -> "{\"op\":\"UPDATE\",\"data\":{\"id\":" + id + "}}").toList());
    ApiClient.Response r = api.post("/api/v1/events/" + source, "[" + events + "]");
    assertEquals(202, r.status(), r.text());
  }

  /** The value of one sample of /metrics whose labels include all of {@code labels} ("name=\"value\""), 0 if absent. */
  static double sample(String text, String name, String... labels) {
    return text.lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .filter(l -> Arrays.stream(labels).allMatch(l::contains))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  static String scrape() throws Exception {
    ApiClient.Response r = api.get("/metrics");
    assertEquals(200, r.status());
    return r.text();
  }

  @Test
  void metricsMoveByExactlyTheEventsAndResultsOfARun() throws Exception {
    String[] sourceAndTask = taskWithRows("metered", new long[] {1, 2, 3}, new long[] {4, 5});
    String source = sourceAndTask[0];
    String task = sourceAndTask[1];
    String before = scrape();
    String events = "source=\"" + source + "\"";
    String ofTask = "task=\"" + task + "\"";

    postEvents(source, 1, 2, 3, 4, 5);
    api.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= 5, Duration.ofSeconds(20));
    String after = awaitMetrics(text -> sample(text, "tally_results_total", ofTask) >= 5);

    assertEquals(5, sample(after, "tally_events_total", events) - sample(before, "tally_events_total", events), after);
    assertEquals(3, sample(after, "tally_results_total", ofTask, "status=\"PASS\"")
        - sample(before, "tally_results_total", ofTask, "status=\"PASS\""), after);
    assertEquals(2, sample(after, "tally_results_total", ofTask, "status=\"FAIL\"")
        - sample(before, "tally_results_total", ofTask, "status=\"FAIL\""), after);
    assertEquals(0, sample(after, "tally_results_total", ofTask, "status=\"ERROR\""), after);
    // end-to-end latency: one observation per result recorded (of any task), in fine buckets with a max
    assertEquals(sample(after, "tally_results_total") - sample(before, "tally_results_total"),
        sample(after, "tally_event_to_result_seconds_count") - sample(before, "tally_event_to_result_seconds_count"), after);
    assertTrue(sample(after, "tally_event_to_result_seconds_count") - sample(before, "tally_event_to_result_seconds_count") >= 5, after);
    assertTrue(after.lines().filter(l -> l.startsWith("tally_event_to_result_seconds_bucket{")).count() > 20, after);
    double maxSeconds = sample(after, "tally_event_to_result_seconds_max");
    assertTrue(maxSeconds > 0 && maxSeconds < 20, "max " + maxSeconds);
    // every check attempt's wait once due (of any task, as each is timed), in the same fine buckets
    assertEquals(sample(after, "tally_compare_seconds_count") - sample(before, "tally_compare_seconds_count"),
        sample(after, "tally_job_wait_seconds_count") - sample(before, "tally_job_wait_seconds_count"), after);
    assertTrue(sample(after, "tally_job_wait_seconds_count") - sample(before, "tally_job_wait_seconds_count") >= 5, after);
    assertTrue(after.lines().filter(l -> l.startsWith("tally_job_wait_seconds_bucket{")).count() > 20, after);
    double waitMax = sample(after, "tally_job_wait_seconds_max");
    assertTrue(waitMax >= 0 && waitMax < 20, "wait max " + waitMax);
    // the results went in group commits: at least one, at most one per result, each timed
    double commits = sample(after, "tally_results_commit_seconds_count") - sample(before, "tally_results_commit_seconds_count");
    assertTrue(commits >= 1 && commits <= sample(after, "tally_results_total") - sample(before, "tally_results_total"), after);
    assertTrue(after.lines().filter(l -> l.startsWith("tally_results_commit_seconds_bucket{")).count() > 20, after);
    // every check timed once, every side read once per check
    assertEquals(5, sample(after, "tally_compare_seconds_count", ofTask) - sample(before, "tally_compare_seconds_count", ofTask));
    String ofMysql = "data_source=\"" + mysql + "\"";
    assertEquals(5, sample(after, "tally_source_read_seconds_count", ofMysql) - sample(before, "tally_source_read_seconds_count", ofMysql));
    assertEquals(0, sample(after, "tally_source_read_errors_total", ofMysql));
    // the queue gauges are there and Vert.x's own meters land in the same registry
    // gauges hold their suppliers through a garbage collection
    System.gc();
    String gauges = awaitMetrics(text -> sample(text, "tally_jobs_in_flight") + sample(text, "tally_jobs_due") == 0);
    for (String gauge : List.of("tally_jobs_in_flight", "tally_jobs_due", "tally_jobs_queued", "tally_jobs_waiting")) {
      assertEquals(0, sample(gauges, gauge), gauge + " once the run is over:\n" + gauges);
    }
    assertTrue(after.contains("vertx_http_server_requests_total"), after);
    // event-bus meters cost a lookup per message on the hot path: off
    assertFalse(after.contains("vertx_eventbus_"), after);
    assertTrue(after.contains("# TYPE tally_compare_seconds histogram"), after);
  }

  static String awaitMetrics(java.util.function.Predicate<String> condition) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String text = scrape();
    while (!condition.test(text)) {
      if (System.nanoTime() > end) throw new AssertionError("metrics never met the condition:\n" + text);
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
      text = scrape();
    }
    return text;
  }

  @Test
  void healthAndReadinessOfAHealthyNode() throws Exception {
    assertEquals(200, api.get("/health").status());
    ApiClient.Response ready = api.get("/ready");
    assertEquals(200, ready.status(), ready.text());
    assertEquals("READY", ready.body().get("status").asText());
    assertTrue(ready.body().get("checks").get("store").get("ok").asBoolean(), ready.text());
    assertTrue(ready.body().get("checks").get("queue").get("ok").asBoolean(), ready.text());
    assertEquals(0, ready.body().get("failed").size());
  }

  @Test
  void liveStreamShowsTheRatesOfARunEverySecond() throws Exception {
    String[] sourceAndTask = taskWithRows("live", new long[] {11, 12, 13}, new long[] {14, 15});
    HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(api.uri("/api/v1/live")).build(), HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, stream.statusCode());
    assertTrue(stream.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
    try (Stream<String> lines = stream.body()) {
      Iterator<String> it = lines.iterator();
      JsonNode first = nextStats(it);
      for (String field : List.of("at", "eventsPerSec", "resultsPerSec", "failuresPerSec", "jobsWaiting", "jobsDue", "jobsInFlight", "perTask")) {
        assertTrue(first.has(field), "missing " + field + " in " + first);
      }
      // the rates are the node's and leave out the current second: wait for two quiet frames in a row, so other
      // tests' work is out of the window
      JsonNode quiet = first;
      int quietFrames = 0;
      long quietBy = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (quietFrames < 2) {
        if (System.nanoTime() > quietBy) throw new AssertionError("never quiet: " + quiet);
        quiet = nextStats(it);
        boolean still = quiet.get("eventsPerSec").asDouble() == 0 && quiet.get("resultsPerSec").asDouble() == 0;
        quietFrames = still ? quietFrames + 1 : 0;
      }
      postEvents(sourceAndTask[0], 11, 12, 13, 14, 15);
      // 5 events, 5 results of which 2 FAIL, all inside one window of LIVE_WINDOW_SECONDS (5) seconds
      double events = 0, results = 0, failures = 0;
      long previousAt = quiet.get("at").asLong();
      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < end && (events < 1.0 || results < 1.0)) {
        JsonNode stats = nextStats(it);
        long at = stats.get("at").asLong();
        assertTrue(at - previousAt >= 500 && at - previousAt <= 3000, "frames " + (at - previousAt) + " ms apart");
        previousAt = at;
        events = Math.max(events, stats.get("eventsPerSec").asDouble());
        for (JsonNode t : stats.get("perTask")) {
          if (!t.get("taskId").asText().equals(sourceAndTask[1])) continue;
          results = Math.max(results, t.get("resultsPerSec").asDouble());
          failures = Math.max(failures, t.get("failuresPerSec").asDouble());
        }
      }
      assertEquals(1.0, events, 1e-9);
      assertEquals(1.0, results, 1e-9);
      assertEquals(0.4, failures, 1e-9);
    }
  }

  @Test
  void reportsCountARunInTheCurrentPeriodsAndRefuseBadQueries() throws Exception {
    String[] sourceAndTask = taskWithRows("reported", new long[] {21, 22, 23}, new long[] {24, 25});
    String task = sourceAndTask[1];
    postEvents(sourceAndTask[0], 21, 22, 23, 24, 25);
    api.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= 5, Duration.ofSeconds(20));
    long now = System.currentTimeMillis();
    for (String period : List.of("day", "week", "month")) {
      JsonNode report = api.get("/api/v1/reports?taskId=" + task + "&period=" + period).body();
      assertEquals(period, report.get("period").asText());
      assertEquals(task, report.get("taskId").asText());
      JsonNode items = report.get("items");
      JsonNode current = items.get(items.size() - 1);
      assertTrue(current.get("start").asLong() <= now && now - current.get("start").asLong() < 32L * 86_400_000, current.toString());
      assertEquals(3, current.get("pass").asLong(), report.toString());
      assertEquals(2, current.get("fail").asLong());
      assertEquals(0, current.get("error").asLong());
      assertEquals(5, current.get("total").asLong());
      assertEquals(0.6, current.get("passRate").asDouble(), 1e-9);
      assertEquals(java.time.Instant.ofEpochMilli(current.get("start").asLong()).toString(), current.get("startIso").asText());
    }
    JsonNode overall = api.get("/api/v1/reports?period=day&from=" + (now - 3_600_000) + "&to=" + (now + 1)).body();
    assertTrue(overall.get("taskId").isNull());
    assertTrue(overall.get("items").get(overall.get("items").size() - 1).get("total").asLong() >= 5, overall.toString());

    ApiClient.Response csv = api.get("/api/v1/reports.csv?taskId=" + task + "&period=month&from=" + (now - 1000) + "&to=" + now);
    assertEquals(200, csv.status(), csv.text());
    List<String> lines = csv.text().lines().toList();
    assertEquals("period,taskId,start,startIso,pass,fail,error,total,passRate", lines.get(0));
    assertEquals(2, lines.size(), csv.text());
    assertTrue(lines.get(1).startsWith("month," + task + ","), lines.get(1));
    assertTrue(lines.get(1).endsWith(",3,2,0,5,0.6"), lines.get(1));

    assertRefused("/api/v1/reports?period=year", "period");
    assertRefused("/api/v1/reports.csv?period=year", "period");
    assertRefused("/api/v1/reports?from=" + now + "&to=" + (now - 1), "from");
    assertRefused("/api/v1/reports?from=yesterday", "from");
    assertRefused("/api/v1/reports?period=day&from=0&to=" + now, "from");
  }

  static void assertRefused(String path, String field) throws Exception {
    ApiClient.Response r = api.get(path);
    assertEquals(400, r.status(), path + ": " + r.text());
    assertEquals(field, r.body().get("field").asText(), r.text());
  }

  /** The data of the next {@code event: stats} of the stream. */
  static JsonNode nextStats(Iterator<String> lines) throws Exception {
    String event = null;
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.startsWith("event: ")) event = line.substring(7);
      if (line.startsWith("data: ") && "stats".equals(event)) return Json.MAPPER.readTree(line.substring(6));
    }
    throw new AssertionError("the stream ended");
  }
}
