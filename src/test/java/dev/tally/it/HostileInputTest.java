package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.config.TallyConfig;
import dev.tally.model.Json;
import dev.tally.store.StoreFixture;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A generated fuzz test: thousands of malformed and hostile requests to every route of the REST API. None may
 * be answered 5xx, a refusal under /api must carry the JSON error body, the node must still answer /health, and the
 * configuration and results must be exactly as before. The seed is printed; rerun one with
 * {@code -Dtally.fuzz.seed=<seed>}.
 */
class HostileInputTest {
  private static final int REQUESTS = 3000;
  private static final String[] INJECTIONS = {
      "' OR '1'='1", "1; DROP TABLE tasks; --", "\" OR \"\"=\"", "*\r\nFLUSHALL\r\n", "\r\nDEL *\r\n",
      "{\"$ne\":null}", "\",\"admin\":true,\"x\":\"", "</script><script>alert(1)</script>", "../../../../etc/passwd",
      "${jndi:ldap://127.0.0.1/a}", "#{id}", "%00", "\u0000", "\uD800", "NaN", "-1", "9223372036854775808",
      "1e999999", "null", "true", "[]", "{}", "😀".repeat(50), "a".repeat(5000)};
  private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE"};
  private static final String[] TYPES = {"application/json", "text/plain", "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x", "application/xml", "application/octet-stream", ""};

  private static TallyInProcess tally;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static String dataSource;
  private static String eventSource;
  private static String idleEventSource;
  private static String task;
  private static String channel;

  @BeforeAll
  static void start() throws Exception {
    tally = new TallyInProcess();
    ApiClient api = tally.api;
    dataSource = api.createLocalRedisSource("fuzz redis");
    eventSource = api.create("/api/v1/event-sources", "{\"name\":\"fuzz tasks\",\"kind\":\"API\"}").id();
    idleEventSource = api.create("/api/v1/event-sources", "{\"name\":\"fuzz idle\",\"kind\":\"API\"}").id();
    task = api.create("/api/v1/tasks", """
        {"name": "fuzz", "eventSourceId": "%s", "type": "CONFIG",
         "left": {"dataSourceId": "%s", "key": "fuzz:a:#{id}", "valueType": "JSON"},
         "right": {"dataSourceId": "%s", "key": "fuzz:b:#{id}", "valueType": "JSON"},
         "compare": [{"left": "status", "right": "status"}]}
        """.formatted(eventSource, dataSource, dataSource)).id();
    channel = api.create("/api/v1/alert-channels",
        "{\"name\":\"fuzz\",\"kind\":\"WEBHOOK\",\"url\":\"http://127.0.0.1:9/hook\"}").id();
  }

  @AfterAll
  static void stop() throws Exception {
    if (tally != null) tally.close();
  }

  @Test
  void hostileRequestsGetNo5xxAndChangeNothing() throws Exception {
    long seed = Long.getLong("tally.fuzz.seed", 7_2026L);
    System.out.println("HostileInputTest seed " + seed + " (rerun: -Dtally.fuzz.seed=" + seed + ")");
    Random random = new Random(seed);
    Map<String, JsonNode> before = snapshot();
    List<String> failures = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < REQUESTS && failures.size() < 20; i++) {
      Request r = request(random);
      HttpResponse<String> response = send(r);
      int status = response.statusCode();
      if (status >= 500) failures.add("#" + i + " " + r + " -> " + status + " " + abbreviate(response.body()));
      else if (status >= 400 && r.path.startsWith("/api/") && !"HEAD".equals(r.method) && !codecRefusal(status)
          && !isErrorJson(response)) {
        failures.add("#" + i + " " + r + " -> " + status + " without the JSON error body: " + abbreviate(response.body()));
      }
    }
    System.out.println("HostileInputTest: " + REQUESTS + " requests in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    assertTrue(failures.isEmpty(), "seed " + seed + ":\n" + String.join("\n", failures));
    assertEquals(200, tally.api.get("/health").status());
    assertEquals(before, snapshot(), "a hostile request changed data (seed " + seed + ")");
  }

  @Test
  void limitsAnswer4xxNamingTheReason() throws Exception {
    String nested = "{\"op\":\"INSERT\",\"data\":" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_001);
    HttpResponse<String> deep = send(new Request("POST", "/api/v1/events/" + idleEventSource,
        nested.getBytes(StandardCharsets.UTF_8), "application/json"));
    assertEquals(400, deep.statusCode(), deep.body());
    assertTrue(deep.body().contains("depth"), deep.body());
    byte[] huge = ("{\"name\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> large = send(new Request("POST", "/api/v1/event-sources", huge, "application/json"));
    assertEquals(413, large.statusCode(), abbreviate(large.body()));
    assertTrue(large.body().contains("too large"), large.body());
    String longNumber = "{\"op\":\"INSERT\",\"data\":{\"n\":" + "9".repeat(5000) + "}}";
    HttpResponse<String> number = send(new Request("POST", "/api/v1/events/" + idleEventSource,
        longNumber.getBytes(StandardCharsets.UTF_8), "application/json"));
    assertEquals(400, number.statusCode(), number.body());
    assertTrue(number.body().contains("Number value length"), number.body());
  }

  @Test
  void anEventSourceAboveItsRateIsAnswered429WithRetryAfter() throws Exception {
    ApiClient.Response zero = tally.api.post("/api/v1/event-sources", "{\"name\":\"r\",\"kind\":\"API\",\"maxEventsPerSecond\":0}");
    assertEquals(400, zero.status(), zero.text());
    assertEquals("maxEventsPerSecond", zero.body().get("field").asText());
    String limited = tally.api.create("/api/v1/event-sources", "{\"name\":\"limited\",\"kind\":\"API\",\"maxEventsPerSecond\":3}").id();
    String event = "{\"op\":\"INSERT\",\"data\":{\"id\":1}}";
    ApiClient.Response tooBig = tally.api.post("/api/v1/events/" + limited, "[" + String.join(",", java.util.Collections.nCopies(4, event)) + "]");
    assertEquals(400, tooBig.status(), tooBig.text());
    assertEquals(202, tally.api.post("/api/v1/events/" + limited, "[" + event + "," + event + "]").status());
    HttpResponse<String> refused = null;
    for (int i = 0; i < 20 && refused == null; i++) {
      HttpResponse<String> r = send(new Request("POST", "/api/v1/events/" + limited, ("[" + event + "," + event + "]").getBytes(StandardCharsets.UTF_8), "application/json"));
      if (r.statusCode() == 429) refused = r;
      else assertEquals(202, r.statusCode(), r.body());
    }
    assertTrue(refused != null, "3 events a second: 40 events sent at once must meet a 429");
    assertTrue(Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow()) >= 1);
    assertTrue(refused.body().contains("too many events"), refused.body());
  }

  @Test
  void theNodesDefaultRateLimitsEverySourceWithoutARateOfItsOwn() throws Exception {
    TallyConfig config = new TallyConfig(new TallyConfig.Http("127.0.0.1", 0, "", TallyConfig.Http.DEFAULT_MAX_BODY_BYTES, 3),
        StoreFixture.h2(), new TallyConfig.Queue("local", 64, 3000), 2, 1000);
    try (TallyInProcess limitedNode = new TallyInProcess(config)) {
      String plain = limitedNode.api.create("/api/v1/event-sources", "{\"name\":\"plain\",\"kind\":\"API\"}").id();
      String own = limitedNode.api.create("/api/v1/event-sources", "{\"name\":\"own\",\"kind\":\"API\",\"maxEventsPerSecond\":1000}").id();
      String event = "{\"op\":\"INSERT\",\"data\":{\"id\":1}}";
      String pair = "[" + event + "," + event + "]";
      ApiClient.Response tooBig = limitedNode.api.post("/api/v1/events/" + plain, "[" + String.join(",", java.util.Collections.nCopies(4, event)) + "]");
      assertEquals(400, tooBig.status(), "more events in one POST than the default rate: " + tooBig.text());
      int refused = 0;
      for (int i = 0; i < 20; i++) {
        ApiClient.Response r = limitedNode.api.post("/api/v1/events/" + plain, pair);
        if (r.status() == 429) {
          refused++;
          assertTrue(r.text().contains("at most 3 events a second"), r.text());
        } else {
          assertEquals(202, r.status(), r.text());
        }
      }
      assertTrue(refused > 0, "3 events a second by default: 40 events sent at once must meet a 429");
      // a source's own rate replaces the default
      for (int i = 0; i < 20; i++) assertEquals(202, limitedNode.api.post("/api/v1/events/" + own, pair).status());
    }
  }

  @Test
  void aFullQueueAnswers503WithRetryAfter() throws Exception {
    TallyConfig config = new TallyConfig(new TallyConfig.Http("127.0.0.1", 0), StoreFixture.h2(),
        new TallyConfig.Queue("local", 64, 3000, 0), 2, 1000);
    try (TallyInProcess full = new TallyInProcess(config)) {
      String source = full.api.create("/api/v1/event-sources", "{\"name\":\"full\",\"kind\":\"API\"}").id();
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(full.api.uri("/api/v1/events/" + source))
          .POST(HttpRequest.BodyPublishers.ofString("{\"op\":\"INSERT\",\"data\":{\"id\":1}}"))
          .header("content-type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(503, r.statusCode(), r.body());
      assertTrue(r.headers().firstValue("retry-after").isPresent(), r.headers().toString());
      assertTrue(r.body().contains("queue.maxWaiting"), r.body());
      assertEquals(0, full.api.get("/api/v1/jobs").body().get("items").size(), "nothing of the request was queued");
    }
  }

  private record Request(String method, String path, byte[] body, String type) {
    @Override
    public String toString() {
      return method + " " + abbreviate(path) + " [" + type + "] " + (body == null ? "" : abbreviate(new String(body, StandardCharsets.UTF_8)));
    }
  }

  private static Request request(Random random) {
    String[][] routes = routes(random);
    String[] route = routes[random.nextInt(routes.length)];
    String method = random.nextInt(5) == 0 ? METHODS[random.nextInt(METHODS.length)] : route[0];
    String path = route[1];
    if ("DELETE".equals(method) && !path.contains("bogus") && random.nextBoolean()) path = path.replaceAll("/[^/]+$", "/" + badId(random));
    if ("DELETE".equals(method) && isRealEntity(path)) method = "GET";  // deleting a real thing is a valid request
    if (random.nextInt(4) == 0) path = path + "?" + query(random);
    byte[] body = "GET".equals(method) || "HEAD".equals(method) || "DELETE".equals(method) ? null : body(random);
    return new Request(method, path, body, TYPES[random.nextInt(TYPES.length)]);
  }

  private static boolean isRealEntity(String path) {
    return path.matches("/api/v1/(data-sources|event-sources|tasks|alert-channels)/[^/?]+");
  }

  /** Every route of the API, with real and bad ids. */
  private static String[][] routes(Random random) {
    String any = badId(random);
    String ds = random.nextBoolean() ? dataSource : any;
    String es = random.nextBoolean() ? idleEventSource : any;
    String tk = random.nextBoolean() ? task : any;
    String ch = random.nextBoolean() ? channel : any;
    return new String[][] {
        {"POST", "/api/v1/data-sources"}, {"GET", "/api/v1/data-sources"}, {"GET", "/api/v1/data-sources/" + ds},
        {"PUT", "/api/v1/data-sources/" + ds}, {"DELETE", "/api/v1/data-sources/" + any},
        {"POST", "/api/v1/data-sources/" + ds + "/test"}, {"GET", "/api/v1/data-sources/" + ds + "/catalog"},
        {"POST", "/api/v1/event-sources"}, {"GET", "/api/v1/event-sources"}, {"GET", "/api/v1/event-sources/" + es},
        {"PUT", "/api/v1/event-sources/" + es}, {"DELETE", "/api/v1/event-sources/" + any},
        {"POST", "/api/v1/tasks"}, {"GET", "/api/v1/tasks"}, {"GET", "/api/v1/tasks/" + tk}, {"PUT", "/api/v1/tasks/" + tk},
        {"DELETE", "/api/v1/tasks/" + any}, {"POST", "/api/v1/tasks/" + tk + "/try"}, {"GET", "/api/v1/tasks/" + tk + "/stats"},
        {"POST", "/api/v1/events/" + es}, {"POST", "/api/v1/events/" + any},
        {"GET", "/api/v1/results"}, {"GET", "/api/v1/results/" + any}, {"GET", "/api/v1/jobs"},
        {"POST", "/api/v1/alert-channels"}, {"GET", "/api/v1/alert-channels"}, {"GET", "/api/v1/alert-channels/" + ch},
        {"PUT", "/api/v1/alert-channels/" + ch}, {"DELETE", "/api/v1/alert-channels/" + any},
        {"POST", "/api/v1/alert-channels/" + any + "/test"}, {"GET", "/api/v1/alert-deliveries"},
        {"GET", "/api/v1/discrepancies"}, {"GET", "/api/v1/discrepancies/" + any}, {"PUT", "/api/v1/discrepancies/" + any + "/triage"},
        {"GET", "/api/v1/dead-letters"}, {"GET", "/api/v1/reports"}, {"GET", "/api/v1/reports.csv"},
        {"GET", "/api/v1/" + any}, {"GET", "/health"}, {"GET", "/ready"}};
  }

  private static String badId(Random random) {
    if (random.nextInt(5) == 0) return String.format("%%%02x", random.nextInt(256));
    String raw = switch (random.nextInt(4)) {
      case 0 -> INJECTIONS[random.nextInt(INJECTIONS.length)];
      case 1 -> randomText(random, 1 + random.nextInt(300));
      case 2 -> Long.toString(random.nextLong());
      default -> "bogus" + random.nextInt(1000);
    };
    return URLEncoder.encode(raw, StandardCharsets.UTF_8);
  }

  private static String query(Random random) {
    String[] names = {"limit", "offset", "taskId", "status", "state", "from", "to", "period", "since", "before", "after",
        "verdict", "eventId", "q", "page", "sort"};
    StringBuilder q = new StringBuilder();
    for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
      if (i > 0) q.append('&');
      String value = switch (random.nextInt(4)) {
        case 0 -> INJECTIONS[random.nextInt(INJECTIONS.length)];
        case 1 -> Long.toString(random.nextLong());
        case 2 -> randomText(random, random.nextInt(50));
        default -> "";
      };
      q.append(names[random.nextInt(names.length)]).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
    return q.toString();
  }

  private static byte[] body(Random random) {
    return switch (random.nextInt(9)) {
      case 0 -> {
        byte[] bytes = new byte[random.nextInt(2000)];
        random.nextBytes(bytes);
        yield bytes;
      }
      case 1 -> {
        String json = structured(random, 0);
        yield json.substring(0, random.nextInt(json.length() + 1)).getBytes(StandardCharsets.UTF_8);
      }
      case 2 -> {
        int depth = 50 + random.nextInt(3000);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        yield (open.repeat(depth) + "1" + close.repeat(depth)).getBytes(StandardCharsets.UTF_8);
      }
      case 3 -> ("{\"name\":\"" + "x".repeat(random.nextInt(1_100_000)) + "\"}").getBytes(StandardCharsets.UTF_8);
      case 4 -> new byte[0];
      default -> structured(random, 0).getBytes(StandardCharsets.UTF_8);
    };
  }

  /** A JSON object shaped like the API's documents, with wrong types, unknown fields and injection strings. */
  private static String structured(Random random, int level) {
    String[] fields = {"name", "kind", "host", "port", "database", "user", "password", "id", "op", "data", "before",
        "occurredAt", "eventSourceId", "type", "left", "right", "compare", "strategy", "dataSourceId", "table", "where",
        "key", "fields", "valueType", "url", "state", "note", "enabled", "unknown", "__proto__", "hosts", "query", "list"};
    Map<String, Object> doc = new LinkedHashMap<>();
    for (int i = 0, n = random.nextInt(8); i < n; i++) doc.put(fields[random.nextInt(fields.length)], value(random, level));
    if (random.nextInt(3) == 0) return Json.write(List.of(doc));
    return Json.write(doc);
  }

  private static Object value(Random random, int level) {
    return switch (random.nextInt(level > 2 ? 7 : 9)) {
      case 0 -> INJECTIONS[random.nextInt(INJECTIONS.length)];
      case 1 -> random.nextLong();
      case 2 -> random.nextDouble() * 1e300;
      case 3 -> random.nextBoolean();
      case 4 -> randomText(random, random.nextInt(100));
      case 5 -> List.of();
      case 6 -> "MYSQL";
      case 7 -> List.of(value(random, level + 1), value(random, level + 1));
      default -> Json.MAPPER.convertValue(Json.MAPPER.valueToTree(Map.of("id", value(random, level + 1),
          "key", value(random, level + 1))), Map.class);
    };
  }

  private static String randomText(Random random, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) sb.append((char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(0xFFFF)));
    return sb.toString();
  }

  private static HttpResponse<String> send(Request r) throws Exception {
    HttpRequest.BodyPublisher body = r.body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(r.body);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(tally.api.baseUrl() + r.path)).timeout(Duration.ofSeconds(30))
        .method(r.method, body);
    if (!r.type.isEmpty()) b.header("content-type", r.type);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** 414 and 431 come from the HTTP codec before any route (a request line or headers too long): no JSON body. */
  private static boolean codecRefusal(int status) {
    return status == 414 || status == 431;
  }

  private static boolean isErrorJson(HttpResponse<String> response) {
    try {
      JsonNode body = Json.MAPPER.readTree(response.body());
      return body != null && body.hasNonNull("error");
    } catch (Exception e) {
      return false;
    }
  }

  /** What a hostile request must not change: the configuration, results, discrepancies and dead letters. */
  private static Map<String, JsonNode> snapshot() throws Exception {
    Map<String, JsonNode> lists = new LinkedHashMap<>();
    for (String path : List.of("/api/v1/data-sources", "/api/v1/event-sources", "/api/v1/tasks", "/api/v1/alert-channels",
        "/api/v1/results", "/api/v1/discrepancies", "/api/v1/dead-letters", "/api/v1/jobs")) {
      ApiClient.Response r = tally.api.get(path);
      assertEquals(200, r.status(), path + ": " + r.text());
      lists.put(path, r.body());
    }
    return lists;
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "...(" + s.length() + " chars)" : s;
  }
}
