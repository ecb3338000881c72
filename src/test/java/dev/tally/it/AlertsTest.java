package dev.tally.it;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.model.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Alerts end to end through the REST API: a burst of failures of a task (real MariaDB rows with no Redis copy)
 * makes one message per window per channel with the exact count, at stand-ins for a WeCom robot, a Slack
 * webhook and a user's endpoint (small Vert.x servers here); a failed send is retried; channel urls, which hold
 * tokens, never come back from the API.
 */
class AlertsTest {
  private static final String TOKEN = "s3cr3t-token-4711";
  private static final int BURST = 1000;

  static Vertx receivers;
  static TallyInProcess tally;
  static Services services;
  static ApiClient api;
  /** Every API answer's text, to show that no channel url comes back. */
  static final List<String> answers = new CopyOnWriteArrayList<>();

  /** An HTTP endpoint standing in for WeCom, Slack or a user's server: keeps each request's body. */
  static final class Receiver {
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final AtomicInteger requests = new AtomicInteger();
    final HttpServer server;

    /** {@code status}: the answer to the n-th request (0-based). */
    Receiver(IntUnaryOperator status) throws Exception {
      server = await(receivers.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
        int n = requests.getAndIncrement();
        int code = status.applyAsInt(n);
        if (code / 100 == 2) bodies.add(body.toString());
        req.response().setStatusCode(code).putHeader("content-type", "application/json").end("{\"errcode\":0,\"errmsg\":\"ok\"}");
      })).listen(0, "127.0.0.1"));
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.actualPort() + path;
    }
  }

  static Receiver wecom;
  static Receiver slack;
  static Receiver webhook;
  static Receiver flaky;
  static Receiver broken;

  @BeforeAll
  static void setUp() throws Exception {
    receivers = Vertx.vertx();
    wecom = new Receiver(n -> 200);
    slack = new Receiver(n -> 200);
    webhook = new Receiver(n -> 200);
    flaky = new Receiver(n -> n == 0 ? 500 : 200);
    broken = new Receiver(n -> 500);
    tally = new TallyInProcess();
    api = tally.api;
    services = new Services(tally.vertx);
  }

  @AfterAll
  static void tearDown() throws Exception {
    services.sql("DROP TABLE IF EXISTS " + services.prefix + "_alerted");
    services.close();
    tally.close();
    await(receivers.close());
  }

  static ApiClient.Response call(ApiClient.Response r) {
    answers.add(r.text());
    return r;
  }

  static String channel(String name, String kind, String url) throws Exception {
    ApiClient.Response r = call(api.post("/api/v1/alert-channels",
        Json.write(Map.of("name", name, "kind", kind, "url", url))));
    assertEquals(201, r.status(), r.text());
    return r.id();
  }

  static String task(String name, String table, String alert) throws Exception {
    String source = api.create("/api/v1/event-sources", "{\"name\":\"" + name + "\",\"kind\":\"API\"}").id();
    String mysql = api.create("/api/v1/data-sources", "{\"name\":\"shop\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"port\":3306,"
        + "\"database\":\"test\",\"user\":\"root\",\"password\":\"\"}").id();
    String redis = api.create("/api/v1/data-sources", "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\",\"port\":6379}").id();
    ApiClient.Response r = call(api.post("/api/v1/tasks", """
        {"name": "%s", "eventSourceId": "%s", "type": "CONFIG",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["id", "status"]},
         "right": {"dataSourceId": "%s", "key": "%s:%s:#{id}", "valueType": "JSON"},
         "compare": [{"left": "status", "right": "status"}], "alert": %s}
        """.formatted(name, source, mysql, table, redis, services.prefix, name, alert)));
    if (r.status() != 201) return "!" + r.status() + " " + r.text();
    return r.id() + "@" + source;
  }

  @Test
  void aBurstOfFailuresMakesOneMessagePerWindowPerChannelWithTheExactCount() throws Exception {
    String wecomId = channel("robot", "WECOM", wecom.url("/cgi-bin/webhook/send?key=" + TOKEN));
    String slackId = channel("slack", "SLACK", slack.url("/services/T000/B000/" + TOKEN));
    String webhookId = channel("mine", "WEBHOOK", webhook.url("/alerts?token=" + TOKEN));
    String flakyId = channel("flaky", "WEBHOOK", flaky.url("/flaky/" + TOKEN));
    String table = services.prefix + "_alerted";
    services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20))");
    StringBuilder rows = new StringBuilder("INSERT INTO " + table + " (id, status) VALUES ");
    StringBuilder events = new StringBuilder("[");
    for (int i = 1; i <= BURST; i++) {
      rows.append(i == 1 ? "" : ",").append('(').append(i).append(", 'paid')");
      events.append(i == 1 ? "" : ",").append("{\"op\":\"UPDATE\",\"data\":{\"id\":").append(i).append("}}");
    }
    services.sql(rows.toString());
    String alert = "{\"channelIds\": [\"%s\", \"%s\", \"%s\", \"%s\"], \"windowSeconds\": 10, \"on\": [\"FAIL\"]}"
        .formatted(wecomId, slackId, webhookId, flakyId);
    String[] created = task("burst", table, alert).split("@");
    assertFalse(created[0].startsWith("!"), created[0]);
    String taskId = created[0];

    // the channel is in use: it cannot be deleted
    assertEquals(409, call(api.delete("/api/v1/alert-channels/" + slackId)).status());

    ApiClient.Response posted = call(api.post("/api/v1/events/" + created[1], events.append(']').toString()));
    assertEquals(202, posted.status(), posted.text());
    api.await("/api/v1/tasks/" + taskId + "/stats?bucket=day", s -> s.get("fail").asLong() == BURST, Duration.ofSeconds(60));

    // every failure is in exactly one delivery per channel, all sent
    for (String channelId : List.of(wecomId, slackId, webhookId, flakyId)) {
      JsonNode page = api.await("/api/v1/alert-deliveries?taskId=" + taskId + "&channelId=" + channelId + "&limit=100",
          p -> sum(p.get("items"), "count") == BURST && all(p.get("items"), "status", "SENT"), Duration.ofSeconds(60));
      answers.add(page.toString());
      Set<Long> windows = new HashSet<>();
      for (JsonNode d : page.get("items")) {
        assertTrue(windows.add(d.get("windowStart").asLong()), "one delivery per window: " + page);
        assertEquals(10_000, d.get("windowEnd").asLong() - d.get("windowStart").asLong());
        assertEquals(0, d.get("windowStart").asLong() % 10_000, "windows are aligned");
        assertTrue(d.get("sentAt").asLong() >= d.get("windowEnd").asLong(), "sent once the window ended: " + d);
        assertTrue(d.get("examples").size() >= 1 && d.get("examples").size() <= 5, d.toString());
      }
      assertTrue(windows.size() <= 3, "a burst of a few seconds spans one or two windows: " + windows);
    }

    // what the endpoints got: one message per delivery, the counts adding up to the burst
    List<Long> wecomCounts = counts(wecom.bodies, b -> {
      JsonNode n = Json.MAPPER.readTree(b);
      assertEquals("markdown", n.get("msgtype").asText());
      String content = n.at("/markdown/content").asText();
      assertTrue(content.contains("(http://127.0.0.1:" + tallyPort() + "/#/discrepancies?taskId=" + taskId + ")"), content);
      assertTrue(content.contains("missing on right"), content);
      return number(content, "<font color=\"warning\">(\\d+)</font>");
    });
    List<Long> slackCounts = counts(slack.bodies, b -> {
      String text = Json.MAPPER.readTree(b).get("text").asText();
      assertTrue(text.contains("<http://127.0.0.1:" + tallyPort() + "/#/discrepancies?taskId=" + taskId + "|"), text);
      return number(text, "\\*Tally: (\\d+) failures? in task burst\\*");
    });
    List<Long> webhookCounts = counts(webhook.bodies, b -> {
      JsonNode n = Json.MAPPER.readTree(b);
      assertEquals(taskId, n.get("taskId").asText());
      assertEquals("burst", n.get("taskName").asText());
      assertTrue(n.get("examples").size() <= 5);
      assertEquals("FAIL", n.at("/examples/0/status").asText());
      return n.get("count").asLong();
    });
    List<Long> flakyCounts = counts(flaky.bodies, b -> Json.MAPPER.readTree(b).get("count").asLong());
    for (List<Long> c : List.of(wecomCounts, slackCounts, webhookCounts, flakyCounts)) {
      assertEquals(BURST, c.stream().mapToLong(Long::longValue).sum(), "counts " + c);
      assertEquals(wecomCounts.size(), c.size(), "as many messages on each channel");
    }

    // the flaky endpoint answered 500 first: that delivery was sent again, and shows it
    JsonNode flakyDeliveries = api.get("/api/v1/alert-deliveries?channelId=" + flakyId).body();
    assertEquals(flaky.bodies.size() + 1, flaky.requests.get());
    assertEquals(flakyDeliveries.get("items").size() + 1, (int) sum(flakyDeliveries.get("items"), "attempts"), flakyDeliveries.toString());
    JsonNode retried = null;
    for (JsonNode d : flakyDeliveries.get("items")) if (d.get("attempts").asInt() == 2) retried = d;
    assertTrue(retried != null, flakyDeliveries.toString());
    assertEquals("SENT", retried.get("status").asText());
    // and /metrics counts each try of each channel
    String metrics = api.get("/metrics").text();
    assertTrue(metrics.contains("tally_alerts_sent_total{channel=\"" + flakyId + "\",outcome=\"failed\"} 1.0"), metrics);
    assertTrue(metrics.contains("tally_alerts_sent_total{channel=\"" + flakyId + "\",outcome=\"ok\"} " + flaky.bodies.size() + ".0"),
        metrics);
    assertEquals("HTTP 500", retried.get("lastError").asText());
    assertTrue(api.get("/api/v1/alert-deliveries?status=FAILED&taskId=" + taskId).body().get("items").isEmpty());
    assertTrue(answers.stream().noneMatch(a -> a.contains(TOKEN)), "a channel url came back from the API");
  }

  @Test
  void aDeliveryThatKeepsFailingIsKeptAsFailedAfterFiveAttempts() throws Exception {
    String brokenId = channel("broken", "SLACK", broken.url("/hooks/" + TOKEN));
    String table = services.prefix + "_broken";
    services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20))", "INSERT INTO " + table + " VALUES (1, 'x'), (2, 'y')");
    try {
      String[] created = task("broken", table, "{\"channelIds\": [\"" + brokenId + "\"], \"windowSeconds\": 10}").split("@");
      assertEquals(202, api.post("/api/v1/events/" + created[1], "[{\"op\":\"UPDATE\",\"data\":{\"id\":1}},"
          + "{\"op\":\"UPDATE\",\"data\":{\"id\":2}}]").status());
      // 10 s window, then 1 + 2 + 4 + 8 s of backoff
      JsonNode page = api.await("/api/v1/alert-deliveries?channelId=" + brokenId + "&status=FAILED",
          p -> p.get("items").size() == 1, Duration.ofSeconds(60));
      answers.add(page.toString());
      JsonNode d = page.at("/items/0");
      assertEquals(5, d.get("attempts").asInt());
      assertEquals(2, d.get("count").asInt());
      assertEquals("HTTP 500", d.get("lastError").asText());
      assertTrue(d.get("sentAt").isNull());
      assertEquals(5, broken.requests.get());
      assertTrue(answers.stream().noneMatch(a -> a.contains(TOKEN)), "a channel url came back from the API");
    } finally {
      services.sql("DROP TABLE IF EXISTS " + table);
    }
  }

  @Test
  void channelsAreManagedWithoutEverShowingTheirUrl() throws Exception {
    String id = channel("ops room", "WECOM", wecom.url("/cgi-bin/webhook/send?key=" + TOKEN));
    JsonNode got = call(api.get("/api/v1/alert-channels/" + id)).body();
    assertEquals("ops room", got.get("name").asText());
    assertEquals("WECOM", got.get("kind").asText());
    assertTrue(got.get("urlSet").asBoolean());
    assertNull(got.get("url"));
    assertTrue(got.get("createdAt").asLong() > 0);
    JsonNode list = call(api.get("/api/v1/alert-channels")).body();
    assertTrue(list.has("nextCursor") && list.get("nextCursor").isNull());
    assertTrue(list.get("items").size() >= 1);

    // the view sent back (urlSet, no url) keeps the stored url: the test message still reaches the robot
    ((com.fasterxml.jackson.databind.node.ObjectNode) got).put("name", "ops");
    ApiClient.Response renamed = call(api.put("/api/v1/alert-channels/" + id, got.toString()));
    assertEquals(200, renamed.status(), renamed.text());
    assertEquals("ops", renamed.body().get("name").asText());
    int before = wecom.bodies.size();
    JsonNode tested = call(api.post("/api/v1/alert-channels/" + id + "/test", "")).body();
    assertTrue(tested.get("ok").asBoolean(), tested.toString());
    assertEquals(200, tested.get("statusCode").asInt());
    assertTrue(tested.get("error").isNull());
    assertTrue(tested.has("tookMs"));
    assertEquals(before + 1, wecom.bodies.size());
    assertTrue(Json.MAPPER.readTree(wecom.bodies.get(before)).at("/markdown/content").asText().contains("\"ops\""));

    // a test message to an endpoint that answers 500, and to one that is not there
    Receiver down = new Receiver(n -> 500);
    String failing = channel("failing", "WEBHOOK", down.url("/x?token=" + TOKEN));
    JsonNode answered500 = call(api.post("/api/v1/alert-channels/" + failing + "/test", "")).body();
    assertFalse(answered500.get("ok").asBoolean());
    assertEquals(500, answered500.get("statusCode").asInt());
    assertEquals("HTTP 500", answered500.get("error").asText());
    HttpServer gone = await(receivers.createHttpServer().requestHandler(r -> r.response().end()).listen(0, "127.0.0.1"));
    int port = gone.actualPort();
    await(gone.close());
    String nowhere = channel("nowhere", "SLACK", "http://127.0.0.1:" + port + "/services/" + TOKEN);
    JsonNode refused = call(api.post("/api/v1/alert-channels/" + nowhere + "/test", "")).body();
    assertFalse(refused.get("ok").asBoolean());
    assertTrue(refused.get("statusCode").isNull());
    assertFalse(refused.get("error").asText().isBlank());

    // bad channels: 400 naming the field, the url never echoed
    ApiClient.Response badUrl = call(api.post("/api/v1/alert-channels", "{\"name\":\"x\",\"kind\":\"SLACK\",\"url\":\"ftp://h/" + TOKEN + "\"}"));
    assertEquals(400, badUrl.status());
    assertEquals("url", badUrl.body().get("field").asText());
    ApiClient.Response badKind = call(api.post("/api/v1/alert-channels", "{\"name\":\"x\",\"kind\":\"PAGER\",\"url\":\"http://h/x\"}"));
    assertEquals(400, badKind.status());
    assertEquals("kind", badKind.body().get("field").asText());
    assertEquals(400, call(api.post("/api/v1/alert-channels", "{\"kind\":\"SLACK\",\"url\":\"http://h/x\"}")).status());
    assertEquals(404, call(api.get("/api/v1/alert-channels/nope")).status());
    assertEquals(400, call(api.get("/api/v1/alert-deliveries?status=LOST")).status());

    // a task's alert policy: channels must exist, a window of 10 s to a day, only FAIL and ERROR
    String table = services.prefix + "_unused";
    String unknown = task("t1", table, "{\"channelIds\": [\"" + id + "\", \"nope\"]}");
    assertTrue(unknown.startsWith("!400") && unknown.contains("alert.channelIds[1]"), unknown);
    String shortWindow = task("t2", table, "{\"channelIds\": [\"" + id + "\"], \"windowSeconds\": 5}");
    assertTrue(shortWindow.startsWith("!400") && shortWindow.contains("alert.windowSeconds"), shortWindow);
    String onPass = task("t3", table, "{\"channelIds\": [\"" + id + "\"], \"on\": [\"PASS\"]}");
    assertTrue(onPass.startsWith("!400") && onPass.contains("alert.on[0]"), onPass);
    String ok = task("t4", table, "{\"channelIds\": [\"" + id + "\"], \"on\": [\"FAIL\", \"ERROR\"]}");
    assertFalse(ok.startsWith("!"), ok);
    JsonNode stored = call(api.get("/api/v1/tasks/" + ok.split("@")[0])).body().get("alert");
    assertEquals(60, stored.get("windowSeconds").asInt(), "the default window");
    assertEquals(2, stored.get("on").size());

    // unused channels can be deleted
    assertEquals(204, call(api.delete("/api/v1/alert-channels/" + nowhere)).status());
    assertEquals(404, call(api.get("/api/v1/alert-channels/" + nowhere)).status());
    assertTrue(answers.stream().noneMatch(a -> a.contains(TOKEN)), "a channel url came back from the API");
  }

  private interface Parse {
    long count(String body) throws Exception;
  }

  private static List<Long> counts(List<String> bodies, Parse parse) throws Exception {
    List<Long> out = new ArrayList<>();
    for (String b : bodies) out.add(parse.count(b));
    return out;
  }

  private static long number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), regex + " in " + text);
    return Long.parseLong(m.group(1));
  }

  private static long sum(JsonNode items, String field) {
    long n = 0;
    for (JsonNode i : items) n += i.get(field).asLong();
    return n;
  }

  private static boolean all(JsonNode items, String field, String value) {
    for (JsonNode i : items) if (!value.equals(i.get(field).asText())) return false;
    return true;
  }

  private static int tallyPort() {
    return Integer.parseInt(api.baseUrl().substring(api.baseUrl().lastIndexOf(':') + 1));
  }
}
