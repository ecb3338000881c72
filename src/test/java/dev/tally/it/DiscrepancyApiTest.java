package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Discrepancies through the REST API, made by the real pipeline: a MariaDB row checked against its Redis copy,
 * the copy broken and mended between events.
 */
class DiscrepancyApiTest {
  static TallyInProcess tally;
  static Services services;
  static ApiClient api;
  static String table;
  static String source;
  static String task;

  @BeforeAll
  static void setUp() throws Exception {
    tally = new TallyInProcess();
    api = tally.api;
    services = new Services(tally.vertx);
    table = services.prefix + "_accounts";
    services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20))");
    String mysql = api.create("/api/v1/data-sources", "{\"name\":\"db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\","
        + "\"port\":3306,\"database\":\"test\",\"user\":\"root\",\"password\":\"\"}").id();
    String redis = api.create("/api/v1/data-sources", "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\",\"port\":6379}").id();
    source = api.create("/api/v1/event-sources", "{\"name\":\"accounts\",\"kind\":\"API\"}").id();
    task = api.create("/api/v1/tasks", """
        {"name": "accounts", "eventSourceId": "%s", "type": "CONFIG",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["id", "status"]},
         "right": {"dataSourceId": "%s", "key": "%s:account:#{id}", "valueType": "JSON"},
         "compare": [{"left": "status", "right": "status"}]}
        """.formatted(source, mysql, table, redis, services.prefix)).id();
  }

  @AfterAll
  static void tearDown() throws Exception {
    services.sql("DROP TABLE IF EXISTS " + table);
    services.close();
    tally.close();
  }

  /** Sets the row and its copy, sends one event for it and waits until the task has {@code total} verdicts. */
  static void check(long id, String status, String copied, int total) throws Exception {
    services.sql("REPLACE INTO " + table + " (id, status) VALUES (" + id + ", '" + status + "')");
    services.redis("SET", services.prefix + ":account:" + id, "{\"id\":" + id + ",\"status\":\"" + copied + "\"}");
    ApiClient.Response r = api.post("/api/v1/events/" + source, "{\"op\":\"UPDATE\",\"data\":{\"id\":" + id + "}}");
    assertEquals(202, r.status(), r.text());
    api.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= total, Duration.ofSeconds(20));
  }

  static JsonNode items(String query) throws Exception {
    ApiClient.Response r = api.get("/api/v1/discrepancies?" + query);
    assertEquals(200, r.status(), r.text());
    return r.body().get("items");
  }

  static List<String> keys(JsonNode items) {
    List<String> keys = new ArrayList<>();
    items.forEach(d -> keys.add(d.get("entityKey").asText()));
    return keys;
  }

  static void assertBadRequest(ApiClient.Response r, String field) {
    assertEquals(400, r.status(), r.text());
    assertEquals(field, r.body().path("field").asText(), r.text());
  }

  @Test
  void failFailPassIsOneClosedDiscrepancyAndTriageKeepsItsHistory() throws Exception {
    check(1, "ACTIVE", "LOCKED", 1);
    check(1, "ACTIVE", "LOCKED", 2);
    check(1, "ACTIVE", "ACTIVE", 3);
    check(2, "ACTIVE", "LOCKED", 4);
    check(3, "ACTIVE", "CLOSED", 5);

    JsonNode ofOne = items("taskId=" + task + "&key=1");
    assertEquals(1, ofOne.size(), ofOne.toString());
    JsonNode one = ofOne.get(0);
    assertEquals("resolved", one.get("state").asText());
    assertEquals(2, one.get("failCount").asInt());
    assertTrue(one.get("durationMs").asLong() > 0, one.toString());
    assertEquals(one.get("closedAt").asLong() - one.get("openedAt").asLong(), one.get("durationMs").asLong());
    assertTrue(one.get("comment").isNull(), "absent values are null, not missing: " + one);

    JsonNode detail = api.get("/api/v1/discrepancies/" + one.get("id").asText()).body();
    assertEquals(2, detail.get("resultIds").size(), detail.toString());
    assertEquals(one.get("lastResultId").asText(), detail.at("/resultIds/0").asText(), "newest first");
    JsonNode failResult = api.get("/api/v1/results/" + detail.at("/resultIds/1").asText()).body();
    assertEquals("FAIL", failResult.get("status").asText());
    assertEquals(List.of("open", "resolved"), List.of(detail.at("/history/0/state").asText(), detail.at("/history/1/state").asText()));
    assertTrue(detail.at("/history/1/comment").asText().startsWith("closed by PASS "), detail.toString());

    // triage of an open one, with a comment
    String two = items("taskId=" + task + "&key=2").get(0).get("id").asText();
    ApiClient.Response triaged = api.put("/api/v1/discrepancies/" + two + "/triage",
        "{\"state\":\"acknowledged\",\"comment\":\"cache rebuild at 3am\"}");
    assertEquals(200, triaged.status(), triaged.text());
    assertEquals("acknowledged", triaged.body().get("state").asText());
    assertEquals("cache rebuild at 3am", triaged.body().get("comment").asText());
    assertTrue(triaged.body().get("closedAt").isNull());
    JsonNode twoDetail = api.get("/api/v1/discrepancies/" + two).body();
    assertTrue(twoDetail.get("closedAt").isNull() && twoDetail.get("durationMs").isNull(), twoDetail.toString());
    assertEquals("acknowledged", twoDetail.get("state").asText());
    JsonNode history = twoDetail.get("history");
    assertEquals(2, history.size(), history.toString());
    assertEquals("acknowledged", history.get(1).get("state").asText());
    assertEquals("cache rebuild at 3am", history.get(1).get("comment").asText());

    // filters: state, key, time, and paging newest first
    assertEquals(List.of("2"), keys(items("taskId=" + task + "&state=acknowledged")));
    assertEquals(List.of("1"), keys(items("taskId=" + task + "&state=RESOLVED")));
    assertEquals(List.of("3"), keys(items("taskId=" + task + "&state=open")));
    assertEquals(List.of(), keys(items("taskId=nosuchtask")));
    JsonNode all = items("taskId=" + task);
    assertEquals(List.of("3", "2", "1"), keys(all));
    long openedTwo = all.get(1).get("openedAt").asLong();
    long openedThree = all.get(0).get("openedAt").asLong();
    assertEquals(List.of("3", "2"), keys(items("taskId=" + task + "&from=" + openedTwo)));
    assertEquals(List.of("2", "1"), keys(items("taskId=" + task + "&to=" + openedThree)));
    assertEquals(List.of("2"), keys(items("taskId=" + task + "&from=" + java.time.Instant.ofEpochMilli(openedTwo)
        + "&to=" + openedThree)));
    JsonNode page = api.get("/api/v1/discrepancies?taskId=" + task + "&limit=2").body();
    assertEquals(List.of("3", "2"), keys(page.get("items")));
    JsonNode rest = api.get("/api/v1/discrepancies?taskId=" + task + "&limit=2&cursor=" + page.get("nextCursor").asText()).body();
    assertEquals(List.of("1"), keys(rest.get("items")));
    assertTrue(rest.get("nextCursor").isNull());

    // a closed one takes a comment as resolved, but is not reopened
    assertEquals(409, api.put("/api/v1/discrepancies/" + one.get("id").asText() + "/triage", "{\"state\":\"open\"}").status());
  }

  @Test
  void badQueriesAndTriagesAreRefusedNamingTheField() throws Exception {
    assertBadRequest(api.get("/api/v1/discrepancies?state=closed"), "state");
    assertBadRequest(api.get("/api/v1/discrepancies?from=yesterday"), "from");
    assertBadRequest(api.get("/api/v1/discrepancies?to=2026-13-01"), "to");
    assertBadRequest(api.get("/api/v1/discrepancies?limit=0"), "limit");
    assertBadRequest(api.get("/api/v1/discrepancies?limit=501"), "limit");
    assertBadRequest(api.get("/api/v1/discrepancies?limit=ten"), "limit");
    assertEquals(404, api.get("/api/v1/discrepancies/nosuchid").status());
    assertEquals(404, api.put("/api/v1/discrepancies/nosuchid/triage", "{\"state\":\"ignored\"}").status());
    assertBadRequest(api.put("/api/v1/discrepancies/nosuchid/triage", "{\"state\":\"done\"}"), "state");
    assertBadRequest(api.put("/api/v1/discrepancies/nosuchid/triage", "{\"comment\":\"no state\"}"), "state");
    assertBadRequest(api.put("/api/v1/discrepancies/nosuchid/triage", "{\"state\":\"open\",\"by\":\"me\"}"), "by");
    assertBadRequest(api.put("/api/v1/discrepancies/nosuchid/triage",
        "{\"state\":\"open\",\"comment\":\"" + "x".repeat(2001) + "\"}"), "comment");
  }
}
