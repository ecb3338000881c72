package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/data-sources/{id}/catalog} against the machine's MariaDB, PostgreSQL, Redis and the OpenSearch
 * of scripts/infra/opensearch.sh: what the task form offers for a side's table, key or index and its fields.
 */
class CatalogTest {
  static TallyInProcess tally;
  static Services services;
  static ApiClient api;
  static SearchIndex index;
  static String p;
  static final int MANY = 150;
  /**
   * A Redis database of this test's own: SCAN makes a bounded number of round trips, so in the database every other
   * test fills it would stop before it reached these keys.
   */
  static final int REDIS_DB = 11;
  static Services keys;

  @BeforeAll
  static void setUp() throws Exception {
    tally = new TallyInProcess();
    api = tally.api;
    services = new Services(tally.vertx);
    keys = new Services(tally.vertx, REDIS_DB);
    p = services.prefix;
    services.sql("CREATE TABLE " + p + "_orders (id BIGINT PRIMARY KEY, amount DECIMAL(12,2), status VARCHAR(20))",
        "CREATE TABLE " + p + "_lines (order_id BIGINT, sku VARCHAR(20))");
    services.pgSql("CREATE TABLE " + p + "_ledger (id bigint PRIMARY KEY, amount numeric(12,2), booked_at timestamptz)",
        "CREATE TABLE " + p + "_other (x int)");
    index = new SearchIndex("tally-catalog", "{\"properties\":{\"status\":{\"type\":\"keyword\"},"
        + "\"customer\":{\"properties\":{\"name\":{\"type\":\"text\"},\"id\":{\"type\":\"long\"}}}}}");
  }

  @AfterAll
  static void tearDown() throws Exception {
    services.sql("DROP TABLE IF EXISTS " + p + "_orders", "DROP TABLE IF EXISTS " + p + "_lines");
    services.pgSql("DROP TABLE IF EXISTS " + p + "_ledger", "DROP TABLE IF EXISTS " + p + "_other");
    List<String> del = new ArrayList<>(List.of("DEL", p + ":order:1", p + ":order:2", p + ":a*b", p + ":axb"));
    for (int i = 0; i < MANY; i++) del.add(p + ":many:" + i);
    keys.redis(del.toArray(String[]::new));
    keys.close();
    services.close();
    index.close();
    tally.close();
  }

  private static JsonNode catalog(String id, String query) throws Exception {
    ApiClient.Response r = api.get("/api/v1/data-sources/" + id + "/catalog" + query);
    assertEquals(200, r.status(), r.text());
    return r.body();
  }

  private static Map<String, String> entries(JsonNode list) {
    Map<String, String> out = new LinkedHashMap<>();
    list.forEach(e -> out.put(e.get("name").asText(), e.has("type") ? e.get("type").asText() : null));
    return out;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void mysqlListsTablesAndTheColumnsOfOne() throws Exception {
    String id = api.createLocalMysqlSource("catalog mysql");
    JsonNode all = catalog(id, "");
    assertEquals("MYSQL", all.get("kind").asText());
    assertTrue(entries(all.get("tables")).containsKey(p + "_orders"), all.toString());
    assertFalse(all.has("columns"), all.toString());

    JsonNode mine = catalog(id, "?prefix=" + p + "&table=" + p + "_orders");
    assertEquals(List.of(p + "_lines", p + "_orders"), new ArrayList<>(entries(mine.get("tables")).keySet()));
    assertEquals("base table", entries(mine.get("tables")).get(p + "_orders").toLowerCase());
    Map<String, String> columns = entries(mine.get("columns"));
    assertEquals(List.of("id", "amount", "status"), new ArrayList<>(columns.keySet()), "in table order");
    assertTrue(columns.get("id").startsWith("bigint"), columns.toString());
    assertEquals("decimal(12,2)", columns.get("amount"));
    assertEquals("varchar(20)", columns.get("status"));
    assertFalse(mine.get("truncated").asBoolean());

    JsonNode missing = catalog(id, "?table=" + p + "_nope");
    assertTrue(missing.get("error").asText().contains("not found"), missing.toString());

    ApiClient.Response bad = api.get("/api/v1/data-sources/" + id + "/catalog?table=" + enc("x; DROP TABLE y"));
    assertEquals(400, bad.status(), bad.text());
    assertEquals("table", bad.body().get("field").asText());
    ApiClient.Response longPrefix = api.get("/api/v1/data-sources/" + id + "/catalog?prefix=" + "x".repeat(300));
    assertEquals(400, longPrefix.status(), longPrefix.text());
    assertEquals("prefix", longPrefix.body().get("field").asText());
  }

  @Test
  void postgresListsTheCurrentSchema() throws Exception {
    String id = api.create("/api/v1/data-sources", "{\"name\":\"catalog pg\",\"kind\":\"POSTGRES\",\"host\":\"127.0.0.1\","
        + "\"port\":5432,\"database\":\"test\",\"user\":\"postgres\",\"password\":\"\"}").id();
    JsonNode c = catalog(id, "?prefix=" + p + "&table=" + p + "_ledger");
    assertEquals("POSTGRES", c.get("kind").asText());
    assertEquals(List.of(p + "_ledger", p + "_other"), new ArrayList<>(entries(c.get("tables")).keySet()));
    assertEquals(Map.of("id", "int8", "amount", "numeric", "booked_at", "timestamptz"), entries(c.get("columns")));
    assertEquals(List.of("id", "amount", "booked_at"), new ArrayList<>(entries(c.get("columns")).keySet()));
  }

  @Test
  void redisListsKeysUnderThePrefixWithTheirTypes() throws Exception {
    keys.redis("SET", p + ":order:1", "{}");
    keys.redis("HSET", p + ":order:2", "status", "PAID");
    keys.redis("SET", p + ":a*b", "1");
    keys.redis("SET", p + ":axb", "1");
    String id = api.create("/api/v1/data-sources", "{\"name\":\"catalog redis\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\","
        + "\"port\":6379,\"redisDb\":" + REDIS_DB + ",\"keyPrefix\":\"" + p + ":\"}").id();

    JsonNode orders = catalog(id, "?prefix=order:");
    assertEquals("REDIS", orders.get("kind").asText());
    assertEquals(Map.of("order:1", "string", "order:2", "hash"), entries(orders.get("keys")), "names without the keyPrefix");
    assertFalse(orders.get("truncated").asBoolean());

    // the prefix is a literal: * matches only a star
    assertEquals(Map.of("a*b", "string"), entries(catalog(id, "?prefix=" + enc("a*")).get("keys")));
  }

  @Test
  void redisStopsAtOneHundredKeys() throws Exception {
    String[] mset = new String[1 + 2 * MANY];
    mset[0] = "MSET";
    for (int i = 0; i < MANY; i++) {
      mset[1 + 2 * i] = p + ":many:" + i;
      mset[2 + 2 * i] = "v";
    }
    keys.redis(mset);
    String id = api.create("/api/v1/data-sources", "{\"name\":\"catalog redis many\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\","
        + "\"port\":6379,\"redisDb\":" + REDIS_DB + "}").id();
    JsonNode c = catalog(id, "?prefix=" + enc(p + ":many:"));
    assertEquals(100, c.get("keys").size(), c.toString());
    assertTrue(c.get("truncated").asBoolean());
    c.get("keys").forEach(k -> assertTrue(k.get("name").asText().startsWith(p + ":many:"), k.toString()));
  }

  @Test
  void elasticsearchListsIndicesAndTheFieldsOfOne() throws Exception {
    String id = api.create("/api/v1/data-sources", "{\"name\":\"catalog search\",\"kind\":\"ELASTICSEARCH\",\"hosts\":[\""
        + SearchIndex.URL + "\"]}").id();
    JsonNode c = catalog(id, "?index=" + index.name);
    assertEquals("ELASTICSEARCH", c.get("kind").asText());
    Map<String, String> indices = entries(c.get("indices"));
    assertTrue(indices.containsKey(index.name), c.toString());
    indices.keySet().forEach(name -> assertFalse(name.startsWith("."), name));
    assertEquals(Map.of("customer.id", "long", "customer.name", "text", "status", "keyword"), entries(c.get("fields")));

    JsonNode missing = catalog(id, "?index=" + index.name + "-nope");
    assertTrue(missing.get("error").asText().contains("404"), missing.toString());
  }

  @Test
  void httpCannotListAnything() throws Exception {
    String id = api.create("/api/v1/data-sources", "{\"name\":\"catalog http\",\"kind\":\"HTTP\",\"baseUrl\":\"http://127.0.0.1:1\"}").id();
    JsonNode c = catalog(id, "");
    assertFalse(c.get("supported").asBoolean(), c.toString());
    assertTrue(c.get("reason").asText().contains("cannot list"), c.toString());
  }

  @Test
  void anUnreachableSourceAnswersAnErrorWithoutItsPassword() throws Exception {
    String id = api.create("/api/v1/data-sources", "{\"name\":\"catalog down\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\","
        + "\"port\":1,\"database\":\"test\",\"user\":\"root\",\"password\":\"s3cret-catalog-pw\",\"timeoutMs\":2000}").id();
    JsonNode c = catalog(id, "");
    assertTrue(c.has("error"), c.toString());
    assertFalse(c.toString().contains("s3cret-catalog-pw"), c.toString());
    assertEquals(404, api.get("/api/v1/data-sources/nope-" + p + "/catalog").status());
  }
}
