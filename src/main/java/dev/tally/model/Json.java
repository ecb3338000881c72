package dev.tally.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
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
  /** Deepest nesting of objects and arrays read. */
  public static final int MAX_DEPTH = 64;
  /** Longest string value or field name read, in characters. */
  public static final int MAX_STRING_LENGTH = 1024 * 1024;
  /** Longest number read, in characters. */
  public static final int MAX_NUMBER_LENGTH = 1000;

  /**
   * Limits every read, so a hostile body cannot exhaust the stack or memory: a read beyond them fails as
   * malformed JSON (a 400 naming the limit).
   */
  private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
      .maxNestingDepth(MAX_DEPTH).maxStringLength(MAX_STRING_LENGTH).maxNumberLength(MAX_NUMBER_LENGTH)
      .maxNameLength(MAX_STRING_LENGTH).build();

  public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder().streamReadConstraints(LIMITS).build())
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
