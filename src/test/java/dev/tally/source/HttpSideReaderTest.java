package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a small fake of the user's API, served by Vert.x on a free port. */
class HttpSideReaderTest extends SideReaderContractTest {
  private final Map<String, String> seen = new ConcurrentHashMap<>();
  private HttpServer server;
  private HttpSideReader reader;
  private String baseUrl;

  private static DataSource dataSource(String baseUrl, int timeoutMs) {
    return new DataSource("ds-http", "api", DataSourceKind.HTTP, null, null, null, null, null, null,
        baseUrl, Map.of("Authorization", "Bearer t0ken"), timeoutMs, null, null, null, null, null, null, null, null, 0L, 0L);
  }

  @BeforeAll
  void startFakeApi() {
    server = Await.result(vertx.createHttpServer().requestHandler(this::answer).listen(0, "127.0.0.1"));
    baseUrl = "http://127.0.0.1:" + server.actualPort() + "/api/";
    reader = new HttpSideReader(vertx, dataSource(baseUrl, 2000));
  }

  /** /api/orders/{id}: 1 found, 404, 500, null, slow (never answers), text; POST /api/search echoes the body. */
  private void answer(HttpServerRequest req) {
    seen.put("uri", req.uri());
    seen.put("auth", String.valueOf(req.getHeader("Authorization")));
    String path = req.path();
    if (req.method().name().equals("POST") && path.equals("/api/search")) {
      req.body().onSuccess(body -> {
        seen.put("body", body.toString());
        req.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("hits", List.of(new JsonObject().put("echo", body.toJsonObject()))).encode());
      });
      return;
    }
    String id = path.startsWith("/api/orders/") ? path.substring("/api/orders/".length()) : "";
    switch (id) {
      case "1", "a%20b%2Fc" -> req.response().putHeader("Content-Type", "application/json")
          .end("{\"data\": {\"order\": {\"id\": 1, \"amount\": 12.50, \"status\": \"paid\"}}}");
      case "null" -> req.response().end("{\"data\": null}");
      case "500" -> req.response().setStatusCode(500).end("boom");
      case "text" -> req.response().end("<html>");
      case "slow" -> { } // never answers
      default -> req.response().setStatusCode(404).end();
    }
  }

  @AfterAll
  void stopFakeApi() {
    if (reader != null) Await.result(reader.close());
    Await.result(server.close());
  }

  @Override
  protected SideReader reader() {
    return reader;
  }

  @Override
  protected SideReader unreachableReader() {
    return new HttpSideReader(vertx, dataSource("http://127.0.0.1:1/api", 2000));
  }

  @Override
  protected SideSpec spec() {
    return get("orders/#{id}", "$.data.order");
  }

  @Override
  protected Object foundId() {
    return 1;
  }

  @Override
  protected Object missingId() {
    return 404;
  }

  private static SideSpec get(String url, String jsonPath) {
    return new SideSpec("ds-http", null, null, null, null, null, null, url, null, jsonPath);
  }

  private SideRead read(SideSpec spec, Object id) {
    return read(reader, spec, Map.of("id", id));
  }

  @Test
  void foundEntityAtTheJsonPathWithHeaders() {
    SideRead read = read(spec(), 1);
    assertEquals(Map.of("id", 1, "amount", new BigDecimal("12.50"), "status", "paid"), read.values());
    assertEquals("GET " + baseUrl + "orders/1", read.query());
    assertEquals(List.of(), read.params());
    assertEquals("Bearer t0ken", seen.get("auth"));
  }

  @Test
  void notFoundAbsentPathAndNullAreMissing() {
    SideRead notFound = read(spec(), 404);
    assertNull(notFound.error());
    assertFalse(notFound.found());
    assertFalse(read(get("orders/#{id}", "$.data.customer"), 1).found());
    assertFalse(read(spec(), "null").found());
    assertNull(read(spec(), "null").error());
  }

  @Test
  void serverErrorFailsTheSide() {
    SideRead read = read(spec(), 500);
    assertEquals("HTTP 500 from GET " + baseUrl + "orders/500", read.error());
  }

  @Test
  void nonJsonAnswerFailsTheSide() {
    assertTrue(read(spec(), "text").error().startsWith("response of GET " + baseUrl + "orders/text is not JSON"));
  }

  @Test
  void valuesAreUrlEncodedAsOnePathSegment() {
    SideRead read = read(spec(), "a b/c");
    assertEquals("/api/orders/a%20b%2Fc", seen.get("uri"));
    assertTrue(read.found());
    assertEquals("GET " + baseUrl + "orders/a%20b%2Fc", read.query());
  }

  @Test
  void absoluteUrlIgnoresBaseUrl() {
    String absolute = "http://127.0.0.1:" + server.actualPort() + "/api/orders/#{id}";
    assertTrue(read(get(absolute, "data.order"), 1).found());
  }

  @Test
  void postBodyValuesCannotBreakOutOfTheirString() {
    SideSpec post = new SideSpec("ds-http", null, null, null, null, null, "POST", "/search",
        "{\"id\": \"#{id}\"}", "$.hits[0].echo");
    String evil = "x\", \"evil\": 1, \"y\": \"";
    SideRead read = read(post, evil);
    assertEquals(Map.of("id", evil), read.values());
    assertEquals("POST " + baseUrl + "search", read.query());
    assertEquals(List.of(seen.get("body")), read.params());
  }

  @Test
  void slowAnswerTimesOut() {
    HttpSideReader impatient = new HttpSideReader(vertx, dataSource(baseUrl, 300));
    try {
      SideRead read = read(impatient, spec(), Map.of("id", "slow"));
      assertTrue(read.error().startsWith("timed out after 300 ms"), read.error());
      assertTrue(read.tookMs() < 2000, "took " + read.tookMs());
    } finally {
      Await.result(impatient.close());
    }
  }

  @Test
  void testPassesOnAnyHttpStatusAndNeedsABaseUrl() {
    HttpSideReader answersWith404 = new HttpSideReader(vertx, dataSource(baseUrl + "nothing-here", 2000));
    Await.result(answersWith404.test());
    Await.result(answersWith404.close());
    HttpSideReader noBase = new HttpSideReader(vertx, dataSource(null, 2000));
    assertTrue(Await.failure(noBase.test()).getMessage().contains("no baseUrl"));
    assertTrue(read(noBase, spec(), Map.of("id", 1)).error().contains("no baseUrl"));
    Await.result(noBase.close());
  }
}
