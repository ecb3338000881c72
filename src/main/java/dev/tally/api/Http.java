package dev.tally.api;

import dev.tally.net.OutboundPolicy;
import dev.tally.model.Json;
import dev.tally.model.ValidationException;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Small request/response helpers shared by the route classes. */
final class Http {
  private Http() {
  }

  static void json(RoutingContext ctx, int status, Object body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(Json.write(body));
  }

  /** Ends the request with {@code status} and the future's value, or hands its failure to the error handler. */
  static <T> void respond(RoutingContext ctx, int status, Future<T> result) {
    result.onSuccess(value -> {
      if (status == 204) ctx.response().setStatusCode(204).end();
      else json(ctx, status, value);
    }).onFailure(ctx::fail);
  }

  static byte[] body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
      throw new ValidationException(null, "request body is empty", "send a JSON document");
    }
    return ctx.body().buffer().getBytes();
  }

  /** An instant as epoch millis or ISO-8601; null when absent. */
  static Long instant(RoutingContext ctx, String param) {
    String v = ctx.request().getParam(param);
    if (v == null || v.isBlank()) return null;
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException notMillis) {
      try {
        return Instant.parse(v.trim()).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new ValidationException(param, "not a time", "use epoch milliseconds or ISO-8601 like 2026-01-02T03:04:05Z");
      }
    }
  }

  static int intParam(RoutingContext ctx, String param, int defaultValue, int min, int max) {
    String v = ctx.request().getParam(param);
    if (v == null || v.isBlank()) return defaultValue;
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min || n > max) throw new ValidationException(param, "out of range", "between " + min + " and " + max);
      return n;
    } catch (NumberFormatException e) {
      throw new ValidationException(param, "not an integer");
    }
  }

  static <T> Future<T> found(Future<T> lookup, String what, String id) {
    return lookup.compose(v -> v == null ? Future.failedFuture(new ApiErrors.NotFound(what, id)) : Future.succeededFuture(v));
  }

  /** A URL whose host the outbound policy refuses is a 400 naming the field (and the host, never the URL). */
  static void requireAllowed(OutboundPolicy outbound, String url, String field) {
    if (url == null || url.isBlank()) return;
    outbound.refusalOfUrl(url).ifPresent(reason -> {
      throw new ValidationException(field, "outbound request refused", reason);
    });
  }

  static String requireText(String value, String field) {
    if (value == null || value.isBlank()) throw new ValidationException(field, "required");
    return value;
  }

  /** An absolute http or https URL with a host. */
  static String requireHttpUrl(String value, String field) {
    requireText(value, field);
    try {
      URI uri = new URI(value);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new URISyntaxException(value, "not http(s)");
      }
    } catch (URISyntaxException e) {
      throw new ValidationException(field, "not an absolute http(s) URL", value);
    }
    return value;
  }

  /** A client-chosen id, or a new one. */
  static String idOrNew(String requested, String field) {
    if (requested == null || requested.isBlank()) return dev.tally.model.Ids.timeOrdered();
    if (!requested.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new ValidationException(field, "invalid id", "1 to 64 letters, digits, '_', '.' or '-'");
    }
    return requested;
  }
}
