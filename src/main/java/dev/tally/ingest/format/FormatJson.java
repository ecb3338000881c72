package dev.tally.ingest.format;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import dev.tally.model.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the formats share: reading the payload into a tree (decimals keep their scale: 12.50 stays 12.50), turning
 * tree values into the plain Java values an event holds (integers as Long, or BigDecimal beyond 64 bits, like the
 * MySQL reader; other numbers as BigDecimal; objects as LinkedHashMap in field order; arrays as ArrayList), and
 * the guard that makes every failure a one-line {@link MalformedEventException}.
 */
final class FormatJson {
  /** Values below this are epoch seconds, not millis (100_000_000_000 ms is 1973, as seconds it is year 5138). */
  static final long SECONDS_LIMIT = 100_000_000_000L;

  private static final int MAX_REASON = 200;

  private static final ObjectReader READER = Json.MAPPER.reader()
      .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private FormatJson() {
  }

  /**
   * Runs {@code decode} on the payload's JSON tree. An absent or blank payload (a Kafka tombstone) has no row
   * change. Anything {@code decode} throws besides MalformedEventException becomes one, so parse() never throws
   * another type.
   */
  static List<RowChange> parse(String format, byte[] payload, Function<JsonNode, List<RowChange>> decode) {
    try {
      if (isBlank(payload)) return List.of();
      JsonNode root = read(payload);
      return List.copyOf(decode.apply(root));
    } catch (MalformedEventException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      throw new MalformedEventException("cannot decode " + format + " message: " + clip(String.valueOf(e)), e);
    }
  }

  static boolean isBlank(byte[] payload) {
    if (payload == null) return true;
    for (byte b : payload) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return false;
    }
    return true;
  }

  static JsonNode read(byte[] payload) {
    if (payload[0] == 0 && payload.length > 5 && payload[1] != '{' && payload[1] != '[') { // not UTF-16BE JSON
      // Confluent wire format: magic byte 0, a 4-byte schema id, then Avro/Protobuf/JSON-Schema bytes
      throw new MalformedEventException("not JSON: binary payload starting with byte 0x00"
          + " (Avro or Protobuf with a schema registry? publish plain JSON)");
    }
    try {
      return READER.readTree(payload);
    } catch (JsonProcessingException e) {
      throw new MalformedEventException("not JSON: " + describe(e), e);
    } catch (IOException e) {
      throw new MalformedEventException("not JSON: " + clip(e.getMessage()), e);
    }
  }

  /** "Unexpected end-of-input at line 1 column 57": Jackson's first clause, without source excerpts. */
  private static String describe(JsonProcessingException e) {
    String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
    int colon = message.indexOf(": ");
    if (colon > 0) message = message.substring(0, colon);
    message = message.replaceAll(" \\(bound as [^)]*\\)", "");
    JsonLocation at = e.getLocation();
    String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
    return clip(message) + where;
  }

  /** One printable line of at most MAX_REASON characters. */
  static String clip(String text) {
    if (text == null) return "";
    StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_REASON + 1));
    for (int i = 0; i < text.length() && sb.length() <= MAX_REASON; i++) {
      char c = text.charAt(i);
      sb.append(Character.isISOControl(c) ? '?' : c);
    }
    return sb.length() > MAX_REASON ? sb.substring(0, MAX_REASON - 3) + "..." : sb.toString();
  }

  // ----- tree → Java values

  /** A JSON value as a plain Java value: null, Boolean, Long, BigDecimal, String, Map or List. */
  static Object value(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) return null;
    if (node.isTextual()) return node.textValue();
    if (node.isBoolean()) return node.booleanValue();
    if (node.isIntegralNumber()) return integer(node.bigIntegerValue());
    if (node.isNumber()) {
      if (node.isBigDecimal()) return node.decimalValue();
      double d = node.doubleValue();
      return Double.isFinite(d) ? new BigDecimal(Double.toString(d)) : (Object) d;
    }
    if (node.isObject()) return object(node);
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      for (JsonNode item : node) list.add(value(item));
      return list;
    }
    if (node.isBinary()) return node.asText();
    return node.asText();
  }

  /** An object's fields in order, each as {@link #value(JsonNode)}. */
  static Map<String, Object> object(JsonNode node) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      map.put(field.getKey(), value(field.getValue()));
    }
    return map;
  }

  /** Long when it fits in 64 bits, else BigDecimal (as the MySQL reader does for BIGINT UNSIGNED). */
  static Object integer(BigInteger i) {
    return i.bitLength() < 64 ? (Object) i.longValue() : new BigDecimal(i);
  }

  // ----- field access

  /** The field, or null when absent or JSON null. */
  static JsonNode field(JsonNode object, String name) {
    JsonNode v = object.get(name);
    return v == null || v.isNull() || v.isMissingNode() ? null : v;
  }

  /** A text field's value, or null when absent or null; a non-text value is malformed. */
  static String text(JsonNode object, String name, String what) {
    JsonNode v = field(object, name);
    if (v == null) return null;
    if (!v.isTextual()) throw new MalformedEventException(what + " '" + name + "' must be a string, got " + kind(v));
    return v.textValue();
  }

  /** A required, non-blank text field. */
  static String requiredText(JsonNode object, String name, String what) {
    String v = text(object, name, what);
    if (v == null || v.isBlank()) throw new MalformedEventException(what + " has no '" + name + "'");
    return v;
  }

  /** An integral number field (or a numeric string), or null when absent; anything else is malformed. */
  static Long epoch(JsonNode object, String name, String what) {
    JsonNode v = field(object, name);
    if (v == null) return null;
    if (v.isIntegralNumber() && v.canConvertToLong()) return v.longValue();
    if (v.isTextual() && v.textValue().matches("-?\\d{1,18}")) return Long.parseLong(v.textValue());
    throw new MalformedEventException(what + " '" + name + "' must be an integer, got " + kind(v));
  }

  /** "a string", "an object", "null", … for messages. */
  static String kind(JsonNode v) {
    if (v == null || v.isMissingNode()) return "nothing";
    if (v.isNull()) return "null";
    if (v.isTextual()) return "a string";
    if (v.isNumber()) return "a number";
    if (v.isBoolean()) return "a boolean";
    if (v.isArray()) return "an array";
    if (v.isObject()) return "an object";
    return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }
}
