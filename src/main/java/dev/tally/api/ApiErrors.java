package dev.tally.api;

import dev.tally.bus.Failures;
import dev.tally.model.ValidationException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps any failure of a request to a status and the error JSON {@code {"error", "field", "detail"}}. */
final class ApiErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  /** An unknown id in the path. */
  static final class NotFound extends RuntimeException {
    NotFound(String what, String id) {
      super(what + " " + id + " does not exist");
    }
  }

  /** A request that contradicts the current state (deleting something still in use). */
  static final class Conflict extends RuntimeException {
    Conflict(String message) {
      super(message);
    }
  }

  /** A request without valid credentials (401). */
  static final class Unauthenticated extends RuntimeException {
    Unauthenticated(String message) {
      super(message);
    }
  }

  /** A caller whose role does not allow the request (403). */
  static final class Forbidden extends RuntimeException {
    Forbidden(String message) {
      super(message);
    }
  }

  /** Too many failed sign-ins for one username: try again after {@code retryAfterSeconds} (429). */
  static final class TooManyAttempts extends RuntimeException {
    final long retryAfterSeconds;

    TooManyAttempts(long retryAfterSeconds) {
      super("too many failed sign-ins for this username; try again in " + retryAfterSeconds + " s");
      this.retryAfterSeconds = retryAfterSeconds;
    }
  }

  private ApiErrors() {
  }

  static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (ctx.response().ended()) return;
    if (failure == null) {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      String message = switch (status) {
        case 404 -> "not found";
        case 405 -> "method not allowed";
        case 413 -> "request body too large";
        default -> "request failed";
      };
      send(ctx, status, Failures.errorJson(new ValidationException(null, message)));
    } else if (failure instanceof ValidationException v) {
      send(ctx, 400, Failures.errorJson(v));
    } else if (Failures.isBadRequest(failure)) {
      send(ctx, 400, failure.getMessage());
    } else if (Failures.isUnavailable(failure)) {
      // nothing of the request was accepted: the same request, sent again, is safe (events keep their ids)
      LOG.warn("{} {}: {}", ctx.request().method(), ctx.request().path(), failure.getMessage());
      ctx.response().putHeader("retry-after", "5");
      send(ctx, 503, Failures.errorJson(new ValidationException(null, "temporarily unavailable", failure.getMessage())));
    } else if (failure instanceof NotFound n) {
      send(ctx, 404, Failures.errorJson(new ValidationException(null, n.getMessage())));
    } else if (failure instanceof Unauthenticated u) {
      ctx.response().putHeader("www-authenticate", "Bearer realm=\"tally\"");
      send(ctx, 401, Failures.errorJson(new ValidationException(null, "unauthenticated", u.getMessage())));
    } else if (failure instanceof Forbidden f) {
      send(ctx, 403, Failures.errorJson(new ValidationException(null, "forbidden", f.getMessage())));
    } else if (failure instanceof TooManyAttempts t) {
      ctx.response().putHeader("retry-after", Long.toString(t.retryAfterSeconds));
      send(ctx, 429, Failures.errorJson(new ValidationException(null, "too many attempts", t.getMessage())));
    } else if (failure instanceof Conflict c) {
      send(ctx, 409, Failures.errorJson(new ValidationException(null, c.getMessage())));
    } else {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
      String detail = failure instanceof ReplyException ? "event bus: " + failure.getMessage() : failure.getClass().getSimpleName();
      send(ctx, 500, Failures.errorJson(new ValidationException(null, "internal error", detail)));
    }
  }

  private static void send(RoutingContext ctx, int status, String json) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(json);
  }
}
