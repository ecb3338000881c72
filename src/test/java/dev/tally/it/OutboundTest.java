package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.config.TallyConfig;
import dev.tally.net.OutboundPolicy;
import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Outbound requests end to end: HTTP data sources and callbacks go only where outbound.allowHosts lets them, a
 * redirect is not followed, an answer larger than outbound.maxResponseBytes is an ERROR naming the limit. The
 * user's API is a small Vert.x server on 127.0.0.1.
 */
class OutboundTest {
  private static final int MAX_BYTES = 4096;
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  static Vertx endpointVertx;
  static HttpServer endpoint;
  static final Set<String> paths = ConcurrentHashMap.newKeySet();
  static TallyInProcess tally;

  @BeforeAll
  static void setUp() throws Exception {
    endpointVertx = Vertx.vertx();
    endpoint = StoreFixture.await(endpointVertx.createHttpServer().requestHandler(OutboundTest::answer).listen(0, "127.0.0.1"));
    tally = new TallyInProcess(config(StoreFixture.h2(), new OutboundPolicy(List.of(), MAX_BYTES)));
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (tally != null) tally.close();
    if (endpointVertx != null) StoreFixture.await(endpointVertx.close());
  }

  private static TallyConfig config(TallyConfig.Store store, OutboundPolicy outbound) {
    return new TallyConfig(new TallyConfig.Http("127.0.0.1", 0), store, new TallyConfig.Queue("local", 64, 3000), 2, 1000,
        new TallyConfig.Retention(24, 7), TallyConfig.Kafka.NONE).withOutbound(outbound);
  }

  /** /orders/{id}: an order; /moved/{id}: 302 to /orders on localhost; /big: too large with a length; /chunked: too large without. */
  private static void answer(HttpServerRequest req) {
    String path = req.path();
    paths.add(path);
    if (path.startsWith("/orders/")) {
      req.response().putHeader("Content-Type", "application/json").end("{\"id\": 1, \"status\": \"" + path.substring(8) + "\"}");
    } else if (path.startsWith("/moved/")) {
      req.response().setStatusCode(302).putHeader("Location", "http://localhost:" + endpoint.actualPort() + "/elsewhere").end();
    } else if (path.equals("/big")) {
      req.response().putHeader("Content-Type", "application/json").end("{\"id\": 1, \"pad\": \"" + "x".repeat(MAX_BYTES) + "\"}");
    } else if (path.equals("/chunked")) {
      req.response().setChunked(true).putHeader("Content-Type", "application/json").write("{\"id\": 1, \"pad\": \"");
      for (int i = 0; i < 8; i++) req.response().write("y".repeat(1024));
      req.response().end("\"}");
    } else if (path.equals("/hook")) {
      req.response().setStatusCode(204).end();
    } else {
      req.response().setStatusCode(404).end();
    }
  }

  private static String local(String path) {
    return "http://127.0.0.1:" + endpoint.actualPort() + path;
  }

  private static String httpSource(ApiClient api, String baseUrl) throws Exception {
    return api.create("/api/v1/data-sources", "{\"name\":\"user api\",\"kind\":\"HTTP\",\"baseUrl\":\"" + baseUrl + "\","
        + "\"timeoutMs\":5000}").id();
  }

  /** A task reading {@code leftUrl} and {@code rightUrl} of one HTTP data source; returns {taskId, eventSourceId}. */
  private static String[] task(ApiClient api, String source, String leftUrl, String rightUrl, String callback) throws Exception {
    String events = api.create("/api/v1/event-sources", "{\"name\":\"orders\",\"kind\":\"API\"}").id();
    String task = api.create("/api/v1/tasks", """
        {"name": "outbound", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "url": "%s"},
         "right": {"dataSourceId": "%s", "url": "%s"},
         "entityKey": ["id"],
         "compare": [{"left": "status", "right": "status"}],
         "callback": %s}
        """.formatted(events, source, leftUrl, source, rightUrl, callback)).id();
    return new String[] {task, events};
  }

  private static JsonNode tryIt(String task) throws Exception {
    ApiClient.Response tried = tally.api.post("/api/v1/tasks/" + task + "/try", "{\"op\":\"UPDATE\",\"data\":{\"id\":1}}");
    assertEquals(200, tried.status(), tried.text());
    return tried.body();
  }

  @Test
  void loopbackIsAllowedByDefaultAndARedirectIsNotFollowed() throws Exception {
    String source = httpSource(tally.api, local("/"));
    String[] t = task(tally.api, source, "/orders/PAID", "/moved/1", "null");
    JsonNode verdict = tryIt(t[0]);
    assertEquals("ERROR", verdict.get("status").asText(), verdict.toString());
    assertTrue(verdict.toString().contains("HTTP 302"), verdict.toString());
    assertTrue(verdict.toString().contains("redirects are not followed"), verdict.toString());
    assertTrue(verdict.at("/left/found").asBoolean(), "the loopback left side was read: " + verdict);
    assertFalse(paths.contains("/elsewhere"), "the redirect was followed");
  }

  @Test
  void anAnswerLargerThanMaxResponseBytesIsAnErrorNamingTheLimit() throws Exception {
    String source = httpSource(tally.api, local("/"));
    for (String path : List.of("/big", "/chunked")) {
      JsonNode verdict = tryIt(task(tally.api, source, "/orders/PAID", path, "null")[0]);
      assertEquals("ERROR", verdict.get("status").asText(), verdict.toString());
      assertTrue(verdict.toString().contains("outbound.maxResponseBytes (" + MAX_BYTES + " bytes)"), path + ": " + verdict);
    }
  }

  @Test
  void metadataAndLinkLocalAddressesAreRefusedWhenConfigured() throws Exception {
    ApiClient.Response ds = tally.api.post("/api/v1/data-sources",
        "{\"name\":\"meta\",\"kind\":\"HTTP\",\"baseUrl\":\"http://169.254.169.254/latest/meta-data/\"}");
    assertEquals(400, ds.status(), ds.text());
    assertEquals("baseUrl", ds.body().get("field").asText(), ds.text());
    assertTrue(ds.text().contains("link-local or cloud metadata"), ds.text());

    ApiClient.Response google = tally.api.post("/api/v1/data-sources",
        "{\"name\":\"meta\",\"kind\":\"HTTP\",\"baseUrl\":\"http://metadata.google.internal/computeMetadata/v1/\"}");
    assertEquals(400, google.status(), google.text());
    assertEquals("baseUrl", google.body().get("field").asText(), google.text());

    ApiClient.Response search = tally.api.post("/api/v1/data-sources",
        "{\"name\":\"meta\",\"kind\":\"ELASTICSEARCH\",\"hosts\":[\"http://127.0.0.1:9200\",\"http://169.254.10.1:9200\"]}");
    assertEquals(400, search.status(), search.text());
    assertEquals("hosts[1]", search.body().get("field").asText(), search.text());

    String source = httpSource(tally.api, local("/"));
    String events = tally.api.create("/api/v1/event-sources", "{\"name\":\"meta\",\"kind\":\"API\"}").id();
    ApiClient.Response task = tally.api.post("/api/v1/tasks", """
        {"name": "meta", "eventSourceId": "%s", "left": {"dataSourceId": "%s", "url": "/orders/A"},
         "right": {"dataSourceId": "%s", "url": "/orders/A"}, "entityKey": ["id"], "compare": [{"left": "status", "right": "status"}],
         "callback": {"url": "http://169.254.169.254/hook", "secret": "sixteen-characters-at-least"}}
        """.formatted(events, source, source));
    assertEquals(400, task.status(), task.text());
    assertEquals("callback.url", task.body().get("field").asText(), task.text());

    ApiClient.Response channel = tally.api.post("/api/v1/alert-channels",
        "{\"name\":\"meta\",\"kind\":\"WEBHOOK\",\"url\":\"http://[fd00:ec2::254]/hook\"}");
    assertEquals(400, channel.status(), channel.text());
    assertEquals("url", channel.body().get("field").asText(), channel.text());
  }

  /**
   * A data source and a callback made while 127.0.0.1 was allowed, then the node restarted with an allow-list
   * without it: new ones are refused (400), and the stored ones fail at call time saying why.
   */
  @Test
  void aHostOutsideAllowHostsIsRefusedOnInputAndAtCallTime() throws Exception {
    TallyConfig.Store store = StoreFixture.h2(); // of these two nodes only: no other node may make the callback
    String source;
    String[] t;
    try (TallyInProcess before = new TallyInProcess(config(store, OutboundPolicy.DEFAULT))) {
      source = httpSource(before.api, local("/"));
      t = task(before.api, source, "/orders/PAID", "/orders/NEW",
          "{\"url\": \"" + local("/hook") + "\", \"on\": \"ALL\", \"secret\": \"sixteen-characters-at-least\", \"maxAttempts\": 1}");
    }
    try (TallyInProcess after = new TallyInProcess(config(store, OutboundPolicy.parse("api.partner.example, *.corp.example", MAX_BYTES)))) {
      ApiClient.Response ds = after.api.post("/api/v1/data-sources",
          "{\"name\":\"again\",\"kind\":\"HTTP\",\"baseUrl\":\"" + local("/") + "\"}");
      assertEquals(400, ds.status(), ds.text());
      assertEquals("baseUrl", ds.body().get("field").asText(), ds.text());
      assertTrue(ds.text().contains("127.0.0.1 is not in outbound.allowHosts"), ds.text());

      JsonNode stored = after.api.get("/api/v1/tasks/" + t[0]).body();
      String again = stored.toString().replace("\"secretSet\":true", "\"secret\":\"sixteen-characters-at-least\"");
      ApiClient.Response edit = after.api.put("/api/v1/tasks/" + t[0], again);
      assertEquals(400, edit.status(), edit.text());
      assertEquals("callback.url", edit.body().get("field").asText(), edit.text());

      paths.remove("/hook");
      ApiClient.Response posted = after.api.post("/api/v1/events/" + t[1], "{\"id\":\"e1\",\"op\":\"UPDATE\",\"data\":{\"id\":1}}");
      assertEquals(202, posted.status(), posted.text());
      JsonNode list = after.api.await("/api/v1/results?taskId=" + t[0], r -> r.path("items").size() > 0, DEADLINE);
      String resultId = list.at("/items/0/id").asText();
      JsonNode result = after.api.await("/api/v1/results/" + resultId, r -> r.path("callbacks").size() > 0, DEADLINE);
      assertEquals("ERROR", result.get("status").asText(), result.toString());
      assertTrue(result.toString().contains("outbound request refused: 127.0.0.1 is not in outbound.allowHosts"), result.toString());
      String callbackError = result.at("/callbacks/0/error").asText();
      assertTrue(callbackError.contains("127.0.0.1 is not in outbound.allowHosts"), result.toString());
      assertFalse(paths.contains("/hook"), "the callback reached the endpoint");
    }
  }
}
