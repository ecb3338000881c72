package dev.tally.ops.alert;

import dev.tally.model.AlertChannelKind;
import dev.tally.model.AlertExample;
import dev.tally.model.Diff;
import dev.tally.model.Json;
import dev.tally.model.Result;
import dev.tally.model.Status;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request bodies of alert messages, per channel kind: a WeCom group robot's markdown message, a Slack
 * incoming webhook's mrkdwn text, or Tally's own JSON for any other endpoint. Values from results (entity keys,
 * field values, errors) are shortened, kept on one line and escaped for the target's markup; the bodies are
 * encoded as JSON by Jackson, never spliced.
 */
public final class AlertMessages {
  /** Examples shown in one message. */
  public static final int MAX_EXAMPLES = 5;
  /** A WeCom markdown message holds at most 4096 bytes; room is kept for the link. */
  static final int WECOM_MAX_BYTES = 3800;
  private static final int MAX_KEY = 100;
  private static final int MAX_SUMMARY = 160;

  private AlertMessages() {
  }

  /** The request body of {@code message} for a channel of {@code kind}. */
  public static byte[] body(AlertChannelKind kind, AlertMessage message) {
    return switch (kind) {
      case WECOM -> Json.writeBytes(Map.of("msgtype", "markdown", "markdown", Map.of("content", wecom(message))));
      case SLACK -> Json.writeBytes(Map.of("text", slack(message)));
      case WEBHOOK -> Json.writeBytes(webhook(message));
    };
  }

  /** The body of a test message for a channel of {@code kind}, sent by POST .../test. */
  public static byte[] test(AlertChannelKind kind, String channelName, long at) {
    String text = "Tally test message for alert channel \"" + oneLine(channelName, MAX_KEY) + "\" at " + Instant.ofEpochMilli(at);
    return switch (kind) {
      case WECOM -> Json.writeBytes(Map.of("msgtype", "markdown", "markdown", Map.of("content", wecomText(text))));
      case SLACK -> Json.writeBytes(Map.of("text", slackText(text)));
      case WEBHOOK -> {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("test", true);
        body.put("text", text);
        body.put("count", 0);
        body.put("examples", List.of());
        yield Json.writeBytes(body);
      }
    };
  }

  /** An example of a failure: its entity key and first diff, or its error. */
  public static AlertExample example(Result r) {
    return new AlertExample(r.id(), r.entityKey(), r.status(), summary(r));
  }

  static String summary(Result r) {
    if (r.status() == Status.FAIL && !r.diffs().isEmpty()) {
      Diff d = r.diffs().get(0);
      String field = d.field() == null ? "" : d.field()
          + (d.rightField() != null && !d.rightField().equals(d.field()) ? "/" + d.rightField() : "");
      String text = Diff.MISSING.equals(d.kind())
          ? (field.isEmpty() ? "entity" : field) + " missing on " + d.side()
          : field + ": " + value(d.leftValue()) + " ≠ " + value(d.rightValue());
      return oneLine(text, MAX_SUMMARY);
    }
    if (r.error() != null) return oneLine(r.error(), MAX_SUMMARY);
    return r.status().name();
  }

  private static String value(Object v) {
    return v == null ? "null" : Json.write(v);
  }

  static String wecom(AlertMessage m) {
    StringBuilder sb = new StringBuilder();
    sb.append("## Tally: ").append(m.count()).append(m.count() == 1 ? " failure" : " failures").append(" in task ")
        .append(wecomText(oneLine(m.taskName(), MAX_KEY))).append('\n');
    sb.append("> task: ").append(wecomText(oneLine(m.taskId(), MAX_KEY))).append('\n');
    sb.append("> window: ").append(window(m)).append('\n');
    sb.append("> count: <font color=\"warning\">").append(m.count()).append("</font>\n");
    for (AlertExample e : m.examples().subList(0, Math.min(MAX_EXAMPLES, m.examples().size()))) {
      String line = "- `" + wecomText(oneLine(e.entityKey(), MAX_KEY)).replace('`', '\'') + "` " + e.status() + ": "
          + wecomText(e.summary()) + '\n';
      if (utf8(sb) + utf8(line) > WECOM_MAX_BYTES) break;
      sb.append(line);
    }
    sb.append("[Open the failures](").append(m.link()).append(')');
    return sb.toString();
  }

  static String slack(AlertMessage m) {
    StringBuilder sb = new StringBuilder();
    sb.append("*Tally: ").append(m.count()).append(m.count() == 1 ? " failure" : " failures").append(" in task ")
        .append(slackText(oneLine(m.taskName(), MAX_KEY))).append("* (").append(slackText(oneLine(m.taskId(), MAX_KEY)))
        .append(")\n");
    sb.append("window: ").append(window(m)).append('\n');
    for (AlertExample e : m.examples().subList(0, Math.min(MAX_EXAMPLES, m.examples().size()))) {
      sb.append("• `").append(slackText(oneLine(e.entityKey(), MAX_KEY)).replace('`', '\'')).append("` ").append(e.status())
          .append(": ").append(slackText(e.summary())).append('\n');
    }
    sb.append('<').append(m.link()).append("|Open the failures>");
    return sb.toString();
  }

  static Map<String, Object> webhook(AlertMessage m) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("taskId", m.taskId());
    body.put("taskName", m.taskName());
    body.put("windowStart", m.windowStart());
    body.put("windowEnd", m.windowEnd());
    body.put("count", m.count());
    List<Map<String, Object>> examples = new ArrayList<>();
    for (AlertExample e : m.examples().subList(0, Math.min(MAX_EXAMPLES, m.examples().size()))) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("resultId", e.resultId());
      x.put("entityKey", e.entityKey());
      x.put("status", e.status().name());
      x.put("summary", e.summary());
      examples.add(x);
    }
    body.put("examples", examples);
    body.put("link", m.link());
    return body;
  }

  private static String window(AlertMessage m) {
    return Instant.ofEpochMilli(m.windowStart()) + " to " + Instant.ofEpochMilli(m.windowEnd());
  }

  /** Slack's three markup characters as entities. */
  static String slackText(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** WeCom markdown has no escaping: the characters that would open a tag or a link are replaced. */
  static String wecomText(String s) {
    return s.replace('<', '‹').replace('>', '›').replace('[', '(').replace(']', ')');
  }

  /** One line of at most {@code max} characters. */
  static String oneLine(String s, int max) {
    if (s == null) return "";
    String flat = s.replaceAll("[\\r\\n\\t]+", " ");
    return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
  }

  private static int utf8(CharSequence s) {
    return s.toString().getBytes(StandardCharsets.UTF_8).length;
  }
}
