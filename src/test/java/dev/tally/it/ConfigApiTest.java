package dev.tally.it;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Configuration over the REST API, with MariaDB as Tally's own store (store.kind=mysql). */
class ConfigApiTest {
  static TallyInProcess tally;
  static ApiClient api;
  static Services services;

  @BeforeAll
  static void setUp() throws Exception {
    // a fresh database for the store, created by Tally itself
    Vertx admin = Vertx.vertx();
    var cfg = StoreFixture.mysql("tally_it_config");
    await(StoreFixture.open(admin, cfg).close());
    await(admin.close());
    tally = new TallyInProcess(cfg);
    api = tally.api;
    services = new Services(tally.vertx);
  }

  @AfterAll
  static void tearDown() throws Exception {
    services.close();
    tally.close();
  }

  @Test
  void httpDataSourceHeaderValuesAreWriteOnly() throws Exception {
    JsonNode created = api.create("/api/v1/data-sources", "{\"id\":\"partner1\",\"name\":\"partner\",\"kind\":\"HTTP\","
        + "\"baseUrl\":\"http://127.0.0.1:9\",\"headers\":{\"Authorization\":\"Bearer s3cret-t0ken\"}}").body();
    assertEquals("******", created.at("/headers/Authorization").asText());
    // sent back as shown, the stored value is kept; a masked value with nothing stored is refused
    ApiClient.Response kept = api.put("/api/v1/data-sources/partner1", "{\"name\":\"partner\",\"kind\":\"HTTP\","
        + "\"baseUrl\":\"http://127.0.0.1:9\",\"headers\":{\"Authorization\":\"******\"}}");
    assertEquals(200, kept.status(), kept.text());
    ApiClient.Response unknown = api.put("/api/v1/data-sources/partner1", "{\"name\":\"partner\",\"kind\":\"HTTP\","
        + "\"baseUrl\":\"http://127.0.0.1:9\",\"headers\":{\"X-Other\":\"******\"}}");
    assertEquals(400, unknown.status(), unknown.text());
    assertEquals("headers.X-Other", unknown.body().get("field").asText());
    String all = api.get("/api/v1/data-sources").text() + api.get("/api/v1/data-sources/partner1").text();
    assertFalse(all.contains("s3cret-t0ken"), all);
    assertEquals(204, api.delete("/api/v1/data-sources/partner1").status());
  }

  @Test
  void dataSourcesKeepTheirPasswordWriteOnly() throws Exception {
    JsonNode created = api.create("/api/v1/data-sources", "{\"id\":\"db1\",\"name\":\"db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\","
        + "\"database\":\"test\",\"user\":\"reader\",\"password\":\"pa55-word\"}").body();
    assertFalse(created.has("password"));
    assertTrue(created.get("passwordSet").asBoolean());
    assertEquals(409, api.post("/api/v1/data-sources", "{\"id\":\"db1\",\"name\":\"again\",\"kind\":\"REDIS\",\"host\":\"h\"}").status());

    // PUT without a password keeps the stored one; the name changes
    ApiClient.Response updated = api.put("/api/v1/data-sources/db1", "{\"name\":\"renamed\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\","
        + "\"database\":\"test\",\"user\":\"reader\"}");
    assertEquals(200, updated.status(), updated.text());
    assertEquals("renamed", updated.body().get("name").asText());
    assertTrue(updated.body().get("passwordSet").asBoolean());
    assertEquals(created.get("createdAt").asLong(), updated.body().get("createdAt").asLong());

    JsonNode list = api.get("/api/v1/data-sources").body();
    assertTrue(list.get("items").size() >= 1);
    assertFalse(list.toString().contains("pa55-word"));
    assertEquals(204, api.delete("/api/v1/data-sources/db1").status());
    assertEquals(404, api.get("/api/v1/data-sources/db1").status());
  }

  @Test
  void validationNamesTheField() throws Exception {
    JsonNode noHost = api.post("/api/v1/data-sources", "{\"name\":\"x\",\"kind\":\"MYSQL\",\"database\":\"d\",\"user\":\"u\"}").body();
    assertEquals("host", noHost.get("field").asText());
    JsonNode badKind = api.post("/api/v1/data-sources", "{\"name\":\"x\",\"kind\":\"ORACLE\"}").body();
    assertEquals("kind", badKind.get("field").asText());
    JsonNode badUrl = api.post("/api/v1/data-sources", "{\"name\":\"x\",\"kind\":\"HTTP\",\"baseUrl\":\"ftp://x\"}").body();
    assertEquals("baseUrl", badUrl.get("field").asText());
    JsonNode unknown = api.post("/api/v1/event-sources", "{\"name\":\"x\",\"kind\":\"API\",\"colour\":\"red\"}").body();
    assertEquals("colour", unknown.get("field").asText());
    JsonNode binlog = api.post("/api/v1/event-sources", "{\"name\":\"x\",\"kind\":\"BINLOG\",\"database\":\"shop\"}").body();
    assertEquals("table", binlog.get("field").asText());
    ApiClient.Response empty = api.post("/api/v1/tasks", "");
    assertEquals(400, empty.status());
    assertTrue(empty.body().has("error"));
  }

  @Test
  void tasksCanBeEditedDisabledAndDeletedAndTheStoreIsMySql() throws Exception {
    String table = services.prefix + "_cfg";
    services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20))",
        "INSERT INTO " + table + " VALUES (1, 'PAID')");
    services.redis("SET", services.prefix + ":cfg:1", "PAID");
    String source = api.create("/api/v1/event-sources", "{\"name\":\"binlog\",\"kind\":\"BINLOG\",\"topic\":\"" + table + "\",\"format\":\"CANAL\",\"database\":\"test\",\"table\":\"" + table + "\"}").id();
    String db = api.create("/api/v1/data-sources", "{\"name\":\"db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"database\":\"test\",\"user\":\"root\"}").id();
    String cache = api.create("/api/v1/data-sources", "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\"}").id();
    String task = api.create("/api/v1/tasks", """
        {"name": "status", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["status"]},
         "right": {"dataSourceId": "%s", "key": "%s:cfg:#{id}", "valueType": "STRING"},
         "compare": [{"left": "status", "right": "$"}]}
        """.formatted(source, db, table, cache, services.prefix)).id();

    assertEquals(202, api.post("/api/v1/events/" + source, "{\"op\":\"UPDATE\",\"data\":{\"id\":1}}").status());
    api.await("/api/v1/tasks/" + task + "/stats?bucket=minute", s -> s.get("pass").asInt() == 1, Duration.ofSeconds(20));

    // disable: events make no jobs
    ObjectNode body = (ObjectNode) api.get("/api/v1/tasks/" + task).body();
    body.put("enabled", false);
    assertEquals(200, api.put("/api/v1/tasks/" + task, body.toString()).status());
    assertEquals(0, api.post("/api/v1/events/" + source, "{\"op\":\"UPDATE\",\"data\":{\"id\":1}}").body().get("jobs").asInt());

    assertEquals(409, api.delete("/api/v1/event-sources/" + source).status(), "it has a task");
    assertEquals(204, api.delete("/api/v1/tasks/" + task).status());
    assertEquals(404, api.get("/api/v1/tasks/" + task).status());
    assertEquals(204, api.delete("/api/v1/event-sources/" + source).status());
    services.sql("DROP TABLE " + table);
  }
}
