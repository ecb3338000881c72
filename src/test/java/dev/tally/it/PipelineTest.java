package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole embedded pipeline against the real MariaDB and Redis: API → dispatcher → strategies → local queue →
 * compare → results, driven over HTTP as a user would.
 */
class PipelineTest {
  static TallyInProcess tally;
  static Services services;
  static ApiClient api;
  static String table;
  /** The event source of the task created last; each task gets its own. */
  static String eventSource;
  static String mysql;
  static String redis;

  @BeforeAll
  static void setUp() throws Exception {
    tally = new TallyInProcess();
    api = tally.api;
    services = new Services(tally.vertx);
    table = services.prefix + "_orders";
    services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, code VARCHAR(40), status VARCHAR(20),"
        + " amount DECIMAL(10,2), updated_at DATETIME)");
    mysql = api.create("/api/v1/data-sources", "{\"name\":\"shop\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"port\":3306,"
        + "\"database\":\"test\",\"user\":\"root\",\"password\":\"\"}").id();
    redis = api.create("/api/v1/data-sources", "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\",\"port\":6379}").id();
  }

  @AfterAll
  static void tearDown() throws Exception {
    services.sql("DROP TABLE IF EXISTS " + table);
    services.close();
    tally.close();
  }

  /** A task comparing the row with its Redis JSON copy under key {@code <prefix>:<name>:order:#{id}}. */
  static String task(String name, String strategy) throws Exception {
    eventSource = api.create("/api/v1/event-sources", "{\"name\":\"" + name + "\",\"kind\":\"API\"}").id();
    return api.create("/api/v1/tasks", """
        {"name": "%s", "eventSourceId": "%s", "type": "CONFIG",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["id", "status", "amount", "updated_at"]},
         "right": {"dataSourceId": "%s", "key": "%s:%s:order:#{id}", "valueType": "JSON"},
         "compare": [{"left": "status", "right": "status"},
                     {"left": "amount", "right": "amount", "comparator": "DECIMAL"},
                     {"left": "updated_at", "right": "updatedAt", "comparator": "DATETIME", "zone": "UTC"}],
         "strategy": %s}
        """.formatted(name, eventSource, mysql, table, redis, services.prefix, name, strategy)).id();
  }

  static String taskOn(String source, String name, String strategy) throws Exception {
    String task = task(name, strategy);
    JsonNode body = api.get("/api/v1/tasks/" + task).body();
    ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("eventSourceId", source);
    ApiClient.Response moved = api.put("/api/v1/tasks/" + task, body.toString());
    assertEquals(200, moved.status(), moved.text());
    return task;
  }

  static void row(long id, String status, String amount) throws Exception {
    services.sql("REPLACE INTO " + table + " (id, code, status, amount, updated_at) VALUES (" + id + ", 'c" + id + "', '"
        + status + "', " + amount + ", '2026-01-02 03:04:05')");
  }

  static void copy(String name, long id, String status, String amount) throws Exception {
    services.redis("SET", services.prefix + ":" + name + ":order:" + id,
        "{\"id\":" + id + ",\"status\":\"" + status + "\",\"amount\":" + amount + ",\"updatedAt\":\"2026-01-02T03:04:05Z\"}");
  }

  static JsonNode post(String events) throws Exception {
    ApiClient.Response r = api.post("/api/v1/events/" + eventSource, events);
    assertEquals(202, r.status(), r.text());
    return r.body();
  }

  static JsonNode statsWhenTotal(String taskId, int total) throws Exception {
    return api.await("/api/v1/tasks/" + taskId + "/stats?bucket=day",
        s -> s.get("pass").asLong() + s.get("fail").asLong() + s.get("error").asLong() >= total, Duration.ofSeconds(20));
  }

  static Map<String, JsonNode> resultsByKey(String taskId) throws Exception {
    Map<String, JsonNode> byKey = new HashMap<>();
    for (JsonNode r : api.get("/api/v1/results?taskId=" + taskId + "&limit=500").body().get("items")) {
      byKey.put(r.get("entityKey").asText(), r);
    }
    return byKey;
  }

  static List<String> diffFields(JsonNode result) {
    List<String> fields = new ArrayList<>();
    result.get("diffs").forEach(d -> fields.add(d.get("kind").asText() + ":" + d.path("field").asText(d.path("side").asText())));
    return fields;
  }

  @Test
  void reportsExactlyTheFieldsThatDisagree() throws Exception {
    String task = task("mismatch", "{}");
    row(101, "PAID", "12.50");
    copy("mismatch", 101, "PAID", "12.5");
    row(102, "PAID", "10.00");
    copy("mismatch", 102, "NEW", "10.01");
    row(103, "PAID", "7.00");
    // 104: deleted on both sides

    JsonNode accepted = post("[{\"op\":\"UPDATE\",\"data\":{\"id\":101}},{\"op\":\"UPDATE\",\"data\":{\"id\":102}},"
        + "{\"op\":\"UPDATE\",\"data\":{\"id\":103}},{\"op\":\"DELETE\",\"data\":{\"id\":104}}]");
    assertEquals(4, accepted.get("eventIds").size());
    assertEquals(4, accepted.get("jobs").asInt());

    JsonNode stats = statsWhenTotal(task, 4);
    assertEquals(2, stats.get("pass").asInt(), "DECIMAL and DATETIME agreement, and missing on both sides, pass");
    assertEquals(2, stats.get("fail").asInt());
    Map<String, JsonNode> results = resultsByKey(task);
    assertEquals(List.of("mismatch:status", "mismatch:amount"), diffFields(results.get("102")));
    assertEquals(List.of("missing:right"), diffFields(results.get("103")));
    JsonNode detail = api.get("/api/v1/results/" + results.get("102").get("id").asText()).body();
    assertEquals("PAID", detail.at("/left/values/status").asText());
    assertEquals("NEW", detail.at("/right/values/status").asText());
    assertTrue(detail.at("/left/query").asText().contains("WHERE (`id` = ?)"), detail.toString());
    assertEquals(102, detail.at("/left/params/0").asInt());
    assertEquals(1, detail.get("attempts").asInt());
  }

  @Test
  void aRetryTurnsAFailIntoAPassWhenTheCopyCatchesUp() throws Exception {
    String task = task("retry", "{\"retry\": {\"onFail\": 3, \"backoffMs\": 1500}}");
    row(201, "SHIPPED", "5.00");
    copy("retry", 201, "PAID", "5.00");
    post("{\"op\":\"UPDATE\",\"data\":{\"id\":201}}");
    // the first attempt failed once the job is waiting for its second
    api.await("/api/v1/jobs?taskId=" + task, j -> j.get("items").size() == 1 && j.at("/items/0/attempt").asInt() == 2,
        Duration.ofSeconds(10));
    copy("retry", 201, "SHIPPED", "5.00");
    JsonNode stats = statsWhenTotal(task, 1);
    assertEquals(1, stats.get("pass").asInt());
    assertEquals(0, stats.get("fail").asInt());
  }

  @Test
  void aFailThatNeverCatchesUpIsReportedWithEveryAttempt() throws Exception {
    String task = task("stale", "{\"retry\": {\"onFail\": 2, \"backoffMs\": 50}}");
    row(301, "SHIPPED", "5.00");
    copy("stale", 301, "PAID", "5.00");
    post("{\"op\":\"UPDATE\",\"data\":{\"id\":301}}");
    statsWhenTotal(task, 1);
    JsonNode result = resultsByKey(task).get("301");
    assertEquals("FAIL", result.get("status").asText());
    assertEquals(3, result.get("attempts").asInt());
    assertEquals(3, result.get("history").size());
  }

  @Test
  void injectionShapedValuesReadNoOtherRow() throws Exception {
    eventSource = api.create("/api/v1/event-sources", "{\"name\":\"by code\",\"kind\":\"API\"}").id();
    String task = api.create("/api/v1/tasks", """
        {"name": "by code", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "code = #{code}", "fields": ["id", "status"]},
         "right": {"dataSourceId": "%s", "key": "%s:code:#{code}", "valueType": "HASH"},
         "entityKey": ["code"],
         "compare": [{"left": "status", "right": "status"}]}
        """.formatted(eventSource, mysql, table, redis, services.prefix)).id();
    row(401, "PAID", "1.00");
    ApiClient.Response tried = api.post("/api/v1/tasks/" + task + "/try", "{\"op\":\"UPDATE\",\"data\":{\"code\":\"x' OR '1'='1\"}}");
    assertEquals(200, tried.status(), tried.text());
    assertFalse(tried.body().at("/left/found").asBoolean(), "the quote is data, not SQL: " + tried.text());
    assertEquals("PASS", tried.body().get("status").asText());

    String byId = task("inject", "{}");
    ApiClient.Response numeric = api.post("/api/v1/tasks/" + byId + "/try", "{\"op\":\"UPDATE\",\"data\":{\"id\":\"401 OR 1=1\"}}");
    assertEquals("ERROR", numeric.body().get("status").asText());
    assertTrue(numeric.body().get("error").asText().contains("'id'"), numeric.text());
    assertTrue(api.get("/api/v1/results?taskId=" + byId).body().get("items").isEmpty(), "try stores nothing");
  }

  @Test
  void strategiesDecideWhichEventsMakeJobs() throws Exception {
    String source = api.create("/api/v1/event-sources", "{\"name\":\"strategies\",\"kind\":\"API\"}").id();
    String filtered = taskOn(source, "filtered", "{\"filter\": {\"ops\": [\"UPDATE\"], \"fields\": {\"status\": [\"PAID\", \"DONE\"]}}}");
    String gray = taskOn(source, "gray", "{\"sampleRate\": 0.0, \"allowKeys\": [\"501\"]}");
    String coalesced = taskOn(source, "coalesced", "{\"delayMs\": 60000, \"coalesce\": true}");
    eventSource = source;
    JsonNode reply = post("[{\"op\":\"UPDATE\",\"data\":{\"id\":501,\"status\":\"PAID\"}},"
        + "{\"op\":\"UPDATE\",\"data\":{\"id\":502,\"status\":\"NEW\"}},"
        + "{\"op\":\"INSERT\",\"data\":{\"id\":501,\"status\":\"DONE\"}}]");
    // filter: 1 of 3 events; gray: 2 (entity 501 twice); coalesce: 2 (501 and 502)
    assertEquals(5, reply.get("jobs").asInt(), reply.toString());
    JsonNode coalescedJobs = api.get("/api/v1/jobs?taskId=" + coalesced).body().get("items");
    assertEquals(2, coalescedJobs.size(), "one waiting job per entity: " + coalescedJobs);
    long due = coalescedJobs.get(0).get("dueAt").asLong();
    assertTrue(due > System.currentTimeMillis() + 50_000, "delayMs postpones the first check");

    statsWhenTotal(filtered, 1);
    statsWhenTotal(gray, 2);
    // only event 1 (UPDATE, PAID) passes the filter; only entity 501 is in the gray allow-list
    assertEquals(1, api.get("/api/v1/tasks/" + filtered + "/stats?bucket=day").body().get("pass").asInt()
        + api.get("/api/v1/tasks/" + filtered + "/stats?bucket=day").body().get("fail").asInt());
    JsonNode grayStats = api.get("/api/v1/tasks/" + gray + "/stats?bucket=day").body();
    assertEquals(2, grayStats.get("pass").asInt() + grayStats.get("fail").asInt(), "events 1 and 3 are entity 501");
  }

  @Test
  void anEventATaskCannotUseIsAcceptedAndEndsAsAnErrorNamingTheVariable() throws Exception {
    String task = task("novar", "{}");
    JsonNode reply = post("[{\"op\":\"UPDATE\",\"data\":{\"id\":701}},{\"op\":\"UPDATE\",\"data\":{\"code\":\"x\"}}]");
    assertEquals(2, reply.get("jobs").asInt());
    assertEquals("events[1].data.id", reply.at("/warnings/0/field").asText(), reply.toString());
    JsonNode stats = statsWhenTotal(task, 2);
    assertEquals(1, stats.get("pass").asInt());
    assertEquals(1, stats.get("error").asInt());
    JsonNode error = resultsByKey(task).get("?");
    assertTrue(error.get("error").asText().contains("'id'"), error.toString());
  }

  @Test
  void badInputGetsAClearErrorAndLosesNothing() throws Exception {
    String task = task("bad input", "{\"delayMs\": 60000}");
    post("{\"op\":\"UPDATE\",\"data\":{\"id\":801}}");

    ApiClient.Response malformed = api.post("/api/v1/events/" + eventSource, "[{\"op\": \"UPDATE\", \"data\": {\"id\": 8");
    assertEquals(400, malformed.status());
    assertEquals("malformed JSON", malformed.body().get("error").asText());
    ApiClient.Response noData = api.post("/api/v1/events/" + eventSource, "[{\"op\":\"UPDATE\",\"data\":{\"id\":802}},{\"op\":\"UPDATE\"}]");
    assertEquals(400, noData.status());
    assertEquals("events[1].data", noData.body().get("field").asText());
    StringBuilder tooMany = new StringBuilder("[");
    for (int i = 0; i < 1001; i++) tooMany.append(i == 0 ? "" : ",").append("{\"op\":\"U\",\"data\":{\"id\":1}}");
    assertEquals(400, api.post("/api/v1/events/" + eventSource, tooMany.append("]").toString()).status());

    assertEquals(404, api.post("/api/v1/events/nope", "{\"op\":\"UPDATE\",\"data\":{\"id\":1}}").status());
    assertEquals(404, api.get("/api/v1/tasks/nope").status());
    assertEquals(404, api.get("/api/v1/results/nope").status());
    assertEquals(404, api.delete("/api/v1/data-sources/nope").status());

    ApiClient.Response badTask = api.post("/api/v1/tasks", "{\"name\":\"x\",\"eventSourceId\":\"" + eventSource + "\","
        + "\"left\":{\"dataSourceId\":\"" + mysql + "\",\"where\":\"id = #{id}\",\"fields\":[\"id\"]},"
        + "\"right\":{\"dataSourceId\":\"" + redis + "\",\"key\":\"k\",\"valueType\":\"JSON\"},\"compare\":[{\"left\":\"id\"}]}");
    assertEquals(400, badTask.status());
    assertEquals("left.table", badTask.body().get("field").asText(), badTask.text());
    ApiClient.Response badEnum = api.post("/api/v1/tasks", "{\"name\":\"x\",\"compare\":[{\"left\":\"a\",\"comparator\":\"FUZZY\"}]}");
    assertEquals(400, badEnum.status());
    assertEquals("compare[0].comparator", badEnum.body().get("field").asText(), badEnum.text());
    assertEquals(409, api.delete("/api/v1/data-sources/" + mysql).status(), "still used by tasks");

    JsonNode jobs = api.get("/api/v1/jobs?taskId=" + task).body().get("items");
    assertEquals(1, jobs.size(), "the accepted event is still queued");
  }

  @Test
  void anUnreachableDataSourceIsAnErrorResultAndAFailedConnectionTest() throws Exception {
    String down = api.create("/api/v1/data-sources", "{\"name\":\"down\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\","
        + "\"port\":1,\"database\":\"test\",\"user\":\"root\",\"password\":\"s3cret-value\",\"timeoutMs\":2000}").id();
    JsonNode tested = api.post("/api/v1/data-sources/" + down + "/test", "").body();
    assertFalse(tested.get("ok").asBoolean());
    assertTrue(tested.get("error").asText().toLowerCase().contains("refused"), tested.toString());
    JsonNode shown = api.get("/api/v1/data-sources/" + down).body();
    assertTrue(shown.get("passwordSet").asBoolean());
    assertFalse(shown.has("password"), "passwords are write-only");
    assertFalse(api.get("/api/v1/data-sources").text().contains("s3cret-value"));

    eventSource = api.create("/api/v1/event-sources", "{\"name\":\"down\",\"kind\":\"API\"}").id();
    String task = api.create("/api/v1/tasks", """
        {"name": "down", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "t", "where": "id = #{id}", "fields": ["id"]},
         "right": {"dataSourceId": "%s", "key": "k:#{id}", "valueType": "STRING"},
         "compare": [{"left": "id", "right": "$"}]}
        """.formatted(eventSource, down, redis)).id();
    post("{\"op\":\"UPDATE\",\"data\":{\"id\":1}}");
    assertEquals(1, statsWhenTotal(task, 1).get("error").asInt());
    JsonNode result = resultsByKey(task).get("1");
    assertTrue(result.get("error").asText().startsWith("left:"), result.toString());
    assertEquals(200, api.get("/health").status(), "still serving");
  }

  @Test
  void aRateLimitSpacesChecksAndDropsNothing() throws Exception {
    String limited = task("limited", "{\"rateLimit\": 5, \"delayMs\": 60000}");
    StringBuilder events = new StringBuilder("[");
    for (int i = 0; i < 10; i++) events.append(i == 0 ? "" : ",").append("{\"op\":\"UPDATE\",\"data\":{\"id\":").append(600 + i).append("}}");
    post(events.append("]").toString());
    JsonNode jobs = api.get("/api/v1/jobs?taskId=" + limited).body().get("items");
    assertEquals(10, jobs.size());
    for (int i = 1; i < jobs.size(); i++) {
      long gap = jobs.get(i).get("dueAt").asLong() - jobs.get(i - 1).get("dueAt").asLong();
      assertTrue(gap >= 199, "5 per second means 200 ms apart, got " + gap);
    }
  }
}
