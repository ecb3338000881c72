package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.model.Json;
import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * API tasks end to end over the REST API: Tally POSTs each event to the user's endpoint (a small Vert.x server here)
 * and records what it answers; every way the answer can go wrong is an ERROR that says why.
 */
class ApiTaskTest {
  static TallyInProcess tally;
  static ApiClient api;
  static UserEndpoint endpoint;

  /** One request the endpoint received. */
  record Received(String path, String contentType, String token, JsonNode body) {
  }

  /**
   * The user's endpoint. {@code /judge}: even ids PASS, odd ids FAIL on status. {@code /flaky}: FAIL the first time
   * it sees an event, PASS after. {@code /slow}: answers after 3 s. {@code /steady}: PASS after 1.5 s, counting the
   * calls it holds at once. {@code /broken}: 500. {@code /malformed}: HTML.
   */
  static final class UserEndpoint implements AutoCloseable {
    final Vertx vertx = Vertx.vertx();
    final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final HttpServer server;

    UserEndpoint() throws Exception {
      server = StoreFixture.await(vertx.createHttpServer()
          .requestHandler(req -> req.body().onSuccess(body -> answer(req, body.toString())))
          .listen(0, "127.0.0.1"));
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.actualPort() + path;
    }

    private void answer(HttpServerRequest req, String text) {
      JsonNode body;
      try {
        body = Json.MAPPER.readTree(text);
      } catch (Exception e) {
        req.response().setStatusCode(400).end("not JSON");
        return;
      }
      received.add(new Received(req.path(), req.getHeader("Content-Type"), req.getHeader("X-Token"), body));
      long id = body.at("/event/data/id").asLong();
      switch (req.path()) {
        case "/judge" -> json(req, id % 2 == 0 ? pass(id) : fail(id));
        case "/flaky" -> json(req, seen.computeIfAbsent(body.at("/event/id").asText(), k -> new AtomicInteger())
            .getAndIncrement() == 0 ? fail(id) : pass(id));
        case "/slow" -> vertx.setTimer(3000, t -> json(req, pass(id)));
        case "/steady" -> {
          maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          vertx.setTimer(1500, t -> {
            inFlight.decrementAndGet();
            json(req, pass(id));
          });
        }
        case "/broken" -> req.response().setStatusCode(500).end("database down");
        case "/malformed" -> req.response().putHeader("Content-Type", "text/html").end("<html>oops</html>");
        default -> req.response().setStatusCode(404).end();
      }
    }

    private static String pass(long id) {
      return "{\"status\":\"PASS\",\"left\":{\"id\":" + id + ",\"status\":\"PAID\"},\"right\":{\"id\":" + id + ",\"status\":\"PAID\"}}";
    }

    private static String fail(long id) {
      return "{\"status\":\"FAIL\",\"diffs\":[{\"field\":\"status\",\"left\":\"PAID\",\"right\":\"NEW\",\"detail\":\"cache is stale\"}],"
          + "\"left\":{\"id\":" + id + ",\"status\":\"PAID\",\"amount\":12.50},\"right\":{\"id\":" + id + ",\"status\":\"NEW\"}}";
    }

    private static void json(HttpServerRequest req, String body) {
      req.response().putHeader("Content-Type", "application/json").end(body);
    }

    List<Received> at(String path) {
      return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() throws Exception {
      StoreFixture.await(vertx.close());
    }
  }

  @BeforeAll
  static void setUp() throws Exception {
    tally = new TallyInProcess();
    api = tally.api;
    endpoint = new UserEndpoint();
  }

  @AfterAll
  static void tearDown() throws Exception {
    endpoint.close();
    tally.close();
  }

  /** Time enough for an answer on a loaded machine; only /slow is meant to time out. */
  static final String PATIENT = ", \"timeoutMs\": 15000";

  static String[] task(String name, String path, String apiExtra) throws Exception {
    return task(name, path, apiExtra, "{}");
  }

  /** An event source of its own and an API task on it calling {@code path}; returns {taskId, eventSourceId}. */
  static String[] task(String name, String path, String apiExtra, String strategy) throws Exception {
    String source = api.create("/api/v1/event-sources", "{\"name\":\"" + name + "\",\"kind\":\"API\"}").id();
    String task = api.create("/api/v1/tasks", """
        {"name": "%s", "eventSourceId": "%s", "type": "API",
         "api": {"url": "%s", "headers": {"X-Token": "t0ken"}%s}, "strategy": %s}
        """.formatted(name, source, endpoint.url(path), apiExtra, strategy)).id();
    return new String[] {task, source};
  }

  static JsonNode post(String source, String events) throws Exception {
    ApiClient.Response r = api.post("/api/v1/events/" + source, events);
    assertEquals(202, r.status(), r.text());
    return r.body();
  }

  static JsonNode statsWhenTotal(String task, int total) throws Exception {
    return api.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= total, Duration.ofSeconds(20));
  }

  static Map<String, JsonNode> resultsByKey(String task) throws Exception {
    Map<String, JsonNode> byKey = new HashMap<>();
    for (JsonNode r : api.get("/api/v1/results?taskId=" + task + "&limit=100").body().get("items")) {
      byKey.put(r.get("entityKey").asText(), api.get("/api/v1/results/" + r.get("id").asText()).body());
    }
    return byKey;
  }

  @Test
  void theEndpointsPassAndFailBecomeTheVerdictWithItsDiffsAndSides() throws Exception {
    String[] t = task("judge", "/judge", PATIENT);
    post(t[1], "[{\"id\":\"judge-2\",\"op\":\"UPDATE\",\"data\":{\"id\":2}},"
        + "{\"id\":\"judge-3\",\"op\":\"UPDATE\",\"data\":{\"id\":3,\"code\":\"x\\\"}\"},\"occurredAt\":1767323045000}]");
    JsonNode stats = statsWhenTotal(t[0], 2);
    assertEquals(1, stats.get("pass").asInt(), stats.toString());
    assertEquals(1, stats.get("fail").asInt(), stats.toString());

    JsonNode failed = resultsByKey(t[0]).get("3");
    assertEquals("FAIL", failed.get("status").asText());
    JsonNode diff = failed.at("/diffs/0");
    assertEquals(1, failed.get("diffs").size());
    assertEquals("mismatch", diff.get("kind").asText());
    assertEquals("status", diff.get("field").asText());
    assertEquals("PAID", diff.get("leftValue").asText());
    assertEquals("NEW", diff.get("rightValue").asText());
    assertEquals("API", diff.get("comparator").asText());
    assertEquals("cache is stale", diff.get("detail").asText());
    String query = "POST " + endpoint.url("/judge");
    assertTrue(failed.at("/left/found").asBoolean());
    assertEquals("12.50", failed.at("/left/values/amount").decimalValue().toPlainString(), failed.toString());
    assertEquals("NEW", failed.at("/right/values/status").asText());
    assertEquals(query, failed.at("/left/query").asText());
    assertEquals(query, failed.at("/right/query").asText());
    assertEquals(1, failed.get("attempts").asInt());
    assertFalse(failed.toString().contains("t0ken"), "the headers stay out of results");
  }

  @Test
  void theEndpointReceivesExactlyTheDocumentedRequest() throws Exception {
    String[] t = task("request", "/judge", PATIENT);
    post(t[1], "{\"id\":\"request-5\",\"op\":\"UPDATE\",\"data\":{\"id\":5,\"code\":\"x\\\"}\",\"amount\":12.50},"
        + "\"before\":{\"id\":5,\"code\":\"old\"},\"occurredAt\":1767323045000}");
    statsWhenTotal(t[0], 1);
    Received got = endpoint.at("/judge").stream()
        .filter(r -> r.body().at("/event/id").asText().equals("request-5")).findFirst().orElseThrow();
    assertEquals("application/json", got.contentType());
    assertEquals("t0ken", got.token(), "the task's headers are sent");
    long receivedAt = got.body().at("/event/receivedAt").asLong();
    JsonNode expected = Json.MAPPER.readTree("""
        {"task": {"id": "%s", "name": "request"},
         "event": {"id": "request-5", "sourceId": "%s", "op": "UPDATE",
                   "data": {"id": 5, "code": "x\\"}", "amount": 12.50}, "before": {"id": 5, "code": "old"},
                   "occurredAt": 1767323045000, "receivedAt": %d},
         "attempt": 1}
        """.formatted(t[0], t[1], receivedAt));
    assertEquals(expected, got.body());
    assertEquals("12.50", got.body().at("/event/data/amount").decimalValue().toPlainString(), "decimals keep their scale");
    assertTrue(Math.abs(System.currentTimeMillis() - receivedAt) < 60_000, "receivedAt is when Tally got the event");
  }

  @Test
  void aRetryOnFailTurnsIntoAPassWhenTheEndpointAgrees() throws Exception {
    String[] t = task("flaky", "/flaky", PATIENT, "{\"retry\": {\"onFail\": 2, \"backoffMs\": 100}}");
    post(t[1], "{\"id\":\"flaky-7\",\"op\":\"UPDATE\",\"data\":{\"id\":7}}");
    JsonNode stats = statsWhenTotal(t[0], 1);
    assertEquals(1, stats.get("pass").asInt(), stats.toString());
    assertEquals(0, stats.get("fail").asInt(), stats.toString());
    List<Integer> attempts = new ArrayList<>();
    endpoint.at("/flaky").forEach(r -> attempts.add(r.body().get("attempt").asInt()));
    assertEquals(List.of(1, 2), attempts, "the first answer was FAIL, the retry asked again and got PASS");
  }

  @Test
  void noAnswerInTimeA500AndAMalformedBodyAreErrorsThatSayWhy() throws Exception {
    String[] slow = task("slow", "/slow", ", \"timeoutMs\": 300");
    String[] broken = task("broken", "/broken", PATIENT);
    String[] malformed = task("malformed", "/malformed", PATIENT);
    for (String[] t : List.of(slow, broken, malformed)) post(t[1], "{\"op\":\"UPDATE\",\"data\":{\"id\":9}}");

    assertEquals("endpoint timed out after 300 ms (POST " + endpoint.url("/slow") + ")", errorOf(slow[0]));
    assertEquals("endpoint answered HTTP 500: database down", errorOf(broken[0]));
    String notJson = errorOf(malformed[0]);
    assertTrue(notJson.startsWith("answer is not JSON (") && notJson.endsWith("): <html>oops</html>"), notJson);
    JsonNode result = resultsByKey(broken[0]).get("9");
    assertEquals("POST " + endpoint.url("/broken"), result.at("/left/query").asText());
    assertEquals("endpoint answered HTTP 500: database down", result.at("/left/error").asText());
  }

  @Test
  void aSlowEndpointGetsManyCallsAtOnceNotOneQueueThatTimesOut() throws Exception {
    // 40 checks of 1.5 s each within a 5 s time-out: only calls made side by side can all be in time
    String[] t = task("steady", "/steady", ", \"timeoutMs\": 5000");
    StringBuilder events = new StringBuilder("[");
    for (int i = 0; i < 40; i++) events.append(i == 0 ? "" : ",").append("{\"op\":\"UPDATE\",\"data\":{\"id\":").append(i).append("}}");
    post(t[1], events.append("]").toString());
    JsonNode stats = statsWhenTotal(t[0], 40);
    assertEquals(40, stats.get("pass").asInt(), stats.toString());
    assertTrue(endpoint.maxInFlight.get() > 10, "more than the client's default 5 connections x 2 compare verticles: "
        + endpoint.maxInFlight.get());
  }

  private static String errorOf(String task) throws Exception {
    JsonNode stats = statsWhenTotal(task, 1);
    assertEquals(1, stats.get("error").asInt(), stats.toString());
    JsonNode result = resultsByKey(task).get("9");
    assertEquals("ERROR", result.get("status").asText());
    return result.get("error").asText();
  }

  @Test
  void tryRunsAnApiTaskOnceAndStoresNothing() throws Exception {
    String[] t = task("try", "/judge", PATIENT);
    ApiClient.Response tried = api.post("/api/v1/tasks/" + t[0] + "/try", "{\"op\":\"UPDATE\",\"data\":{\"id\":11}}");
    assertEquals(200, tried.status(), tried.text());
    assertEquals("FAIL", tried.body().get("status").asText(), tried.text());
    assertEquals("status", tried.body().at("/diffs/0/field").asText());
    assertEquals("NEW", tried.body().at("/right/values/status").asText());
    assertEquals(1, endpoint.at("/judge").stream().filter(r -> r.body().at("/task/id").asText().equals(t[0])).count());
    assertTrue(api.get("/api/v1/results?taskId=" + t[0]).body().get("items").isEmpty(), "try stores nothing");
  }

  @Test
  void headerValuesAreWriteOnly() throws Exception {
    String[] t = task("headers", "/judge", PATIENT);
    JsonNode shown = api.get("/api/v1/tasks/" + t[0]).body();
    assertEquals("******", shown.at("/api/headers/X-Token").asText(), shown.toString());
    assertFalse(api.get("/api/v1/tasks").text().contains("t0ken"), "nor in the list");

    // read, edit, send back: the masked value keeps the stored token
    ((ObjectNode) shown).put("name", "headers renamed");
    ApiClient.Response renamed = api.put("/api/v1/tasks/" + t[0], shown.toString());
    assertEquals(200, renamed.status(), renamed.text());
    assertFalse(renamed.text().contains("t0ken"));
    assertEquals("t0ken", tokenSentBy(t[0]));

    ((ObjectNode) shown.get("api").get("headers")).put("X-Token", "n3w");
    assertEquals(200, api.put("/api/v1/tasks/" + t[0], shown.toString()).status());
    assertEquals("n3w", tokenSentBy(t[0]));
    ((ObjectNode) shown.get("api").get("headers")).put("X-Other", "******");
    assertRefused("api.headers.X-Other", shown.toString().replace("\"id\":\"" + t[0] + "\"", "\"id\":\"headers-copy\""));
  }

  /** Tries the task once and returns the X-Token header the endpoint got. */
  private static String tokenSentBy(String task) throws Exception {
    assertEquals(200, api.post("/api/v1/tasks/" + task + "/try", "{\"op\":\"UPDATE\",\"data\":{\"id\":12}}").status());
    return endpoint.at("/judge").stream().filter(r -> r.body().at("/task/id").asText().equals(task))
        .reduce((first, second) -> second).orElseThrow().token();
  }

  @Test
  void validationNamesTheField() throws Exception {
    String source = api.create("/api/v1/event-sources", "{\"name\":\"validation\",\"kind\":\"API\"}").id();
    String head = "{\"name\":\"v\",\"eventSourceId\":\"" + source + "\",\"type\":\"API\"";
    String url = endpoint.url("/judge");
    assertRefused("api", head + "}");
    assertRefused("api.url", head + ",\"api\":{}}");
    assertRefused("api.url", head + ",\"api\":{\"url\":\"/judge\"}}");
    assertRefused("api.url", head + ",\"api\":{\"url\":\"ftp://127.0.0.1/x\"}}");
    assertRefused("api.url", head + ",\"api\":{\"url\":\"http://exa mple\"}}");
    assertRefused("api.timeoutMs", head + ",\"api\":{\"url\":\"" + url + "\",\"timeoutMs\":0}}");
    assertRefused("api.timeoutMs", head + ",\"api\":{\"url\":\"" + url + "\",\"timeoutMs\":60001}}");
    assertRefused("api.headers.Bad Name", head + ",\"api\":{\"url\":\"" + url + "\",\"headers\":{\"Bad Name\":\"x\"}}}");
    assertRefused("api.headers.X-A", head + ",\"api\":{\"url\":\"" + url + "\",\"headers\":{\"X-A\":\"a\\r\\nX-B: b\"}}}");
    String valid = ",\"api\":{\"url\":\"" + url + "\"}";
    assertRefused("left", head + valid + ",\"left\":{\"dataSourceId\":\"x\",\"table\":\"t\"}}");
    assertRefused("right", head + valid + ",\"right\":{\"dataSourceId\":\"x\",\"key\":\"k\"}}");
    assertRefused("compare", head + valid + ",\"compare\":[{\"left\":\"a\",\"right\":\"a\"}]}");
    assertRefused("api", "{\"name\":\"v\",\"eventSourceId\":\"" + source + "\",\"type\":\"CONFIG\"" + valid + "}");
    assertRefused("strategy.retry.onFail", head + valid + ",\"strategy\":{\"retry\":{\"onFail\":-1}}}");

    ApiClient.Response created = api.post("/api/v1/tasks", head + ",\"api\":{\"url\":\"" + url + "\",\"timeoutMs\":60000}}");
    assertEquals(201, created.status(), created.text());
    assertEquals(60000, created.body().at("/api/timeoutMs").asInt());
  }

  private static void assertRefused(String field, String task) throws Exception {
    ApiClient.Response r = api.post("/api/v1/tasks", task);
    assertEquals(400, r.status(), task + " -> " + r.text());
    assertEquals(field, r.body().path("field").asText(), r.text());
  }
}
