package dev.tally.ops.alert;

import dev.tally.model.AlertChannel;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import dev.tally.net.OutboundClient;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import java.net.URI;

/**
 * POSTs a message body to a channel's url. A 2xx answer is success (and for WeCom, whose robot answers 200 with
 * an error code, an {@code errcode} of 0 too); anything else, or no answer in time, is a failure with its
 * reason. The url is never part of a reason: it often embeds the channel's token.
 */
public final class AlertSender {
  public static final long TIMEOUT_MS = 10_000;

  private final OutboundClient web;

  /** A send's outcome: {@code statusCode} null when there was no answer. */
  public record Outcome(boolean ok, Integer statusCode, String error, long tookMs) {
  }

  public AlertSender(OutboundClient web) {
    this.web = web;
  }

  public Future<Outcome> send(AlertChannel channel, byte[] body) {
    long started = System.nanoTime();
    return Future.<Void>succeededFuture()
        .compose(nothing -> web.send(HttpMethod.POST, channel.url(), Map.of("Content-Type", "application/json"),
            Buffer.buffer(body), TIMEOUT_MS))
        .map(response -> {
          int status = response.status();
          String error = status / 100 != 2 ? "HTTP " + status : refusal(channel, response.body().toString());
          return new Outcome(error == null, status, error, tookMs(started));
        })
        .otherwise(err -> new Outcome(false, null, redact(describe(err), channel.url()), tookMs(started)));
  }

  /** WeCom answers 200 with {"errcode": n, "errmsg": ...}; a non-zero errcode is a refusal. */
  private static String refusal(AlertChannel channel, String answer) {
    if (channel.kind() != dev.tally.model.AlertChannelKind.WECOM || answer == null || answer.isBlank()) return null;
    try {
      com.fasterxml.jackson.databind.JsonNode node = dev.tally.model.Json.MAPPER.readTree(answer);
      int code = node.path("errcode").asInt(0);
      return code == 0 ? null : "WeCom errcode " + code + ": " + AlertMessages.oneLine(node.path("errmsg").asText(""), 200);
    } catch (java.io.IOException notJson) {
      return null;
    }
  }

  private static String describe(Throwable err) {
    String message = err.getMessage();
    if (err instanceof java.util.concurrent.TimeoutException || (message != null && message.contains("timeout"))) {
      return "timed out" + (message == null ? "" : ": " + message);
    }
    return message == null ? err.getClass().getSimpleName() : message;
  }

  /** The reason without the url, its path or its query (where tokens live). */
  static String redact(String reason, String url) {
    String out = reason.replace(url, "<url>");
    try {
      URI uri = URI.create(url);
      if (uri.getRawQuery() != null) out = out.replace(uri.getRawQuery(), "<query>");
      if (uri.getRawPath() != null && uri.getRawPath().length() > 1) out = out.replace(uri.getRawPath(), "<path>");
    } catch (IllegalArgumentException notAUri) {
      // validated on input; nothing more to hide
    }
    return out;
  }

  private static long tookMs(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }
}
