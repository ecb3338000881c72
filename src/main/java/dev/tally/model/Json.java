package dev.tally.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The one JSON mapping of the domain records, used at every edge (API, store, queue). Decimals keep their
 * scale (12.50 stays 12.50) because comparators care.
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL)
      // readTree would otherwise turn 12.50 into 12.5
      .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

  private Json() {
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  public static byte[] writeBytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  /** Reads stored JSON written by this program: a failure is a bug or corruption, not bad input. */
  public static <T> T read(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot decode stored " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  /** Reads client input: mapping errors become a ValidationException naming the JSON path. */
  public static <T> T readInput(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (UnrecognizedPropertyException e) {
      throw new ValidationException(path(e), "unknown field", "known fields: " + e.getKnownPropertyIds());
    } catch (JsonMappingException e) {
      throw new ValidationException(path(e), "invalid value", e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new ValidationException(null, "malformed JSON", e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new ValidationException(null, "unreadable body", e.getMessage());
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!sb.isEmpty()) sb.append('.');
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.isEmpty() ? null : sb.toString();
  }
}
