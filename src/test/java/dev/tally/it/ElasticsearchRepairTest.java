package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.model.Json;
import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * applyRepair on an Elasticsearch copy, against the real OpenSearch of scripts/infra/opensearch.sh: Tally writes the
 * suggested repair (a partial update of a stale document, the whole document where it is missing), re-checks, and
 * the original result shows what was applied and a PASS re-check.
 */
class ElasticsearchRepairTest {
  private static final String SECRET = "a-callback-secret-of-some-length";
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  static TallyInProcess tally;
  static Services services;
  static SearchIndex index;
  static Vertx endpointVertx;
  static HttpServer endpoint;
  static String table;
  static String task;
  static String source;

  @BeforeAll
  static void setUp() throws Exception {
    tally = new TallyInProcess();
    services = new Services(tally.vertx);
    table = services.prefix + "_catalog";
    services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20), price DECIMAL(10,2))");
    index = new SearchIndex("tally-repair", "{\"properties\":{\"status\":{\"type\":\"keyword\"},\"price\":{\"type\":\"double\"},"
        + "\"title\":{\"type\":\"keyword\"}}}");
    // the user's endpoint only takes note: Tally applies the repair itself
    endpointVertx = Vertx.vertx();
    endpoint = StoreFixture.await(endpointVertx.createHttpServer().requestHandler(req -> req.body()
        .onSuccess(b -> req.response().setStatusCode(200).end())).listen(0, "127.0.0.1"));
    ApiClient api = tally.api;
    String db = api.create("/api/v1/data-sources",
        "{\"name\":\"db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"database\":\"test\",\"user\":\"root\"}").id();
    String search = api.create("/api/v1/data-sources", "{\"name\":\"search\",\"kind\":\"ELASTICSEARCH\",\"hosts\":[\""
        + SearchIndex.URL + "\"]}").id();
    source = api.create("/api/v1/event-sources", "{\"name\":\"catalog\",\"kind\":\"API\"}").id();
    task = api.create("/api/v1/tasks", """
        {"name": "catalog", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["status", "price"]},
         "right": {"dataSourceId": "%s", "index": "%s", "id": "#{id}", "fields": ["status", "price"]},
         "compare": [{"left": "status", "right": "status"}, {"left": "price", "right": "price", "comparator": "DECIMAL"}],
         "callback": {"url": "http://127.0.0.1:%d/told", "secret": "%s", "applyRepair": true}}
        """.formatted(source, db, table, search, index.name, endpoint.actualPort(), SECRET)).id();
  }

  @AfterAll
  static void tearDown() throws Exception {
    services.sql("DROP TABLE IF EXISTS " + table);
    services.close();
    index.close();
    tally.close();
    StoreFixture.await(endpointVertx.close());
  }

  /** Posts the event of row {@code id} and returns its (only) FAIL result once it has its re-check. */
  private static JsonNode repaired(long id) throws Exception {
    assertEquals(202, tally.api.post("/api/v1/events/" + source, "{\"id\":\"ev-" + id + "\",\"op\":\"U\",\"data\":{\"id\":" + id + "}}").status());
    JsonNode page = tally.api.await("/api/v1/results?taskId=" + task + "&status=FAIL",
        p -> p.get("items").findValues("eventId").stream().anyMatch(e -> e.asText().equals("ev-" + id)), DEADLINE);
    String resultId = null;
    for (JsonNode r : page.get("items")) if (r.get("eventId").asText().equals("ev-" + id)) resultId = r.get("id").asText();
    return tally.api.await("/api/v1/results/" + resultId, r -> r.has("recheck"), DEADLINE);
  }

  @Test
  void aStaleDocumentIsUpdatedInPlaceAndTheRecheckPasses() throws Exception {
    services.sql("INSERT INTO " + table + " VALUES (1, 'PAID', 12.50)");
    index.put("1", "{\"status\":\"NEW\",\"price\":12.5,\"title\":\"kept\"}");
    JsonNode result = repaired(1);
    assertEquals("PASS", result.at("/recheck/status").asText(), result.toString());
    assertTrue(result.at("/repairs/0/ok").asBoolean(), result.toString());
    Map<?, ?> doc = Json.read(index.source("1"), Map.class);
    assertEquals("PAID", doc.get("status"), doc.toString());
    assertEquals("kept", doc.get("title"), "a partial update keeps the fields the task does not read: " + doc);
  }

  @Test
  void aMissingDocumentIsIndexedAndTheRecheckPasses() throws Exception {
    services.sql("INSERT INTO " + table + " VALUES (2, 'SHIPPED', 99.90)");
    JsonNode result = repaired(2);
    assertEquals("PASS", result.at("/recheck/status").asText(), result.toString());
    assertTrue(result.at("/repairs/0/ok").asBoolean(), result.toString());
    Map<?, ?> doc = Json.read(index.source("2"), Map.class);
    assertEquals("SHIPPED", doc.get("status"), doc.toString());
  }
}
