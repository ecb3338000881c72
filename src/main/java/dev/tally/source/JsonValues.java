package dev.tally.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tally.model.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON documents read from a side (a Redis value, an HTTP response) and the entity found in them. */
final class JsonValues {
  /** The field name a non-object entity is kept under. */
  static final String SCALAR_FIELD = "$";

  private JsonValues() {
  }

  /** Parses JSON into Map/List/String/BigDecimal/Long/Boolean/null; decimals keep their scale. */
  static Object parse(String text) throws JsonProcessingException {
    return Json.MAPPER.readValue(text, Object.class);
  }

  /** An entity's fields: an object's members, anything else as the single field {@code $}. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> fields(Object entity) {
    if (entity instanceof Map<?, ?> map) return (Map<String, Object>) map;
    Map<String, Object> single = new LinkedHashMap<>();
    single.put(SCALAR_FIELD, entity);
    return single;
  }

  /** Brief reason a text is not JSON, without Jackson's source excerpt. */
  static String reason(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    return message == null ? "invalid JSON" : message.lines().findFirst().orElse(message);
  }
}
