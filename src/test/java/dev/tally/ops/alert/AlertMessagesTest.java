package dev.tally.ops.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.model.AlertChannelKind;
import dev.tally.model.AlertExample;
import dev.tally.model.Diff;
import dev.tally.model.Json;
import dev.tally.model.Result;
import dev.tally.model.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertMessagesTest {
  private static final String LINK = "http://tally.example:8080/#/discrepancies?taskId=orders";

  private static AlertMessage message(long count, int examples, String key) {
    List<AlertExample> x = new ArrayList<>();
    for (int i = 0; i < examples; i++) x.add(new AlertExample("r" + i, key + i, Status.FAIL, "amount: 10 ≠ 11"));
    return new AlertMessage("orders", "Orders <prod>", 1_764_000_000_000L, 1_764_000_060_000L, count, x, LINK);
  }

  private static JsonNode parse(byte[] body) throws Exception {
    return Json.MAPPER.readTree(body);
  }

  @Test
  void wecomIsAMarkdownMessageWithCountExamplesAndLink() throws Exception {
    JsonNode body = parse(AlertMessages.body(AlertChannelKind.WECOM, message(1000, 7, "order-")));
    assertEquals("markdown", body.get("msgtype").asText());
    assertEquals(2, body.size());
    String content = body.at("/markdown/content").asText();
    assertTrue(content.startsWith("## Tally: 1000 failures in task Orders ‹prod›"), content);
    assertTrue(content.contains("<font color=\"warning\">1000</font>"), content);
    assertTrue(content.contains("2025-11-24T16:00:00Z to 2025-11-24T16:01:00Z"), content);
    assertEquals(5, content.lines().filter(l -> l.startsWith("- `order-")).count(), "at most five examples");
    assertTrue(content.contains("- `order-0` FAIL: amount: 10 ≠ 11"), content);
    assertTrue(content.endsWith("[Open the failures](" + LINK + ")"), content);
  }

  @Test
  void wecomStaysUnderTheRobotsSizeLimitWithLongKeys() throws Exception {
    String wide = "键".repeat(300);
    List<AlertExample> x = new ArrayList<>();
    for (int i = 0; i < 5; i++) x.add(new AlertExample("r" + i, wide + i, Status.ERROR, "错误".repeat(200)));
    AlertMessage m = new AlertMessage("t", "名".repeat(300), 0, 60_000, 5, x, LINK);
    String content = parse(AlertMessages.body(AlertChannelKind.WECOM, m)).at("/markdown/content").asText();
    assertTrue(content.getBytes(StandardCharsets.UTF_8).length <= 4096, "bytes: " + content.getBytes(StandardCharsets.UTF_8).length);
    assertTrue(content.endsWith(LINK + ")"));
  }

  @Test
  void slackIsMrkdwnTextWithEscapedValuesAndALink() throws Exception {
    AlertMessage m = new AlertMessage("orders", "a & b", 0, 10_000, 1,
        List.of(new AlertExample("r1", "<!channel>\nkey", Status.ERROR, "timeout > 3s")), LINK);
    JsonNode body = parse(AlertMessages.body(AlertChannelKind.SLACK, m));
    assertEquals(1, body.size());
    String text = body.get("text").asText();
    assertTrue(text.startsWith("*Tally: 1 failure in task a &amp; b* (orders)\n"), text);
    assertTrue(text.contains("• `&lt;!channel&gt; key` ERROR: timeout &gt; 3s\n"), text);
    assertFalse(text.contains("<!channel>"), "a value cannot mention the channel");
    assertTrue(text.endsWith("<" + LINK + "|Open the failures>"), text);
  }

  @Test
  void webhookIsTallysOwnJson() throws Exception {
    JsonNode body = parse(AlertMessages.body(AlertChannelKind.WEBHOOK, message(12, 6, "k")));
    List<String> fields = new ArrayList<>();
    body.fieldNames().forEachRemaining(fields::add);
    assertEquals(List.of("taskId", "taskName", "windowStart", "windowEnd", "count", "examples", "link"), fields);
    assertEquals("orders", body.get("taskId").asText());
    assertEquals(1_764_000_000_000L, body.get("windowStart").asLong());
    assertEquals(1_764_000_060_000L, body.get("windowEnd").asLong());
    assertEquals(12, body.get("count").asLong());
    assertEquals(5, body.get("examples").size());
    assertEquals("{\"resultId\":\"r0\",\"entityKey\":\"k0\",\"status\":\"FAIL\",\"summary\":\"amount: 10 ≠ 11\"}",
        body.at("/examples/0").toString());
    assertEquals(LINK, body.get("link").asText());
  }

  @Test
  void testMessagesNameTheChannel() throws Exception {
    assertTrue(parse(AlertMessages.test(AlertChannelKind.WECOM, "ops", 0)).at("/markdown/content").asText().contains("\"ops\""));
    assertTrue(parse(AlertMessages.test(AlertChannelKind.SLACK, "ops", 0)).get("text").asText().contains("\"ops\""));
    JsonNode hook = parse(AlertMessages.test(AlertChannelKind.WEBHOOK, "ops", 0));
    assertTrue(hook.get("test").asBoolean());
    assertEquals(0, hook.get("count").asInt());
  }

  @Test
  void anExampleIsTheFirstDiffOrTheError() {
    Diff mismatch = new Diff(Diff.MISMATCH, "amount", "amount", null, new java.math.BigDecimal("10.00"), "11", "DECIMAL", null);
    Diff missing = new Diff(Diff.MISSING, null, null, "right", null, null, null, null);
    Diff renamed = new Diff(Diff.MISMATCH, "updated_at", "updatedAt", null, "a", "b", "DATETIME", null);
    assertEquals("amount: 10.00 ≠ \"11\"", AlertMessages.example(result(Status.FAIL, List.of(mismatch, missing), null)).summary());
    assertEquals("entity missing on right", AlertMessages.example(result(Status.FAIL, List.of(missing), null)).summary());
    assertEquals("updated_at/updatedAt: \"a\" ≠ \"b\"", AlertMessages.summary(result(Status.FAIL, List.of(renamed), null)));
    AlertExample error = AlertMessages.example(result(Status.ERROR, List.of(), "redis: connection\nrefused"));
    assertEquals("redis: connection refused", error.summary());
    assertEquals("r1", error.resultId());
    assertEquals("order-7", error.entityKey());
    assertEquals(160, AlertMessages.summary(result(Status.ERROR, List.of(), "x".repeat(500))).length());
  }

  private static Result result(Status status, List<Diff> diffs, String error) {
    return new Result("r1", "orders", "e1", "order-7", status, diffs, null, null, error, 1, List.of(), null, 0, 0, 0);
  }

  @Test
  void aSendFailureNeverCarriesTheUrlOrItsToken() {
    String url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx";
    assertEquals("failed to reach <url>", AlertSender.redact("failed to reach " + url, url));
    assertEquals("bad request to <path>?<query>", AlertSender.redact("bad request to /cgi-bin/webhook/send?key=693a91f6-7xxx", url));
    assertEquals("Connection refused: qyapi.weixin.qq.com/1.2.3.4:443",
        AlertSender.redact("Connection refused: qyapi.weixin.qq.com/1.2.3.4:443", url));
  }

  @Test
  void retriesBackOffExponentially() {
    assertEquals(1_000, AlertVerticle.backoffBefore(2));
    assertEquals(2_000, AlertVerticle.backoffBefore(3));
    assertEquals(8_000, AlertVerticle.backoffBefore(5));
  }
}
