package dev.tally.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OutboundClient against a real local server, called the way tests and resolver threads call it: from a thread
 * that is not the request's event loop. Small answers end in the same packet as their head, so handlers set one
 * hop too late meet an ended response (an IllegalStateException without a message).
 */
class OutboundClientTest {
  private static final int MAX_BYTES = 1024;
  static Vertx vertx;
  static HttpServer server;
  static OutboundClient client;
  static String base;

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> {
      switch (req.path()) {
        case "/missing" -> req.response().setStatusCode(404).end();
        case "/small" -> req.response().end("{\"ok\":true}");
        case "/large" -> req.response().end("x".repeat(MAX_BYTES + 1));
        case "/chunked-large" -> {
          req.response().setChunked(true);
          for (int i = 0; i < 4; i++) req.response().write("y".repeat(MAX_BYTES / 2));
          req.response().end();
        }
        case "/redirect" -> req.response().setStatusCode(302).putHeader("Location", "http://169.254.169.254/").end();
        default -> req.response().setStatusCode(500).end();
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + server.actualPort();
    client = new OutboundClient(vertx, new OutboundPolicy(List.of(), MAX_BYTES));
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static OutboundClient.Response get(String path) throws Exception {
    return client.send(HttpMethod.GET, base + path, Map.of(), null, 5000)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void emptyAndSmallAnswersAreReadEveryTimeFromAThreadOffTheEventLoop() throws Exception {
    for (int i = 0; i < 1500; i++) {
      assertEquals(404, get("/missing").status(), "request " + i);
      OutboundClient.Response small = get("/small");
      assertEquals(200, small.status(), "request " + i);
      assertEquals("{\"ok\":true}", small.body().toString(), "request " + i);
    }
  }

  @Test
  void manyRequestsInFlightAtOnceAllComplete() throws Exception {
    List<Future<OutboundClient.Response>> inFlight = new ArrayList<>();
    for (int i = 0; i < 500; i++) inFlight.add(client.send(HttpMethod.GET, base + (i % 2 == 0 ? "/missing" : "/small"), Map.of(), null, 5000));
    Future.all(inFlight).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    for (int i = 0; i < inFlight.size(); i++) assertEquals(i % 2 == 0 ? 404 : 200, inFlight.get(i).result().status());
  }

  @Test
  void anAnswerLargerThanTheBoundFailsWhetherItsLengthIsDeclaredOrNot() {
    for (String path : List.of("/large", "/chunked-large")) {
      ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> get(path));
      assertInstanceOf(OutboundClient.TooLarge.class, failed.getCause(), path);
    }
  }

  @Test
  void aRedirectIsTheAnswerNotFollowed() throws Exception {
    OutboundClient.Response redirect = get("/redirect");
    assertEquals(302, redirect.status());
    assertEquals("http://169.254.169.254/", redirect.headers().get("Location"));
  }

  @Test
  void aMetadataAddressIsRefusedBeforeAnyConnection() {
    ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> client.send(HttpMethod.GET, "http://169.254.169.254/latest", Map.of(), Buffer.buffer("x"), 2000)
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertInstanceOf(OutboundClient.Refused.class, refused.getCause());
    assertTrue(refused.getCause().getMessage().contains("refused"), refused.getCause().getMessage());
  }
}
