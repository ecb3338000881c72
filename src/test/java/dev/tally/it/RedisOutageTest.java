package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.store.StoreFixture;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redis stops in the middle of a stream of events that feed two tasks: MySQL against Redis, and MySQL against
 * OpenSearch. The Redis task's checks go ERROR and wait for their retries; the OpenSearch task keeps its pace;
 * Redis back (with its data), the retries pass and every event has one PASS per task.
 *
 * <p>The Redis is the password-protected server of scripts/infra/redis-topologies.sh (127.0.0.1:16379), which this
 * test may stop: it shuts it down with redis-cli (SHUTDOWN SAVE, so the server comes back with its data, as a
 * persistent Redis would) and has the script start it again.
 */
class RedisOutageTest {
  private static final int PORT = 16379;
  private static final String PASSWORD = System.getenv().getOrDefault("REDIS_TOPOLOGIES_PASSWORD", "tally-redis-pw");
  private static final File SCRIPT = new File("scripts/infra/redis-topologies.sh").getAbsoluteFile();
  private static final int BATCHES = 120;
  private static final int PER_BATCH = 5;
  private static final int STOP_AT_BATCH = 25;
  private static final int START_AT_BATCH = 70;

  static TallyInProcess tally;
  static ApiClient api;
  static Services services;
  static SearchIndex index;
  static Redis redis;
  static String table;

  @BeforeAll
  static void setUp() throws Exception {
    tally = new TallyInProcess();
    api = tally.api;
    services = new Services(tally.vertx);
    table = services.prefix + "_outage";
    index = new SearchIndex("tally-outage", "{\"properties\":{\"status\":{\"type\":\"keyword\"}}}");
    redis = Redis.createClient(tally.vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:" + PORT).setPassword(PASSWORD));
  }

  @AfterAll
  static void tearDown() throws Exception {
    script("start"); // whatever happened, leave the server running for the tests after this one
    services.sql("DROP TABLE IF EXISTS " + table);
    services.close();
    index.close();
    tally.close();
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void redisGoingAwayStallsOnlyItsOwnTasksAndTheirRetriesPassOnceItIsBack() throws Exception {
    int events = BATCHES * PER_BATCH;
    services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20))");
    StringBuilder rows = new StringBuilder("INSERT INTO " + table + " VALUES ");
    Map<String, String> docs = new LinkedHashMap<>();
    for (int i = 0; i < events; i++) {
      rows.append(i == 0 ? "" : ",").append("(").append(i).append(",'PAID')");
      docs.put(String.valueOf(i), "{\"status\":\"PAID\"}");
    }
    services.sql(rows.toString());
    index.putAll(docs);
    seedRedis(events);

    String db = api.create("/api/v1/data-sources",
        "{\"name\":\"db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"database\":\"test\",\"user\":\"root\"}").id();
    String cache = api.create("/api/v1/data-sources", "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\",\"port\":"
        + PORT + ",\"password\":\"" + PASSWORD + "\",\"timeoutMs\":1000}").id();
    String search = api.create("/api/v1/data-sources", "{\"name\":\"search\",\"kind\":\"ELASTICSEARCH\",\"hosts\":[\""
        + SearchIndex.URL + "\"]}").id();
    String source = api.create("/api/v1/event-sources", "{\"name\":\"orders\",\"kind\":\"API\"}").id();
    String left = "{\"dataSourceId\": \"" + db + "\", \"table\": \"" + table + "\", \"where\": \"id = #{id}\", \"fields\": [\"status\"]}";
    String cached = api.create("/api/v1/tasks", """
        {"name": "cache", "eventSourceId": "%s", "left": %s,
         "right": {"dataSourceId": "%s", "key": "%s:#{id}", "valueType": "STRING"},
         "compare": [{"left": "status", "right": "$"}],
         "strategy": {"retry": {"onError": 60, "backoffMs": 500}}}
        """.formatted(source, left, cache, services.prefix)).id();
    String indexed = api.create("/api/v1/tasks", """
        {"name": "index", "eventSourceId": "%s", "left": %s,
         "right": {"dataSourceId": "%s", "index": "%s", "id": "#{id}", "fields": ["status"]},
         "compare": [{"left": "status", "right": "status"}]}
        """.formatted(source, left, search, index.name)).id();

    long indexedWhenStopped = -1;
    long postedWhenStopped = -1;
    boolean sawRetry = false;
    List<String> outageErrors = new ArrayList<>();
    for (int b = 0; b < BATCHES; b++) {
      if (b == STOP_AT_BATCH) {
        shutDownRedis();
        indexedWhenStopped = verdicts(indexed);
        postedWhenStopped = (long) b * PER_BATCH;
      }
      if (b == START_AT_BATCH) {
        long indexedWhileDown = verdicts(indexed) - indexedWhenStopped;
        long postedWhileDown = (long) b * PER_BATCH - postedWhenStopped;
        System.out.printf("RedisOutageTest: while Redis was down, %d events posted, %d checked against OpenSearch%n",
            postedWhileDown, indexedWhileDown);
        // the OpenSearch task went on at the pace of the events, give or take the ones still being checked
        assertTrue(indexedWhileDown >= postedWhileDown - 3 * PER_BATCH,
            "the OpenSearch task slowed down: " + indexedWhileDown + " of " + postedWhileDown + " checked");
        assertTrue(sawRetry, "no check of the Redis task was seen waiting for a retry after an ERROR: " + outageErrors);
        script("start"); // the server loads the snapshot SHUTDOWN SAVE wrote: its data is back
      }
      StringBuilder batch = new StringBuilder("[");
      for (int j = 0; j < PER_BATCH; j++) {
        batch.append(j == 0 ? "" : ",").append("{\"op\":\"U\",\"data\":{\"id\":").append(b * PER_BATCH + j).append("}}");
      }
      ApiClient.Response r = api.post("/api/v1/events/" + source, batch.append("]").toString());
      assertEquals(202, r.status(), r.text());
      if (b > STOP_AT_BATCH && b < START_AT_BATCH && !sawRetry) {
        // a job waiting for its next attempt, whose earlier attempt was an ERROR naming the Redis server
        for (JsonNode job : api.get("/api/v1/jobs?taskId=" + cached + "&limit=50").body().get("items")) {
          for (JsonNode attempt : job.path("history")) {
            if (attempt.path("status").asText().equals("ERROR")) {
              outageErrors.add(attempt.path("summary").asText());
              sawRetry |= job.path("attempt").asInt() >= 2 && attempt.path("summary").asText().contains(String.valueOf(PORT));
            }
          }
        }
      }
      LockSupport.parkNanos(100_000_000L);
    }

    JsonNode indexStats = api.await("/api/v1/tasks/" + indexed + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= events, Duration.ofSeconds(60));
    JsonNode cacheStats = api.await("/api/v1/tasks/" + cached + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= events, Duration.ofSeconds(90));
    assertEquals(events, indexStats.get("pass").asLong(), "every OpenSearch check passed: " + indexStats);
    assertEquals(events, ApiClient.verdicts(indexStats), indexStats.toString());
    assertEquals(events, cacheStats.get("pass").asLong(), "every Redis check passed once Redis was back: " + cacheStats);
    assertEquals(events, ApiClient.verdicts(cacheStats), cacheStats.toString());
  }

  private static long verdicts(String task) throws Exception {
    return ApiClient.verdicts(api.get("/api/v1/tasks/" + task + "/stats?bucket=day").body());
  }

  private static void seedRedis(int events) throws Exception {
    List<Request> sets = new ArrayList<>();
    for (int i = 0; i < events; i++) sets.add(Request.cmd(Command.SET).arg(services.prefix + ":" + i).arg("PAID"));
    StoreFixture.await(redis.batch(sets));
  }

  /** SHUTDOWN SAVE through redis-cli, the password in the environment; returns when the port is closed. */
  private static void shutDownRedis() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(PORT), "shutdown", "save")
        .redirectErrorStream(true);
    pb.environment().put("REDISCLI_AUTH", PASSWORD);
    Process p = pb.start();
    p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "redis-cli shutdown did not return");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (portOpen()) {
      assertTrue(System.nanoTime() < deadline, "Redis on " + PORT + " still answers after SHUTDOWN");
      LockSupport.parkNanos(50_000_000L);
    }
  }

  private static boolean portOpen() {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", PORT)) {
      return true;
    } catch (java.io.IOException closed) {
      return false;
    }
  }

  private static void script(String command) throws Exception {
    Process p = new ProcessBuilder("bash", SCRIPT.getPath(), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "redis-topologies.sh " + command + " failed:\n" + out);
  }
}
