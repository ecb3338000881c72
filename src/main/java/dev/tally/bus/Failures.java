package dev.tally.bus;

import dev.tally.model.Json;
import dev.tally.model.ValidationException;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Carries failures across the event bus: a validation failure as code 400 with the API's error JSON, a
 * dependency that is down for now (the broker, the store) as code 503, anything else as 500.
 */
public final class Failures {
  public static final int BAD_REQUEST = 400;
  public static final int INTERNAL = 500;
  public static final int UNAVAILABLE = 503;

  /** Something the request needs is down for now; the client should send the same request again later. */
  public static final class Unavailable extends RuntimeException {
    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private Failures() {
  }

  public static void reply(Message<?> message, Throwable error) {
    if (error instanceof ValidationException v) {
      message.fail(BAD_REQUEST, errorJson(v));
    } else if (error instanceof Unavailable u) {
      message.fail(UNAVAILABLE, u.getMessage());
    } else {
      message.fail(INTERNAL, String.valueOf(error.getMessage()));
    }
  }

  public static String errorJson(ValidationException v) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", v.getMessage());
    if (v.field() != null) body.put("field", v.field());
    if (v.detail() != null) body.put("detail", v.detail());
    return Json.write(body);
  }

  public static boolean isUnavailable(Throwable t) {
    return t instanceof Unavailable || t instanceof ReplyException r && r.failureCode() == UNAVAILABLE;
  }

  public static boolean isBadRequest(Throwable t) {
    return t instanceof ReplyException r && r.failureCode() == BAD_REQUEST;
  }
}
