package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.config.TallyConfig;
import dev.tally.model.Json;
import dev.tally.store.StoreFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Repair callbacks and suggested repairs through the REST API, against the real MariaDB and Redis: the left side
 * is an order row, the right its JSON copy in Redis. The user's callback endpoint is a small Vert.x server here.
 */
class RepairCallbackTest {
  private static final String SECRET = "s3cret-for-callback-signing";
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  static Vertx endpointVertx;
  static HttpServer endpoint;
  static Redis endpointRedis;
  static TallyInProcess tally;
  static Services services;
  static String table;
  static Sources sources;

  /** The ids of the MariaDB and Redis data sources on one node. */
  record Sources(String mysql, String redis) {
    static Sources create(ApiClient api) throws Exception {
      return new Sources(api.create("/api/v1/data-sources", "{\"name\":\"shop\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\","
          + "\"port\":3306,\"database\":\"test\",\"user\":\"root\",\"password\":\"\"}").id(),
          api.create("/api/v1/data-sources", "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\",\"port\":6379}").id());
    }
  }

  /** One call received by the endpoint. */
  record Call(String path, String timestamp, String signature, byte[] body) {
  }

  static final List<Call> calls = new CopyOnWriteArrayList<>();
  /** How each path answers: given the call and its number on that path (1, 2, ...), the HTTP status. */
  static final Map<String, BiFunction<Call, Integer, Future<Integer>>> behaviours = new ConcurrentHashMap<>();
  static final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  @BeforeAll
  static void setUp() throws Exception {
    endpointVertx = Vertx.vertx();
    endpointRedis = Redis.createClient(endpointVertx, "redis://127.0.0.1:6379/0");
    endpoint = StoreFixture.await(endpointVertx.createHttpServer().requestHandler(RepairCallbackTest::handle).listen(0, "127.0.0.1"));
    tally = new TallyInProcess();
    services = new Services(tally.vertx);
    table = services.prefix + "_orders";
    services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20), amount DECIMAL(10,2))");
    sources = Sources.create(tally.api);
  }

  @AfterAll
  static void tearDown() throws Exception {
    services.sql("DROP TABLE IF EXISTS " + table);
    services.close();
    tally.close();
    StoreFixture.await(endpointVertx.close());
  }

  private static void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      Call call = new Call(request.path(), request.getHeader("X-Tally-Timestamp"), request.getHeader("X-Tally-Signature"),
          body.getBytes());
      calls.add(call);
      int n = counts.computeIfAbsent(request.path(), p -> new AtomicInteger()).incrementAndGet();
      BiFunction<Call, Integer, Future<Integer>> behaviour = behaviours.getOrDefault(request.path(), (c, i) -> Future.succeededFuture(200));
      behaviour.apply(call, n)
          .otherwise(500)
          .onSuccess(status -> request.response().setStatusCode(status).end());
    });
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + endpoint.actualPort() + path;
  }

  /** An event source and a task comparing the row with its JSON copy at {@code <prefix>:<name>:#{id}}. */
  private static String task(ApiClient api, String name, String callback) throws Exception {
    return task(api, sources, name, callback, null);
  }

  private static String task(ApiClient api, Sources ds, String name, String callback, String jsonPath) throws Exception {
    String source = api.create("/api/v1/event-sources", "{\"name\":\"" + name + "\",\"kind\":\"API\"}").id();
    return api.create("/api/v1/tasks", """
        {"name": "%s", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["id", "status", "amount"]},
         "right": {"dataSourceId": "%s", "key": "%s:%s:#{id}", "valueType": "JSON", "jsonPath": %s},
         "compare": [{"left": "status", "right": "status"}, {"left": "amount", "right": "amount", "comparator": "DECIMAL"}],
         "callback": %s}
        """.formatted(name, source, ds.mysql(), table, ds.redis(), services.prefix, name,
        jsonPath == null ? "null" : "\"" + jsonPath + "\"", callback)).id();
  }

  private static String key(String name, long id) {
    return services.prefix + ":" + name + ":" + id;
  }

  /** Row PAID 12.50, copy NEW 12.5 with an extra field: a FAIL on status. Posts the event; answers the result id. */
  private static String failOn(ApiClient api, String taskId, String name, long id) throws Exception {
    return failOn(api, taskId, name, id, "{\"id\":" + id + ",\"status\":\"NEW\",\"amount\":12.5,\"note\":\"kept\"}");
  }

  private static String failOn(ApiClient api, String taskId, String name, long id, String copy) throws Exception {
    services.sql("REPLACE INTO " + table + " (id, status, amount) VALUES (" + id + ", 'PAID', 12.50)");
    services.redis("SET", key(name, id), copy);
    String source = api.get("/api/v1/tasks/" + taskId).body().get("eventSourceId").asText();
    ApiClient.Response accepted = api.post("/api/v1/events/" + source, "{\"op\":\"UPDATE\",\"data\":{\"id\":" + id + "}}");
    assertEquals(202, accepted.status(), accepted.text());
    JsonNode page = api.await("/api/v1/results?taskId=" + taskId + "&status=FAIL", p -> p.get("items").size() == 1, DEADLINE);
    return page.at("/items/0/id").asText();
  }

  private static String hmacHex(String secret, String message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Call> callsTo(String path) {
    return calls.stream().filter(c -> c.path().equals(path)).toList();
  }

  private static void assertNoSecret(ApiClient.Response response) {
    assertFalse(response.text().contains(SECRET), "the secret is in an API answer: " + response.text());
  }

  @Test
  void aFailIsCalledBackSignedAndRetriedUntilTheEndpointTakesIt() throws Exception {
    ApiClient api = tally.api;
    behaviours.put("/flaky", (c, n) -> Future.succeededFuture(n <= 2 ? 500 : 200));
    String callback = "{\"url\": \"" + url("/flaky") + "\", \"secret\": \"" + SECRET + "\", \"backoffMs\": 200}";
    String taskId = task(api, "flaky", callback);

    // the secret never comes back; an update without it keeps it (the calls below are signed with it)
    ApiClient.Response view = api.get("/api/v1/tasks/" + taskId);
    assertNoSecret(view);
    assertNoSecret(api.get("/api/v1/tasks"));
    assertTrue(view.body().at("/callback/secretSet").asBoolean(), view.text());
    assertEquals(5, view.body().at("/callback/maxAttempts").asInt(), "default maxAttempts");
    ObjectNode edited = (ObjectNode) view.body();
    edited.remove("id");
    ((ObjectNode) edited.get("callback")).remove("secretSet");
    ApiClient.Response updated = api.put("/api/v1/tasks/" + taskId, edited.toString());
    assertEquals(200, updated.status(), updated.text());
    assertNoSecret(updated);
    assertTrue(updated.body().at("/callback/secretSet").asBoolean(), updated.text());

    String resultId = failOn(api, taskId, "flaky", 1);
    JsonNode result = api.await("/api/v1/results/" + resultId, r -> r.path("callbacks").size() == 3, DEADLINE);
    JsonNode outcomes = result.get("callbacks");
    assertEquals(List.of(500, 500, 200), List.of(outcomes.at("/0/statusCode").asInt(), outcomes.at("/1/statusCode").asInt(),
        outcomes.at("/2/statusCode").asInt()), outcomes.toString());
    assertEquals("HTTP 500", outcomes.at("/0/error").asText());
    assertTrue(outcomes.get(2).path("error").isMissingNode(), outcomes.toString());
    for (int i = 0; i < 3; i++) {
      assertEquals(i + 1, outcomes.get(i).get("attempt").asInt());
      assertTrue(outcomes.get(i).get("tookMs").asLong() >= 0);
    }
    // backoff 200 ms, doubling
    assertTrue(outcomes.at("/1/at").asLong() - outcomes.at("/0/at").asLong() >= 200, outcomes.toString());
    assertTrue(outcomes.at("/2/at").asLong() - outcomes.at("/1/at").asLong() >= 400, outcomes.toString());

    List<Call> received = callsTo("/flaky");
    assertEquals(3, received.size());
    for (Call call : received) {
      assertNotNull(call.timestamp());
      String body = new String(call.body(), StandardCharsets.UTF_8);
      assertEquals("sha256=" + hmacHex(SECRET, call.timestamp() + "." + body), call.signature(), "signature of " + body);
      assertFalse(body.contains(SECRET));
      JsonNode payload = Json.MAPPER.readTree(body);
      assertEquals(resultId, payload.get("id").asText());
      assertEquals("FAIL", payload.get("status").asText());
      assertEquals("SET ? ?", payload.at("/repair/operations/0/text").asText(), body);
      assertEquals(key("flaky", 1), payload.at("/repair/operations/0/values/0").asText());
    }
    // the suggested repair: the copy with the row's status, the rest kept
    Map<?, ?> repaired = Json.read(result.at("/repair/operations/0/values/1").asText(), Map.class);
    assertEquals("PAID", repaired.get("status"));
    assertEquals("kept", repaired.get("note"));
    assertNoSecret(api.get("/api/v1/results/" + resultId));
    assertNoSecret(api.get("/api/v1/results?taskId=" + taskId));
    String metrics = api.get("/metrics").text();
    assertTrue(metrics.contains("tally_callbacks_total{outcome=\"failed\"}"), metrics);
    assertTrue(metrics.contains("tally_callbacks_total{outcome=\"ok\"}"), metrics);
  }

  @Test
  void badCallbackSettingsAreRefusedNamingTheField() throws Exception {
    String source = tally.api.create("/api/v1/event-sources", "{\"name\":\"bad\",\"kind\":\"API\"}").id();
    String body = """
        {"name": "bad", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["id", "status"]},
         "right": {"dataSourceId": "%s", "key": "k:#{id}", "valueType": "JSON"},
         "compare": [{"left": "status"}],
         "callback": %s}
        """;
    for (String[] bad : List.of(
        new String[] {"{\"url\": \"" + url("/x") + "\", \"secret\": \"short\"}", "callback.secret"},
        new String[] {"{\"url\": \"not a url\", \"secret\": \"" + SECRET + "\"}", "callback.url"},
        new String[] {"{\"url\": \"" + url("/x") + "\", \"secret\": \"" + SECRET + "\", \"on\": \"PASS\"}", "callback.on"},
        new String[] {"{\"url\": \"" + url("/x") + "\", \"secret\": \"" + SECRET + "\", \"maxAttempts\": 21}", "callback.maxAttempts"},
        new String[] {"{\"url\": \"" + url("/x") + "\", \"secret\": \"" + SECRET + "\", \"timeoutMs\": 60001}", "callback.timeoutMs"})) {
      ApiClient.Response r = tally.api.post("/api/v1/tasks", body.formatted(source, sources.mysql(), table, sources.redis(), bad[0]));
      assertEquals(400, r.status(), r.text());
      assertEquals(bad[1], r.body().get("field").asText(), r.text());
      assertNoSecret(r);
    }
    ApiClient.Response sqlTarget = tally.api.post("/api/v1/tasks", """
        {"name": "bad", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["id", "status"]},
         "right": {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["id", "status"]},
         "compare": [{"left": "status"}],
         "callback": {"url": "%s", "secret": "%s", "applyRepair": true}}
        """.formatted(source, sources.mysql(), table, sources.mysql(), table, url("/x"), SECRET));
    assertEquals(400, sqlTarget.status(), sqlTarget.text());
    assertEquals("callback.applyRepair", sqlTarget.body().get("field").asText(), sqlTarget.text());
  }

  @Test
  void aRecheckAfterTheEndpointRepairedTheCopyPasses() throws Exception {
    ApiClient api = tally.api;
    // the endpoint applies the suggested repair it was sent: SET key value
    behaviours.put("/repair", (call, n) -> {
      JsonNode op = readTree(call.body()).at("/repair/operations/0");
      return endpointRedis.send(Request.cmd(Command.SET).arg(op.at("/values/0").asText()).arg(op.at("/values/1").asText()))
          .map(200);
    });
    String taskId = task(api, "repair", "{\"url\": \"" + url("/repair") + "\", \"secret\": \"" + SECRET + "\", \"recheck\": true}");
    String resultId = failOn(api, taskId, "repair", 2);

    JsonNode original = api.await("/api/v1/results/" + resultId, r -> r.has("recheck"), DEADLINE);
    assertEquals("PASS", original.at("/recheck/status").asText(), original.toString());
    assertEquals(200, original.at("/callbacks/0/statusCode").asInt());
    JsonNode recheck = api.get("/api/v1/results/" + original.at("/recheck/resultId").asText()).body();
    assertEquals("PASS", recheck.get("status").asText());
    assertEquals(resultId, recheck.get("recheckOf").asText());
    assertEquals(1, callsTo("/repair").size(), "a PASS re-check is not called back on FAIL-only callbacks");
  }

  @Test
  void tallyAppliesTheRepairToRedisItselfAndTheRecheckPasses() throws Exception {
    ApiClient api = tally.api;
    String taskId = task(api, "apply", "{\"url\": \"" + url("/told") + "\", \"secret\": \"" + SECRET + "\", \"applyRepair\": true}");
    String resultId = failOn(api, taskId, "apply", 3);

    JsonNode original = api.await("/api/v1/results/" + resultId, r -> r.has("recheck"), DEADLINE);
    assertEquals("PASS", original.at("/recheck/status").asText(), original.toString());
    JsonNode applied = original.get("repairs");
    assertEquals(1, applied.size(), original.toString());
    assertTrue(applied.at("/0/ok").asBoolean(), applied.toString());
    assertEquals("SET", applied.at("/0/action").asText());
    assertTrue(applied.at("/0/at").asLong() > 0);
    Map<?, ?> copy = Json.read(services.redis("GET", key("apply", 3)), Map.class);
    assertEquals("PAID", copy.get("status"));
    assertEquals("kept", copy.get("note"));
    // the endpoint was told, with what Tally applied
    JsonNode told = readTree(callsTo("/told").get(0).body());
    assertTrue(told.at("/repairs/0/ok").asBoolean(), told.toString());
  }

  @Test
  void anEntityNestedInALargerValueIsRepairedWithTheRestOfTheValueKept() throws Exception {
    ApiClient api = tally.api;
    String taskId = task(api, sources, "nested", "{\"url\": \"" + url("/told") + "\", \"secret\": \"" + SECRET
        + "\", \"applyRepair\": true}", "$.order");
    String resultId = failOn(api, taskId, "nested", 5,
        "{\"meta\":{\"v\":3},\"order\":{\"status\":\"NEW\",\"amount\":12.5,\"sku\":\"A-1\"}}");

    JsonNode original = api.await("/api/v1/results/" + resultId, r -> r.has("recheck"), DEADLINE);
    assertEquals("PASS", original.at("/recheck/status").asText(), original.toString());
    Map<?, ?> copy = Json.read(services.redis("GET", key("nested", 5)), Map.class);
    assertEquals(Map.of("v", 3), copy.get("meta"));
    assertEquals("PAID", ((Map<?, ?>) copy.get("order")).get("status"));
    assertEquals("A-1", ((Map<?, ?>) copy.get("order")).get("sku"));
  }

  @Test
  void pendingCallbacksSurviveARestartOfTheNode() throws Exception {
    TallyConfig.Store store = StoreFixture.h2();
    AtomicInteger up = new AtomicInteger(0);
    behaviours.put("/later", (c, n) -> Future.succeededFuture(up.get() == 1 ? 200 : 503));
    String resultId;
    try (TallyInProcess first = new TallyInProcess(store)) {
      resultId = failOnNode(first, "later", 4, "\"backoffMs\": 3000");
      JsonNode once = first.api.await("/api/v1/results/" + resultId, r -> r.path("callbacks").size() == 1, DEADLINE);
      assertEquals(503, once.at("/callbacks/0/statusCode").asInt());
    }
    int before = callsTo("/later").size();
    up.set(1);
    try (TallyInProcess second = new TallyInProcess(store)) {
      JsonNode twice = second.api.await("/api/v1/results/" + resultId, r -> r.path("callbacks").size() == 2, DEADLINE);
      assertEquals(200, twice.at("/callbacks/1/statusCode").asInt(), twice.toString());
      assertEquals(2, twice.at("/callbacks/1/attempt").asInt());
      assertEquals(before + 1, callsTo("/later").size());
    }
  }

  @Test
  void aCallInterruptedByAStopIsMadeAgainByTheNextNode() throws Exception {
    TallyConfig.Store store = StoreFixture.h2();
    // the first call never gets an answer: the node is stopped while it waits
    behaviours.put("/hang", (c, n) -> n == 1 ? io.vertx.core.Promise.<Integer>promise().future() : Future.succeededFuture(200));
    String resultId;
    try (TallyInProcess first = new TallyInProcess(store)) {
      resultId = failOnNode(first, "hang", 6, "\"timeoutMs\": 1000");
      long end = System.nanoTime() + DEADLINE.toNanos();
      while (callsTo("/hang").isEmpty() && System.nanoTime() < end) java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
      assertEquals(1, callsTo("/hang").size());
    }
    // made again once the stopped node's hold on it ends (its time-out + 10 s), recorded as the first outcome
    try (TallyInProcess second = new TallyInProcess(store)) {
      JsonNode done = second.api.await("/api/v1/results/" + resultId, r -> r.path("callbacks").size() == 1, DEADLINE);
      assertEquals(200, done.at("/callbacks/0/statusCode").asInt(), done.toString());
      assertEquals(2, callsTo("/hang").size());
    }
  }

  /** On a node of its own: data sources, a task calling back /{name} with these extra settings, and a FAIL. */
  private static String failOnNode(TallyInProcess node, String name, long id, String settings) throws Exception {
    String taskId = task(node.api, Sources.create(node.api), name,
        "{\"url\": \"" + url("/" + name) + "\", \"secret\": \"" + SECRET + "\", " + settings + "}", null);
    return failOn(node.api, taskId, name, id);
  }

  private static JsonNode readTree(byte[] body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
