package dev.tally.ingest.format;

import static dev.tally.ingest.format.FormatJson.clip;
import static dev.tally.ingest.format.FormatJson.kind;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes one Debezium field value by its Kafka Connect schema (the logical type is the schema's {@code name}),
 * printing temporals the way Tally's MySQL reader does: ISO-8601, seconds always, the fraction only when it is
 * not zero and without trailing zeros ("2026-01-02T03:04:05", "2026-01-02T03:04:05.5", "10:11:12").
 */
final class DebeziumTypes {
  static final String DECIMAL = "org.apache.kafka.connect.data.Decimal";
  static final String VARIABLE_SCALE_DECIMAL = "io.debezium.data.VariableScaleDecimal";
  static final String DATE = "io.debezium.time.Date";
  static final String TIME = "io.debezium.time.Time";
  static final String MICRO_TIME = "io.debezium.time.MicroTime";
  static final String NANO_TIME = "io.debezium.time.NanoTime";
  static final String TIMESTAMP = "io.debezium.time.Timestamp";
  static final String MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";
  static final String NANO_TIMESTAMP = "io.debezium.time.NanoTimestamp";
  static final String CONNECT_DATE = "org.apache.kafka.connect.data.Date";
  static final String CONNECT_TIME = "org.apache.kafka.connect.data.Time";
  static final String CONNECT_TIMESTAMP = "org.apache.kafka.connect.data.Timestamp";

  private static final String PREFIX = "debezium field ";
  private static final long MICROS_PER_SECOND = 1_000_000L;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private DebeziumTypes() {
  }

  /** The value of column {@code column} decoded by its field schema (null: no schema, value as it is). */
  static Object decode(String column, JsonNode value, JsonNode schema) {
    if (value == null || value.isNull()) return null;
    if (schema == null || !schema.isObject()) return FormatJson.value(value);
    String name = schema.path("name").asText(null);
    try {
      if (name != null) {
        switch (name) {
          case DECIMAL:
            return decimal(value, scale(schema.path("parameters").get("scale")));
          case VARIABLE_SCALE_DECIMAL:
            if (!value.isObject()) throw expected("an object {scale, value}", value);
            return decimal(value.get("value"), scale(value.get("scale")));
          case DATE:
          case CONNECT_DATE:
            return LocalDate.ofEpochDay(integral(value)).toString();
          case TIME:
          case CONNECT_TIME:
            return time(Duration.ofMillis(integral(value)));
          case MICRO_TIME:
            return time(Duration.ofSeconds(Math.floorDiv(integral(value), MICROS_PER_SECOND),
                Math.floorMod(integral(value), MICROS_PER_SECOND) * 1_000L));
          case NANO_TIME:
            return time(Duration.ofNanos(integral(value)));
          case TIMESTAMP:
            return localDateTime(Instant.ofEpochMilli(integral(value)));
          case MICRO_TIMESTAMP:
            return localDateTime(Instant.ofEpochSecond(Math.floorDiv(integral(value), MICROS_PER_SECOND),
                Math.floorMod(integral(value), MICROS_PER_SECOND) * 1_000L));
          case NANO_TIMESTAMP:
            return localDateTime(Instant.ofEpochSecond(Math.floorDiv(integral(value), NANOS_PER_SECOND),
                Math.floorMod(integral(value), NANOS_PER_SECOND)));
          case CONNECT_TIMESTAMP:
            return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(integral(value)));
          default:
            break; // ZonedTimestamp, ZonedTime, Json, Enum, Year, …: as they are
        }
      }
      String type = schema.path("type").asText("");
      if (type.equals("struct") && value.isObject()) {
        Map<String, JsonNode> fields = structFields(schema);
        Map<String, Object> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          map.put(f.getKey(), decode(column + "." + f.getKey(), f.getValue(), fields.get(f.getKey())));
        }
        return map;
      }
      if (type.equals("array") && value.isArray()) {
        List<Object> list = new ArrayList<>(value.size());
        for (JsonNode item : value) list.add(decode(column + "[]", item, schema.get("items")));
        return list;
      }
      return FormatJson.value(value);
    } catch (MalformedEventException e) {
      if (e.getMessage().startsWith(PREFIX)) throw e; // from a nested field, already named
      throw new MalformedEventException(PREFIX + "'" + clip(column) + "' (" + describe(schema) + "): " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new MalformedEventException(PREFIX + "'" + clip(column) + "' (" + describe(schema) + "): "
          + clip(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }
  }

  private static String describe(JsonNode schema) {
    return clip(schema.path("name").asText(schema.path("type").asText("?")));
  }

  /** A struct schema's field schemas by field name. */
  static Map<String, JsonNode> structFields(JsonNode structSchema) {
    Map<String, JsonNode> byName = new HashMap<>();
    JsonNode fields = structSchema.get("fields");
    if (fields != null && fields.isArray()) {
      for (JsonNode f : fields) {
        JsonNode name = f.get("field");
        if (name != null && name.isTextual()) byName.put(name.textValue(), f);
      }
    }
    return byName;
  }

  /** Base64 big-endian two's-complement unscaled bytes (the JsonConverter default), or a JSON number (decimal.format=NUMERIC). */
  private static BigDecimal decimal(JsonNode value, int scale) {
    if (value == null || value.isNull()) throw expected("base64 text", value);
    if (value.isNumber()) {
      BigDecimal d = value.decimalValue();
      try {
        return d.setScale(scale, RoundingMode.UNNECESSARY);
      } catch (ArithmeticException e) {
        return d;
      }
    }
    if (!value.isTextual()) throw expected("base64 text", value);
    byte[] unscaled;
    try {
      unscaled = Base64.getDecoder().decode(value.textValue());
    } catch (IllegalArgumentException e) {
      throw new MalformedEventException("not base64: '" + clip(value.textValue()) + "'");
    }
    if (unscaled.length == 0) throw new MalformedEventException("empty unscaled value");
    return new BigDecimal(new BigInteger(unscaled), scale);
  }

  private static int scale(JsonNode scale) {
    if (scale != null && scale.isIntegralNumber() && scale.canConvertToInt()) return scale.intValue();
    if (scale != null && scale.isTextual()) {
      try {
        return Integer.parseInt(scale.textValue().trim());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new MalformedEventException("no valid scale (got " + (scale == null ? "none" : clip(scale.toString())) + ")");
  }

  private static long integral(JsonNode value) {
    if (value.isIntegralNumber() && value.canConvertToLong()) return value.longValue();
    throw expected("an integer", value);
  }

  private static MalformedEventException expected(String what, JsonNode got) {
    return new MalformedEventException("expected " + what + ", got " + kind(got));
  }

  /** A zone-less date-time (DATETIME): the epoch value read as UTC wall-clock time. */
  private static String localDateTime(Instant instant) {
    return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
  }

  /** A MySQL TIME is a duration (negative or beyond 24h possible): [-]HH:MM:SS[.fraction]. */
  static String time(Duration d) {
    boolean negative = d.isNegative();
    Duration abs = d.abs();
    String text = String.format(Locale.ROOT, "%02d:%02d:%02d", abs.toHours(), abs.toMinutesPart(), abs.toSecondsPart());
    if (abs.getNano() > 0) {
      text += "." + String.format(Locale.ROOT, "%09d", abs.getNano()).replaceAll("0+$", "");
    }
    return negative ? "-" + text : text;
  }
}
