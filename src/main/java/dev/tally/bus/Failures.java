package dev.tally.bus;

import dev.tally.model.Json;
import dev.tally.model.ValidationException;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Carries a validation failure across the event bus: failure code 400, message the API's error JSON. */
public final class Failures {
  public static final int BAD_REQUEST = 400;
  public static final int INTERNAL = 500;

  private Failures() {
  }

  public static void reply(Message<?> message, Throwable error) {
    if (error instanceof ValidationException v) {
      message.fail(BAD_REQUEST, errorJson(v));
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

  public static boolean isBadRequest(Throwable t) {
    return t instanceof ReplyException r && r.failureCode() == BAD_REQUEST;
  }
}
