package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * A PostgreSQL ledger against its MySQL twin through the REST API, as a user would set it up: single rows
 * (numeric(12,2) vs DECIMAL, timestamptz vs DATETIME) and list sides (the lines of an order).
 */
class PostgresPipelineTest {
  static TallyInProcess tally;
  static Services services;
  static ApiClient api;
  static String mysql;
  static String postgres;

  @BeforeAll
  static void setUp() throws Exception {
    tally = new TallyInProcess();
    api = tally.api;
    services = new Services(tally.vertx);
    String p = services.prefix;
    services.sql("CREATE TABLE " + p + "_ledger (id BIGINT PRIMARY KEY, amount DECIMAL(12,2), booked_at DATETIME, status VARCHAR(20))",
        "INSERT INTO " + p + "_ledger VALUES (1, 12.50, '2026-01-02 03:04:05', 'BOOKED'), (2, 99.00, '2026-01-02 03:04:05', 'BOOKED'),"
            + " (3, 5.00, '2026-01-02 03:04:05', 'BOOKED')",
        "CREATE TABLE " + p + "_lines (order_id BIGINT, line_no INT, sku VARCHAR(20), qty INT, price DECIMAL(10,2),"
            + " PRIMARY KEY (order_id, line_no))",
        "INSERT INTO " + p + "_lines VALUES (7, 1, 'A', 1, 2.50), (7, 2, 'B', 2, 1.00), (7, 3, 'C', 1, 9.00),"
            + " (8, 1, 'A', 1, 2.50)");
    services.pgSql("CREATE TABLE " + p + "_ledger (id bigint PRIMARY KEY, amount numeric(12,2), booked_at timestamptz, status text)",
        // 05:04:05+02 is 03:04:05 UTC: the same instant as MySQL's DATETIME read in UTC
        "INSERT INTO " + p + "_ledger VALUES (1, 12.50, '2026-01-02 05:04:05+02', 'BOOKED'), (2, 99.01, '2026-01-02 03:04:05+00', 'BOOKED'),"
            + " (3, 5.00, '2026-01-02 03:04:06+00', 'BOOKED')",
        "CREATE TABLE " + p + "_lines (order_id bigint, no int, sku text, qty int, unit_price numeric(10,2), PRIMARY KEY (order_id, no))",
        "INSERT INTO " + p + "_lines VALUES (7, 1, 'A', 1, 2.5), (7, 2, 'B', 3, 1.00), (7, 4, 'D', 1, 5.00), (8, 1, 'A', 1, 2.50)");
    mysql = api.create("/api/v1/data-sources", "{\"name\":\"mysql ledger\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"port\":3306,"
        + "\"database\":\"test\",\"user\":\"root\",\"password\":\"\"}").id();
    postgres = api.create("/api/v1/data-sources", "{\"name\":\"pg ledger\",\"kind\":\"POSTGRES\",\"host\":\"127.0.0.1\",\"port\":5432,"
        + "\"database\":\"test\",\"user\":\"postgres\",\"password\":\"\"}").id();
  }

  @AfterAll
  static void tearDown() throws Exception {
    String p = services.prefix;
    services.sql("DROP TABLE IF EXISTS " + p + "_ledger", "DROP TABLE IF EXISTS " + p + "_lines");
    services.pgSql("DROP TABLE IF EXISTS " + p + "_ledger", "DROP TABLE IF EXISTS " + p + "_lines");
    services.close();
    tally.close();
  }

  static String eventSource(String name) throws Exception {
    return api.create("/api/v1/event-sources", "{\"name\":\"" + name + "\",\"kind\":\"API\"}").id();
  }

  /** Posts the events and waits for one final result per event; the results by entity key. */
  static Map<String, JsonNode> check(String source, String task, String events, int count) throws Exception {
    ApiClient.Response posted = api.post("/api/v1/events/" + source, events);
    assertEquals(202, posted.status(), posted.text());
    api.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= count, Duration.ofSeconds(20));
    Map<String, JsonNode> byKey = new HashMap<>();
    for (JsonNode r : api.get("/api/v1/results?taskId=" + task + "&limit=100").body().get("items")) {
      byKey.put(r.get("entityKey").asText(), r);
    }
    return byKey;
  }

  static List<String> diffs(JsonNode result) {
    List<String> out = new ArrayList<>();
    result.get("diffs").forEach(d -> out.add(d.get("kind").asText() + ":" + d.path("field").asText()
        + (d.hasNonNull("side") ? "@" + d.get("side").asText() : "")));
    return out;
  }

  @Test
  void thePostgresDataSourcePassesItsConnectionTest() throws Exception {
    JsonNode tested = api.post("/api/v1/data-sources/" + postgres + "/test", "").body();
    assertTrue(tested.get("ok").asBoolean(), tested.toString());
  }

  @Test
  void aLedgerInPostgresAgreesWithItsMySqlTwinUnlessAValueDiffers() throws Exception {
    String source = eventSource("ledger");
    String task = api.create("/api/v1/tasks", """
        {"name": "ledger", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "%s_ledger", "where": "id = #{id}", "fields": ["amount", "booked_at", "status"]},
         "right": {"dataSourceId": "%s", "table": "%s_ledger", "where": "id = #{id}", "fields": ["amount", "booked_at", "status"]},
         "compare": [{"left": "amount", "comparator": "DECIMAL"},
                     {"left": "booked_at", "comparator": "DATETIME", "zone": "UTC"},
                     {"left": "status"}]}
        """.formatted(source, postgres, services.prefix, mysql, services.prefix)).id();
    Map<String, JsonNode> results = check(source, task,
        "[{\"op\":\"UPDATE\",\"data\":{\"id\":1}},{\"op\":\"UPDATE\",\"data\":{\"id\":2}},{\"op\":\"UPDATE\",\"data\":{\"id\":3}}]", 3);
    JsonNode stats = api.get("/api/v1/tasks/" + task + "/stats?bucket=day").body();
    assertEquals(1, stats.get("pass").asInt(), "numeric(12,2) = DECIMAL and timestamptz = DATETIME for row 1: " + results);
    assertEquals(2, stats.get("fail").asInt());
    assertEquals(List.of("mismatch:amount"), diffs(results.get("2")));
    assertEquals(List.of("mismatch:booked_at"), diffs(results.get("3")));
    JsonNode detail = api.get("/api/v1/results/" + results.get("2").get("id").asText()).body();
    assertEquals("99.01", detail.at("/left/values/amount").asText());
    assertEquals("2026-01-02T03:04:05Z", detail.at("/left/values/booked_at").asText());
    assertTrue(detail.at("/left/query").asText().contains("WHERE (\"id\" = $1)"), detail.toString());
  }

  @Test
  void theLinesOfAnOrderAreComparedRowByRow() throws Exception {
    String source = eventSource("order lines");
    String task = api.create("/api/v1/tasks", """
        {"name": "order lines", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "%s_lines", "where": "order_id = #{id}", "fields": ["sku", "qty", "price"],
                   "list": true, "rowKey": "line_no"},
         "right": {"dataSourceId": "%s", "table": "%s_lines", "where": "order_id = #{id}", "fields": ["no", "sku", "qty", "unit_price"],
                   "list": true, "rowKey": "no"},
         "compare": [{"left": "sku"}, {"left": "qty", "comparator": "NUMBER"},
                     {"left": "price", "right": "unit_price", "comparator": "DECIMAL"}]}
        """.formatted(source, mysql, services.prefix, postgres, services.prefix)).id();
    Map<String, JsonNode> results = check(source, task, "[{\"op\":\"UPDATE\",\"data\":{\"id\":7}},{\"op\":\"UPDATE\",\"data\":{\"id\":8}}]", 2);
    JsonNode stats = api.get("/api/v1/tasks/" + task + "/stats?bucket=day").body();
    assertEquals(1, stats.get("pass").asInt(), "order 8 has the same line on both sides: " + results);
    assertEquals(List.of("mismatch:[2].qty", "missing:[3]@right", "missing:[4]@left"), diffs(results.get("7")));
    JsonNode detail = api.get("/api/v1/results/" + results.get("7").get("id").asText()).body();
    assertEquals(3, detail.at("/left/rows").size(), detail.toString());
    assertEquals(3, detail.at("/right/rows").size());
  }

  @Test
  void badPostgresAndListSettingsAreRefusedNamingTheField() throws Exception {
    ApiClient.Response noCa = api.post("/api/v1/data-sources", "{\"name\":\"x\",\"kind\":\"POSTGRES\",\"host\":\"127.0.0.1\","
        + "\"database\":\"test\",\"user\":\"postgres\",\"tls\":true,\"tlsCaFile\":\"/no/such/ca.pem\"}");
    assertEquals(400, noCa.status(), noCa.text());
    assertEquals("tlsCaFile", noCa.body().get("field").asText());
    String source = eventSource("half list");
    ApiClient.Response halfList = api.post("/api/v1/tasks", """
        {"name": "half", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "t", "where": "order_id = #{id}", "fields": ["sku"], "list": true, "rowKey": "line_no"},
         "right": {"dataSourceId": "%s", "table": "t", "where": "id = #{id}", "fields": ["sku"]},
         "compare": [{"left": "sku"}]}
        """.formatted(source, mysql, postgres));
    assertEquals(400, halfList.status(), halfList.text());
    assertEquals("right.list", halfList.body().get("field").asText());
    ApiClient.Response dollar = api.post("/api/v1/tasks", """
        {"name": "dollar", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "t", "where": "id = $1", "fields": ["sku"]},
         "right": {"dataSourceId": "%s", "table": "t", "where": "id = #{id}", "fields": ["sku"]},
         "compare": [{"left": "sku"}]}
        """.formatted(source, postgres, mysql));
    assertEquals(400, dollar.status(), dollar.text());
    assertEquals("left.where", dollar.body().get("field").asText());
  }
}
