package dev.tally.source;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Turns the MySQL client's column values into the JSON-like values a SideRead holds: decimals as BigDecimal
 * (integral columns as Long), temporals as ISO-8601 text, binary as UTF-8 text, JSON columns as JSON text
 * (MariaDB hands JSON over as text anyway; the JSON comparator parses it).
 */
final class MySqlValues {
  private MySqlValues() {
  }

  static Object normalize(Object value, SqlColumn column) {
    if (value == null || value == Tuple.JSON_NULL) return value == null ? null : "null";
    if (value instanceof Numeric n) return numeric(n, column);
    if (value instanceof BigInteger i) return i.bitLength() < 64 ? (Object) i.longValue() : new BigDecimal(i);
    if (value instanceof Byte || value instanceof Short) return ((Number) value).intValue();
    if (value instanceof Float f) return Double.parseDouble(f.toString()); // 1.1f stays 1.1, not 1.100000023841858
    // ISO formatters rather than toString(): they always print seconds ("03:04:00", not "03:04")
    if (value instanceof LocalDateTime t) return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
    if (value instanceof LocalDate d) return d.toString();
    if (value instanceof LocalTime t) return DateTimeFormatter.ISO_LOCAL_TIME.format(t);
    if (value instanceof OffsetDateTime t) return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
    if (value instanceof Duration d) return time(d);
    if (value instanceof Buffer b) return b.toString(StandardCharsets.UTF_8);
    if (value instanceof byte[] bytes) return new String(bytes, StandardCharsets.UTF_8);
    if (value instanceof JsonObject o) return o.encode();
    if (value instanceof JsonArray a) return a.encode();
    if (column != null && column.isJson() && !(value instanceof String)) return String.valueOf(value);
    return value;
  }

  private static Object numeric(Numeric n, SqlColumn column) {
    if (n.isNaN()) return "NaN";
    BigDecimal d = n.bigDecimalValue();
    if (column != null && column.isInteger()) {
      BigInteger i = d.toBigInteger();
      return i.bitLength() < 64 ? (Object) i.longValue() : d;
    }
    return d;
  }

  /** MySQL TIME is a duration (it may be negative or beyond 24h): rendered as [-]HH:MM:SS[.ffffff]. */
  private static String time(Duration d) {
    boolean negative = d.isNegative();
    Duration abs = d.abs();
    String text = String.format("%02d:%02d:%02d", abs.toHours(), abs.toMinutesPart(), abs.toSecondsPart());
    if (abs.getNano() > 0) {
      text += "." + String.format("%09d", abs.getNano()).replaceAll("0+$", "");
    }
    return negative ? "-" + text : text;
  }
}
