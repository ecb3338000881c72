package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A MariaDB table of services against its copy in the real OpenSearch (scripts/infra/opensearch.sh), through
 * the REST API of a node in this JVM: by document id and by query, PASS and FAIL, and the API key kept secret.
 */
class ElasticsearchPipelineTest {
  private static final String API_KEY = "c2VydmljZXM6dG9wLXNlY3JldA==";

  static TallyInProcess tally;
  static Services services;
  static SearchIndex index;
  static ApiClient api;
  static String table;
  static String mysql;
  static String search;

  @BeforeAll
  static void setUp() throws Exception {
    tally = new TallyInProcess();
    api = tally.api;
    services = new Services(tally.vertx);
    table = services.prefix + "_services";
    services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name VARCHAR(40), status VARCHAR(20), price DECIMAL(10,2))");
    index = new SearchIndex("tally-services", "{\"properties\":{\"serviceId\":{\"type\":\"long\"},"
        + "\"name\":{\"type\":\"keyword\"},\"status\":{\"type\":\"keyword\"},\"price\":{\"type\":\"double\"}}}");
    mysql = api.create("/api/v1/data-sources", "{\"name\":\"shop\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"port\":3306,"
        + "\"database\":\"test\",\"user\":\"root\",\"password\":\"\"}").id();
    search = api.create("/api/v1/data-sources", "{\"name\":\"search\",\"kind\":\"ELASTICSEARCH\",\"hosts\":[\""
        + SearchIndex.URL + "\"],\"timeoutMs\":5000}").id();
  }

  @AfterAll
  static void tearDown() throws Exception {
    services.sql("DROP TABLE IF EXISTS " + table);
    services.close();
    index.close();
    tally.close();
  }

  /**
   * A task of its own event source comparing status (EXACT) and price (DECIMAL) of the row with fields status
   * and price of a document of the index, found by {@code how} (the id or query member); returns {taskId, eventSourceId}.
   */
  private static String[] task(String name, String how) throws Exception {
    String right = "{\"dataSourceId\": \"" + search + "\", \"index\": \"" + index.name + "\", " + how
        + ", \"fields\": [\"status\", \"price\"]}";
    String source = api.create("/api/v1/event-sources", "{\"name\":\"" + name + "\",\"kind\":\"API\"}").id();
    String task = api.create("/api/v1/tasks", """
        {"name": "%s", "eventSourceId": "%s", "type": "CONFIG",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["id", "status", "price"]},
         "right": %s,
         "compare": [{"left": "status", "right": "status"}, {"left": "price", "right": "price", "comparator": "DECIMAL"}],
         "entityKey": ["id"]}
        """.formatted(name, source, mysql, table, right)).id();
    return new String[] {task, source};
  }

  /** Service {@code id}: its row, and its document {@code docId} (none when null) with the copy's status and price. */
  private static void service(long id, String status, String price, String docId, String docStatus, String docPrice) throws Exception {
    services.sql("REPLACE INTO " + table + " (id, name, status, price) VALUES (" + id + ", 's" + id + "', '" + status + "', " + price + ")");
    if (docId != null) {
      index.put(docId, "{\"serviceId\":" + id + ",\"name\":\"s" + id + "\",\"status\":\"" + docStatus + "\",\"price\":" + docPrice + "}");
    }
  }

  private static JsonNode stats(String[] task) throws Exception {
    return api.get("/api/v1/tasks/" + task[0] + "/stats?bucket=day").body();
  }

  private static void assertVerdicts(String[] task, int pass, int fail) throws Exception {
    JsonNode stats = stats(task);
    assertEquals(List.of(pass, fail, 0), List.of(stats.get("pass").asInt(), stats.get("fail").asInt(), stats.get("error").asInt()),
        "pass, fail, error: " + stats);
  }

  /** Posts one UPDATE per id and waits until the task has a verdict for each; returns the results by entity key. */
  private static Map<String, JsonNode> check(String[] task, long... ids) throws Exception {
    StringBuilder events = new StringBuilder("[");
    for (long id : ids) events.append(events.length() > 1 ? "," : "").append("{\"op\":\"UPDATE\",\"data\":{\"id\":").append(id).append("}}");
    ApiClient.Response accepted = api.post("/api/v1/events/" + task[1], events.append("]").toString());
    assertEquals(202, accepted.status(), accepted.text());
    api.await("/api/v1/tasks/" + task[0] + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= ids.length, Duration.ofSeconds(20));
    Map<String, JsonNode> byKey = new HashMap<>();
    for (JsonNode r : api.get("/api/v1/results?taskId=" + task[0] + "&limit=100").body().get("items")) {
      byKey.put(r.get("entityKey").asText(), api.get("/api/v1/results/" + r.get("id").asText()).body());
    }
    return byKey;
  }

  private static String diffs(JsonNode result) {
    StringBuilder sb = new StringBuilder();
    result.get("diffs").forEach(d -> sb.append(d.get("kind").asText()).append(':')
        .append(d.path("field").asText(d.path("side").asText())).append(' '));
    return sb.toString().trim();
  }

  @Test
  void byIdPassesWhenTheDocumentAgreesAndFailsOnEachDrift() throws Exception {
    String[] task = task("es-by-id", "\"id\": \"#{id}\"");
    service(1, "ACTIVE", "12.50", "1", "ACTIVE", "12.5");
    service(2, "ACTIVE", "3.00", "2", "RETIRED", "3");
    service(3, "ACTIVE", "4.00", null, null, null);

    assertEquals(0, ApiClient.verdicts(stats(task)));
    Map<String, JsonNode> results = check(task, 1, 2, 3);
    assertVerdicts(task, 1, 2);
    assertFalse(results.containsKey("1"), "PASS results are counted, not stored");
    assertEquals("mismatch:status", diffs(results.get("2")));
    assertEquals("RETIRED", results.get("2").at("/right/values/status").asText());
    assertEquals("GET /" + index.name + "/_doc/2?_source_includes=status,price", results.get("2").at("/right/query").asText());
    assertEquals(2, results.get("2").at("/right/params/0").asInt());
    assertEquals("missing:right", diffs(results.get("3")));
  }

  @Test
  void byQueryBindsTheEventValueAsANumber() throws Exception {
    String[] task = task("es-by-query", "\"query\": {\"term\": {\"serviceId\": \"#{id}\"}}");
    service(11, "ACTIVE", "5.00", "svc-11", "ACTIVE", "5");
    service(12, "ACTIVE", "6.00", "svc-12", "ACTIVE", "6.01");

    Map<String, JsonNode> results = check(task, 11, 12);
    assertVerdicts(task, 1, 1);
    JsonNode failed = results.get("12");
    assertEquals("mismatch:price", diffs(failed));
    assertEquals("POST /" + index.name + "/_search {\"query\":{\"term\":{\"serviceId\":12}},\"size\":2,\"_source\":[\"status\",\"price\"]}",
        failed.at("/right/query").asText());
    assertEquals(12, failed.at("/right/params/0").asInt());
  }

  @Test
  void badSidesAreRefusedNamingTheField() throws Exception {
    String source = api.create("/api/v1/event-sources", "{\"name\":\"es-bad\",\"kind\":\"API\"}").id();
    String template = """
        {"name": "bad", "eventSourceId": "%s", "type": "CONFIG",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["id", "status"]},
         "right": {"dataSourceId": "%s", %s},
         "compare": [{"left": "status", "right": "status"}]}
        """;
    Map<String, String> cases = Map.of(
        "\"index\": \"Services\", \"id\": \"#{id}\"", "right.index",
        "\"index\": \"s\", \"id\": \"#{id}\", \"query\": {\"match_all\": {}}", "right.id",
        "\"index\": \"s\", \"query\": \"status:x\"", "query",
        "\"index\": \"s\", \"id\": \"#{id}\", \"table\": \"t\"", "right.table");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      ApiClient.Response r = api.post("/api/v1/tasks", template.formatted(source, mysql, table, search, c.getKey()));
      assertEquals(400, r.status(), c.getKey() + " -> " + r.text());
      assertTrue(r.body().get("field").asText().contains(c.getValue()), c.getKey() + " -> " + r.text());
    }
    ApiClient.Response noHosts = api.post("/api/v1/data-sources", "{\"name\":\"x\",\"kind\":\"ELASTICSEARCH\"}");
    assertEquals(400, noHosts.status());
    assertEquals("hosts", noHosts.body().get("field").asText());
  }

  @Test
  void theApiKeyIsNeverReturned() throws Exception {
    ApiClient.Response created = api.create("/api/v1/data-sources", "{\"name\":\"keyed\",\"kind\":\"ELASTICSEARCH\",\"hosts\":[\""
        + SearchIndex.URL + "\"],\"apiKey\":\"" + API_KEY + "\"}");
    String id = created.id();
    assertTrue(created.body().get("apiKeySet").asBoolean());
    ApiClient.Response renamed = api.put("/api/v1/data-sources/" + id, "{\"name\":\"keyed2\",\"kind\":\"ELASTICSEARCH\",\"hosts\":[\""
        + SearchIndex.URL + "\"]}");
    assertEquals(200, renamed.status(), renamed.text());
    assertTrue(renamed.body().get("apiKeySet").asBoolean(), "a PUT without apiKey keeps the stored one");
    ApiClient.Response tested = api.post("/api/v1/data-sources/" + id + "/test", "{}");
    assertEquals(200, tested.status(), tested.text());
    for (ApiClient.Response r : List.of(created, renamed, api.get("/api/v1/data-sources/" + id), api.get("/api/v1/data-sources"), tested)) {
      assertFalse(r.text().contains(API_KEY), r.text());
      assertFalse(r.text().contains("apiKey\""), r.text());
    }
    ApiClient.Response both = api.post("/api/v1/data-sources", "{\"name\":\"x\",\"kind\":\"ELASTICSEARCH\",\"hosts\":[\""
        + SearchIndex.URL + "\"],\"user\":\"elastic\",\"password\":\"pw\",\"apiKey\":\"" + API_KEY + "\"}");
    assertEquals(400, both.status());
    assertEquals("apiKey", both.body().get("field").asText());
    assertFalse(both.text().contains(API_KEY));
  }
}
