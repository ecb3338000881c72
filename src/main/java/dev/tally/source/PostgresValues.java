package dev.tally.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tally.model.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * PostgreSQL values in and out. Out, as a SideRead holds them and as MySQL's come: numeric as BigDecimal,
 * timestamptz as an ISO-8601 instant in UTC, timestamp as an ISO local date-time, date as ISO date, boolean,
 * json/jsonb parsed (Map, List, or the scalar), uuid as text. In, an event value becomes the Java type the pg
 * client binds for the column's type (int8 → Long, timestamptz → OffsetDateTime...), or the read fails: the
 * value is never handed over as text for the server to cast.
 */
final class PostgresValues {
  private static final Set<String> TEXT = Set.of("text", "varchar", "bpchar", "char", "name", "citext");
  private static final Set<String> BOOLEAN_TRUE = Set.of("true", "t", "1", "yes", "y", "on");
  private static final Set<String> BOOLEAN_FALSE = Set.of("false", "f", "0", "no", "n", "off");

  private PostgresValues() {
  }

  static Object normalize(Object value, SqlColumn column) {
    if (value == null || value == Tuple.JSON_NULL) return null;
    if (column != null && isJson(column) || value instanceof JsonObject || value instanceof JsonArray) return json(value);
    if (value instanceof Numeric n) return n.isNaN() ? "NaN" : n.bigDecimalValue();
    if (value instanceof Short s) return s.intValue();
    if (value instanceof Float f) return Double.parseDouble(f.toString()); // 1.1f stays 1.1
    if (value instanceof OffsetDateTime t) return DateTimeFormatter.ISO_INSTANT.format(t.toInstant());
    if (value instanceof LocalDateTime t) return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
    if (value instanceof LocalDate d) return d.toString();
    if (value instanceof LocalTime t) return DateTimeFormatter.ISO_LOCAL_TIME.format(t);
    if (value instanceof OffsetTime t) return DateTimeFormatter.ISO_OFFSET_TIME.format(t);
    if (value instanceof UUID u) return u.toString();
    if (value instanceof Buffer b) return b.toString(StandardCharsets.UTF_8);
    if (value instanceof Object[] array) {
      List<Object> list = new ArrayList<>(array.length);
      for (Object element : array) list.add(normalize(element, null));
      return list;
    }
    if (value instanceof String || value instanceof Boolean || value instanceof Number) return value;
    return String.valueOf(value); // interval, geometric types, ...: their text form
  }

  static boolean isJson(SqlColumn column) {
    return column.columnType().equals("json") || column.columnType().equals("jsonb");
  }

  /**
   * A JSON value (its text, as {@link PostgresDialect#selected} reads it, or the pg client's decoding) as plain
   * Java: objects as Map, arrays as List, decimals as BigDecimal with their scale.
   */
  private static Object json(Object value) {
    String text;
    if (value instanceof String s) {
      text = s;
    } else if (value instanceof JsonObject o) {
      text = o.encode();
    } else if (value instanceof JsonArray a) {
      text = a.encode();
    } else {
      return value instanceof Float || value instanceof Double ? new BigDecimal(value.toString()) : value;
    }
    try {
      return Json.MAPPER.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      return text;
    }
  }

  /** The parameter for an event value compared with {@code column} (null: bound as it is). */
  static Object param(String variable, Object value, SqlColumn column) {
    if (value == null) return null;
    if (column == null) return ColumnTypes.plain(value);
    String type = column.columnType();
    try {
      return switch (type) {
        case "int2" -> Short.valueOf(integer(variable, value, column).shortValue()) ;
        case "int4" -> Integer.valueOf(Math.toIntExact(integer(variable, value, column)));
        case "int8" -> integer(variable, value, column);
        case "numeric" -> ColumnTypes.toDecimal(variable, value, column);
        case "float4" -> ((BigDecimal) ColumnTypes.toDecimal(variable, value, column)).floatValue();
        case "float8" -> ((BigDecimal) ColumnTypes.toDecimal(variable, value, column)).doubleValue();
        case "bool" -> bool(variable, value, column);
        case "timestamptz" -> instant(value);
        case "timestamp" -> LocalDateTime.parse(ColumnTypes.text(value).trim().replace(' ', 'T'));
        case "date" -> LocalDate.parse(ColumnTypes.text(value).trim());
        case "uuid" -> UUID.fromString(ColumnTypes.text(value).trim());
        default -> TEXT.contains(type) ? ColumnTypes.text(value) : ColumnTypes.plain(value);
      };
    } catch (DateTimeParseException | ArithmeticException | IllegalArgumentException e) {
      if (e instanceof ColumnTypes.BadValueException bad) throw bad;
      throw new ColumnTypes.BadValueException(variable, value, column);
    }
  }

  private static Long integer(String variable, Object value, SqlColumn column) {
    Object number = ColumnTypes.toInteger(variable, value, column);
    if (!(number instanceof Long l)) throw new ColumnTypes.BadValueException(variable, value, column);
    if (column.columnType().equals("int2") && (l < Short.MIN_VALUE || l > Short.MAX_VALUE)) {
      throw new ColumnTypes.BadValueException(variable, value, column);
    }
    return l;
  }

  private static Boolean bool(String variable, Object value, SqlColumn column) {
    if (value instanceof Boolean b) return b;
    String text = ColumnTypes.text(value).trim().toLowerCase(Locale.ROOT);
    if (BOOLEAN_TRUE.contains(text)) return true;
    if (BOOLEAN_FALSE.contains(text)) return false;
    throw new ColumnTypes.BadValueException(variable, value, column);
  }

  /** ISO-8601 with an offset or Z, epoch milliseconds, or a local date-time taken as UTC. */
  private static OffsetDateTime instant(Object value) {
    if (value instanceof Long || value instanceof Integer) {
      return Instant.ofEpochMilli(((Number) value).longValue()).atOffset(ZoneOffset.UTC);
    }
    String text = ColumnTypes.text(value).trim().replace(' ', 'T');
    try {
      return OffsetDateTime.parse(text);
    } catch (DateTimeParseException e) {
      return LocalDateTime.parse(text).atOffset(ZoneOffset.UTC);
    }
  }
}
