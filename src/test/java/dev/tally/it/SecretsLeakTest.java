package dev.tally.it;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.config.TallyConfig;
import dev.tally.repair.Signer;
import dev.tally.store.Db;
import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A full run with every kind of secret configured (a data source's password, API key and header, a header given
 * as a file: reference, a callback secret, an alert webhook URL with its token): the partner's endpoints get
 * them in clear, as they must, while no log line, no API response and no stored row holds any of them.
 */
class SecretsLeakTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private final String salt = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final String password = "pw-" + salt;
  private final String apiKey = "apikey-" + salt;
  private final String header = "hdr-" + salt;
  private final String fromFile = "ref-" + salt;
  private final String callbackSecret = "callback-secret-" + salt;
  private final String hookToken = "hook-" + salt;
  private final List<String> secrets = List.of(password, apiKey, header, fromFile, callbackSecret, hookToken);

  private final StringBuilder responses = new StringBuilder();
  private final ConcurrentLinkedQueue<HttpServerRequest> callbacks = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> callbackBodies = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> hooks = new ConcurrentLinkedQueue<>();

  private ApiClient.Response seen(ApiClient.Response r) {
    responses.append(r.status()).append(' ').append(r.text()).append('\n');
    return r;
  }

  @Test
  void noSecretInLogsApiResponsesOrStoredRows() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    Vertx vertx = Vertx.vertx();
    TallyConfig.Store store = StoreFixture.mysql("tally_test_secrets_leak");
    await(StoreFixture.open(vertx, store).close());
    Path tokenFile = Files.createTempFile("partner-token-", "");
    Files.writeString(tokenFile, "Bearer " + fromFile + "\n");
    HttpServer partner = await(vertx.createHttpServer().requestHandler(this::partner).listen(0, "127.0.0.1"));
    String base = "http://127.0.0.1:" + partner.actualPort();
    try (TallyInProcess tally = new TallyInProcess(store)) {
      ApiClient api = tally.api;
      String left = seen(api.create("/api/v1/data-sources", """
          {"name": "orders api", "kind": "HTTP", "baseUrl": "%s", "user": "svc", "password": "%s", "apiKey": "%s",
           "headers": {"X-Token": "%s"}}""".formatted(base, password, apiKey, header))).id();
      String right = seen(api.create("/api/v1/data-sources", """
          {"name": "partner api", "kind": "HTTP", "baseUrl": "%s", "headers": {"Authorization": "file:%s"}}"""
          .formatted(base, tokenFile))).id();
      String unresolved = seen(api.create("/api/v1/data-sources", """
          {"name": "misconfigured", "kind": "HTTP", "baseUrl": "%s", "headers": {"Authorization": "env:TALLY_UNSET_%s"}}"""
          .formatted(base, salt))).id();
      String channel = seen(api.create("/api/v1/alert-channels", """
          {"name": "hook", "kind": "WEBHOOK", "url": "%s/hook?token=%s"}""".formatted(base, hookToken))).id();
      String source = seen(api.create("/api/v1/event-sources", "{\"name\":\"orders\",\"kind\":\"API\"}")).id();
      String task = seen(api.create("/api/v1/tasks", """
          {"name": "orders vs partner", "eventSourceId": "%s", "type": "CONFIG",
           "left":  {"dataSourceId": "%s", "url": "/left/#{id}"},
           "right": {"dataSourceId": "%s", "url": "/right/#{id}"},
           "compare": [{"left": "status", "right": "status"}],
           "callback": {"url": "%s/callback", "secret": "%s", "on": "FAIL"},
           "alert": {"channelIds": ["%s"], "windowSeconds": 10}}""".formatted(source, left, right, base, callbackSecret, channel))).id();

      // references resolve when the reader is made; one that does not is a failed test naming it, not its value
      assertTrue(seen(api.post("/api/v1/data-sources/" + left + "/test", "")).body().get("ok").asBoolean(), responses.toString());
      assertTrue(seen(api.post("/api/v1/data-sources/" + right + "/test", "")).body().get("ok").asBoolean(), responses.toString());
      JsonNode failed = seen(api.post("/api/v1/data-sources/" + unresolved + "/test", "")).body();
      assertFalse(failed.get("ok").asBoolean());
      assertEquals("secret reference env:TALLY_UNSET_" + salt + ": no such environment variable", failed.get("error").asText());
      assertTrue(seen(api.post("/api/v1/alert-channels/" + channel + "/test", "")).body().toString().contains("true"), responses.toString());

      assertEquals(202, seen(api.post("/api/v1/events/" + source, "{\"op\":\"UPDATE\",\"data\":{\"id\":7}}")).status());
      api.await("/api/v1/results?taskId=" + task + "&status=FAIL", p -> p.get("items").size() == 1, DEADLINE);
      JsonNode results = seen(api.get("/api/v1/results?taskId=" + task + "&status=FAIL")).body();
      String resultId = results.get("items").get(0).get("id").asText();
      assertEquals("status", results.get("items").get(0).get("diffs").get(0).get("field").asText(), results.toString());
      awaitTrue(() -> !callbacks.isEmpty(), "the callback is called");
      HttpServerRequest call = callbacks.peek();
      assertTrue(Signer.verify(callbackSecret, Long.parseLong(call.getHeader(Signer.TIMESTAMP_HEADER)),
          callbackBodies.peek().getBytes(StandardCharsets.UTF_8), call.getHeader(Signer.SIGNATURE_HEADER)), "signed with the secret");
      api.await("/api/v1/alert-deliveries?channelId=" + channel + "&status=SENT", p -> p.get("items").size() == 1, DEADLINE);
      awaitTrue(() -> hooks.size() >= 2, "the test message and the alert reach the webhook");

      for (String path : List.of("/api/v1/data-sources", "/api/v1/data-sources/" + left, "/api/v1/data-sources/" + right,
          "/api/v1/tasks", "/api/v1/tasks/" + task, "/api/v1/alert-channels", "/api/v1/alert-channels/" + channel,
          "/api/v1/results/" + resultId, "/api/v1/results?taskId=" + task, "/api/v1/alert-deliveries?channelId=" + channel,
          "/api/v1/event-sources", "/api/v1/discrepancies", "/api/v1/jobs", "/api/v1/dead-letters", "/metrics")) {
        assertTrue(seen(api.get(path)).status() < 500, path);
      }
      assertTrue(seen(api.get("/api/v1/results/" + resultId)).text().contains("callback"), "the callback's outcome is shown");
      // a PUT that leaves secrets out keeps them: the next read still works
      com.fasterxml.jackson.databind.node.ObjectNode view =
          (com.fasterxml.jackson.databind.node.ObjectNode) seen(api.get("/api/v1/data-sources/" + left)).body();
      view.remove(List.of("passwordSet", "apiKeySet"));
      assertEquals(200, seen(api.put("/api/v1/data-sources/" + left, view.toString())).status(), responses.toString());
      assertTrue(seen(api.post("/api/v1/data-sources/" + left + "/test", "")).body().get("ok").asBoolean(), responses.toString());

      String rows = storedRows(vertx, store);
      String logged = logged(logs);
      for (String s : secrets) {
        assertFalse(responses.toString().contains(s), s + " in an API response:\n" + responses);
        assertFalse(logged.contains(s), s + " in the log:\n" + logged);
        assertFalse(rows.contains(s), s + " in the store:\n" + rows);
      }
      assertTrue(rows.contains("enc:v1:"), "sealed values are stored");
      assertTrue(rows.contains("file:" + tokenFile), "a reference is stored as given");
    } finally {
      root.detachAppender(logs);
      await(vertx.close());
    }
  }

  private void partner(HttpServerRequest req) {
    String path = req.path();
    req.body().onSuccess(body -> {
      if (path.startsWith("/left/")) {
        boolean ok = header.equals(req.getHeader("X-Token"));
        req.response().setStatusCode(ok ? 200 : 401).putHeader("Content-Type", "application/json")
            .end(ok ? "{\"id\":7,\"status\":\"PAID\"}" : "{}");
      } else if (path.startsWith("/right/")) {
        boolean ok = ("Bearer " + fromFile).equals(req.getHeader("Authorization"));
        req.response().setStatusCode(ok ? 200 : 401).putHeader("Content-Type", "application/json")
            .end(ok ? "{\"id\":7,\"status\":\"NEW\"}" : "{}");
      } else if (path.equals("/callback")) {
        callbackBodies.add(body.toString(StandardCharsets.UTF_8));
        callbacks.add(req);
        req.response().end("{}");
      } else if (path.equals("/hook") && hookToken.equals(req.getParam("token"))) {
        hooks.add(body.toString());
        req.response().end("{}");
      } else {
        req.response().setStatusCode(404).end();
      }
    });
  }

  private static void awaitTrue(Supplier<Boolean> condition, String what) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > end) throw new AssertionError("not within " + DEADLINE + ": " + what);
      LockSupport.parkNanos(50_000_000);
    }
  }

  /** Every value of every row of every table of the store. */
  private static String storedRows(Vertx vertx, TallyConfig.Store store) throws Exception {
    Pool pool = await(Db.open(vertx, store));
    try {
      StringBuilder sb = new StringBuilder();
      List<String> tables = new ArrayList<>();
      await(pool.query("SHOW TABLES").execute()).forEach(r -> tables.add(r.getString(0)));
      assertTrue(tables.contains("data_sources") && tables.contains("results"), tables.toString());
      for (String table : tables) {
        for (Row r : await(pool.query("SELECT * FROM `" + table + "`").execute())) {
          sb.append(table).append(':');
          for (int i = 0; i < r.size(); i++) sb.append(' ').append(r.getValue(i));
          sb.append('\n');
        }
      }
      return sb.toString();
    } finally {
      await(pool.close());
    }
  }

  private static String logged(ListAppender<ILoggingEvent> logs) {
    StringBuilder sb = new StringBuilder();
    for (ILoggingEvent e : List.copyOf(logs.list)) {
      sb.append(e.getFormattedMessage()).append('\n');
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) sb.append(t.getMessage()).append('\n');
    }
    assertTrue(sb.toString().contains("store: Store["), "the node's log is captured");
    return sb.toString();
  }
}
