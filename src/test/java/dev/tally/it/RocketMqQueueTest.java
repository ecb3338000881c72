package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Jobs on a real RocketMQ (namesrv + proxy, started by the test script): due jobs on the normal topic, delays
 * and retries as delay messages, and priority tasks on a topic of their own that a backlog does not hold up.
 */
class RocketMqQueueTest {
  static TallyInProcess tally;
  static SlowPartner slowPartner;
  static ApiClient api;
  static Services services;
  static String table;
  static String mysql;
  static String redis;

  @BeforeAll
  static void setUp() throws Exception {
    tally = TallyInProcess.onRocketMq("tally-it-");
    api = tally.api;
    services = new Services(tally.vertx);
    table = services.prefix + "_rmq";
    services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20))");
    mysql = api.create("/api/v1/data-sources", "{\"name\":\"db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"database\":\"test\",\"user\":\"root\"}").id();
    redis = api.create("/api/v1/data-sources", "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\"}").id();
    // the user's slow partner API: every answer takes 50 ms
    slowPartner = new SlowPartner(50);
  }

  @AfterAll
  static void tearDown() throws Exception {
    services.sql("DROP TABLE IF EXISTS " + table);
    services.close();
    tally.close();
    slowPartner.close();
  }

  /** A task of its own event source comparing the row with Redis; returns {eventSource, task}. */
  static String[] task(String name, String strategy) throws Exception {
    String source = api.create("/api/v1/event-sources", "{\"name\":\"" + name + "\",\"kind\":\"API\"}").id();
    String task = api.create("/api/v1/tasks", """
        {"name": "%s", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["status"]},
         "right": {"dataSourceId": "%s", "key": "%s:%s:#{id}", "valueType": "STRING"},
         "compare": [{"left": "status", "right": "$"}], "strategy": %s}
        """.formatted(name, source, mysql, table, redis, services.prefix, name, strategy)).id();
    return new String[] {source, task};
  }


  static JsonNode verdicts(String task, int n, Duration within) throws Exception {
    return api.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= n, within);
  }

  @Test
  void jobsDueNowAreCheckedThroughTheNormalTopic() throws Exception {
    String[] t = task("now", "{}");
    services.sql("INSERT INTO " + table + " VALUES (1, 'PAID')");
    services.redis("SET", services.prefix + ":now:1", "PAID");
    assertEquals(202, api.post("/api/v1/events/" + t[0], "[{\"op\":\"U\",\"data\":{\"id\":1}},{\"op\":\"U\",\"data\":{\"id\":2}}]").status());
    JsonNode stats = verdicts(t[1], 2, Duration.ofSeconds(30));
    assertEquals(2, stats.get("pass").asInt(), "row 1 agrees, row 2 is missing on both sides");
  }

  @Test
  void delayedJobsArriveNoEarlierThanTheirDelayAndWithinTwoSecondsAfterIt() throws Exception {
    String[] t = task("delayed", "{\"delayMs\": 3000}");
    int n = 30;
    for (int i = 0; i < n; i++) {
      services.sql("INSERT INTO " + table + " VALUES (" + (100 + i) + ", 'PAID')");
      services.redis("SET", services.prefix + ":delayed:" + (100 + i), "STALE");
    }
    // spread over a few seconds, so the delays end at different moments of the broker's timer
    for (int i = 0; i < n; i++) {
      assertEquals(202, api.post("/api/v1/events/" + t[0], "{\"op\":\"U\",\"data\":{\"id\":" + (100 + i) + "}}").status());
      java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
    }
    verdicts(t[1], n, Duration.ofSeconds(30));
    JsonNode items = api.get("/api/v1/results?taskId=" + t[1]).body().get("items");
    assertEquals(n, items.size());
    java.util.List<Long> late = new java.util.ArrayList<>();
    for (JsonNode result : items) {
      long waited = result.at("/history/0/startedAt").asLong() - result.at("/event/receivedAt").asLong();
      assertTrue(waited >= 3000, "checked " + waited + " ms after it was received, before its delay of 3000 ms");
      late.add(waited - 3000);
    }
    java.util.Collections.sort(late);
    System.out.println("RocketMqQueueTest: delayed jobs late by (ms) " + late);
    assertTrue(late.get(n - 1) <= 2000, "a delayed job was checked more than 2 s after its delay: " + late);
  }

  @Test
  void retriesTravelAsDelayMessages() throws Exception {
    String[] t = task("retried", "{\"retry\": {\"onFail\": 2, \"backoffMs\": 1000}}");
    services.sql("INSERT INTO " + table + " VALUES (20, 'PAID')");
    services.redis("SET", services.prefix + ":retried:20", "STALE");
    api.post("/api/v1/events/" + t[0], "{\"op\":\"U\",\"data\":{\"id\":20}}");
    verdicts(t[1], 1, Duration.ofSeconds(30));
    JsonNode result = api.get("/api/v1/results?taskId=" + t[1]).body().at("/items/0");
    assertEquals(3, result.get("attempts").asInt());
    for (int i = 1; i < 3; i++) {
      long gap = result.at("/history/" + i + "/startedAt").asLong() - result.at("/history/" + (i - 1) + "/startedAt").asLong();
      // a delay message arrives up to about a second late, and the gap also holds the check itself
      assertTrue(gap >= 1000 && gap <= 8000, "attempt " + (i + 1) + " came " + gap + " ms after the one before");
    }
  }

  @Test
  void aPriorityTaskKeepsItsLatencyWhileTheNormalTopicHasABacklog() throws Exception {
    String source = api.create("/api/v1/event-sources", "{\"name\":\"flood\",\"kind\":\"API\"}").id();
    String partner = api.create("/api/v1/data-sources", "{\"name\":\"partner\",\"kind\":\"HTTP\",\"baseUrl\":\"" + slowPartner.baseUrl() + "\"}").id();
    String slow = api.create("/api/v1/tasks", """
        {"name": "slow", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "url": "/orders/#{id}"},
         "right": {"dataSourceId": "%s", "url": "/orders/#{id}"},
         "compare": [{"left": "status", "right": "status"}]}
        """.formatted(source, partner, partner)).id();
    String[] urgent = task("urgent", "{\"priority\": true}");
    StringBuilder events = new StringBuilder("[");
    for (int i = 0; i < 1000; i++) events.append(i == 0 ? "" : ",").append("{\"op\":\"U\",\"data\":{\"id\":").append(i).append("}}");
    assertEquals(202, api.post("/api/v1/events/" + source, events.append("]").toString()).status());
    long posted = System.nanoTime();
    api.post("/api/v1/events/" + urgent[0], "{\"op\":\"U\",\"data\":{\"id\":30}}");
    verdicts(urgent[1], 1, Duration.ofSeconds(10));
    long tookMs = (System.nanoTime() - posted) / 1_000_000;
    long normalDone = ApiClient.verdicts(api.get("/api/v1/tasks/" + slow + "/stats?bucket=day").body());
    assertTrue(normalDone < 1000, "the normal backlog was still there (" + normalDone + " of 1000 checked)");
    assertTrue(tookMs < 3000, "the priority check took " + tookMs + " ms behind a backlog");
    try {
      verdicts(slow, 1000, Duration.ofSeconds(120));
    } catch (AssertionError stalled) {
      throw new AssertionError(stalled.getMessage() + "\nmetrics:\n" + api.get("/metrics").text(), stalled);
    }
  }
}
