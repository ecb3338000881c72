package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 100,000 jobs wait on the normal topic behind a partner API that answers in 2 s, while a priority task's checks
 * go through their own topic as quickly as with nothing waiting. The topics are this run's own (made with
 * scripts/infra/rocketmq.sh topics), so the backlog it leaves behind is nobody else's concern.
 */
class RocketMqBacklogTest {
  private static final int BACKLOG = 100_000;
  private static final int PER_POST = 1000;
  private static final int PRIORITY_CHECKS = 20;

  static TallyInProcess tally;
  static ApiClient api;
  static Services services;
  static SlowPartner slowPartner;
  static String table;

  @BeforeAll
  static void setUp() throws Exception {
    String run = "tally-bl-" + Long.toHexString(System.nanoTime());
    RocketMqTopics.create(run + ":NORMAL", run + "-priority:NORMAL", run + "-delay:DELAY");
    tally = TallyInProcess.onRocketMq(run, run + "-priority", run + "-delay", run, PER_POST);
    api = tally.api;
    services = new Services(tally.vertx);
    table = services.prefix + "_backlog";
    services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20))");
    slowPartner = new SlowPartner(2000);
  }

  @AfterAll
  static void tearDown() throws Exception {
    services.sql("DROP TABLE IF EXISTS " + table);
    services.close();
    tally.close();
    slowPartner.close();
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void aPriorityTaskKeepsItsLatencyWhileTheNormalTopicHoldsAHundredThousandJobs() throws Exception {
    String db = api.create("/api/v1/data-sources",
        "{\"name\":\"db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"database\":\"test\",\"user\":\"root\"}").id();
    String cache = api.create("/api/v1/data-sources", "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\"}").id();
    String partner = api.create("/api/v1/data-sources", "{\"name\":\"partner\",\"kind\":\"HTTP\",\"baseUrl\":\"" + slowPartner.baseUrl() + "\"}").id();
    String floodSource = api.create("/api/v1/event-sources", "{\"name\":\"flood\",\"kind\":\"API\"}").id();
    String slow = api.create("/api/v1/tasks", """
        {"name": "slow", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "url": "/orders/#{id}"},
         "right": {"dataSourceId": "%s", "url": "/orders/#{id}"},
         "compare": [{"left": "status", "right": "$.status"}]}
        """.formatted(floodSource, partner, partner)).id();
    String urgentSource = api.create("/api/v1/event-sources", "{\"name\":\"urgent\",\"kind\":\"API\"}").id();
    String urgent = api.create("/api/v1/tasks", """
        {"name": "urgent", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["status"]},
         "right": {"dataSourceId": "%s", "key": "%s:urgent:#{id}", "valueType": "STRING"},
         "compare": [{"left": "status", "right": "$"}], "strategy": {"priority": true}}
        """.formatted(urgentSource, db, table, cache, services.prefix)).id();
    // every urgent row differs, so each check leaves a result with its timings
    for (int i = 0; i < 2 * PRIORITY_CHECKS; i++) {
      services.sql("INSERT INTO " + table + " VALUES (" + i + ", 'PAID')");
      services.redis("SET", services.prefix + ":urgent:" + i, "NEW");
    }

    List<Long> idle = priorityLatencies(urgentSource, urgent, 0);

    long t0 = System.nanoTime();
    for (int post = 0; post < BACKLOG / PER_POST; post++) {
      StringBuilder events = new StringBuilder("[");
      for (int i = 0; i < PER_POST; i++) {
        events.append(i == 0 ? "" : ",").append("{\"op\":\"U\",\"data\":{\"id\":").append(post * PER_POST + i).append("}}");
      }
      ApiClient.Response r = api.post("/api/v1/events/" + floodSource, events.append("]").toString());
      assertEquals(202, r.status(), r.text());
      assertEquals(PER_POST, r.body().get("jobs").asInt(), r.text());
    }
    System.out.printf("RocketMqBacklogTest: %d jobs queued in %d ms%n", BACKLOG, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

    List<Long> behindBacklog = priorityLatencies(urgentSource, urgent, PRIORITY_CHECKS);
    long drained = ApiClient.verdicts(api.get("/api/v1/tasks/" + slow + "/stats?bucket=day").body());
    System.out.printf("RocketMqBacklogTest: priority check latency (ms) with nothing waiting %s, behind the backlog %s;"
        + " %d of %d normal jobs checked meanwhile%n", idle, behindBacklog, drained, BACKLOG);
    assertTrue(BACKLOG - drained >= 95_000, "the backlog was not there: " + drained + " of " + BACKLOG + " already checked");
    long worstIdle = idle.get(idle.size() - 1);
    long worst = behindBacklog.get(behindBacklog.size() - 1);
    assertTrue(worst <= Math.max(1000, 3 * worstIdle),
        "a priority check took " + worst + " ms behind the backlog, against " + worstIdle + " ms with nothing waiting");
  }

  /** Sends one urgent event at a time and returns the sorted latencies (event received to check finished). */
  private static List<Long> priorityLatencies(String source, String task, int firstId) throws Exception {
    for (int i = 0; i < PRIORITY_CHECKS; i++) {
      ApiClient.Response r = api.post("/api/v1/events/" + source,
          "{\"op\":\"U\",\"data\":{\"id\":" + (firstId + i) + "}}");
      assertEquals(202, r.status(), r.text());
      LockSupport.parkNanos(100_000_000L);
    }
    String stats = "/api/v1/tasks/" + task + "/stats?bucket=day";
    long expected = firstId + PRIORITY_CHECKS;
    api.await(stats, s -> ApiClient.verdicts(s) >= expected, Duration.ofSeconds(30));
    JsonNode items = api.get("/api/v1/results?taskId=" + task + "&limit=100").body().get("items");
    List<Long> latencies = new ArrayList<>();
    for (JsonNode r : items) {
      long id = r.at("/event/data/id").asLong();
      if (id < firstId || id >= firstId + PRIORITY_CHECKS) continue;
      latencies.add(r.get("finishedAt").asLong() - r.at("/event/receivedAt").asLong());
    }
    assertEquals(PRIORITY_CHECKS, latencies.size(), items.toString());
    Collections.sort(latencies);
    return latencies;
  }

}
