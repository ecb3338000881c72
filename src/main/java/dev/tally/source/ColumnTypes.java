package dev.tally.source;

import dev.tally.model.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns an event value into the parameter bound against a column, so that a value that does not fit the
 * column fails the read instead of being silently cast by MySQL ('1 OR 1=1' = 1 for a BIGINT column).
 */
public final class ColumnTypes {
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

  private ColumnTypes() {
  }

  /** The value does not fit the column it is compared with. */
  public static final class BadValueException extends IllegalArgumentException {
    public BadValueException(String variable, Object value, SqlColumn column) {
      super("variable '" + variable + "' value '" + value + "' is not a valid " + column.dataType()
          + " for column " + column.name());
    }
  }

  /** The parameter for {@code value} compared with {@code column}; a null column means no type is known. */
  public static Object coerce(String variable, Object value, SqlColumn column) {
    if (value == null) return null;
    if (column == null) return plain(value);
    if (column.isInteger()) return toInteger(variable, value, column);
    if (column.isDecimal()) return toDecimal(variable, value, column);
    return text(value);
  }

  /** A value with no known column: scalars as they are, objects and arrays as JSON text. */
  static Object plain(Object value) {
    if (value instanceof String || value instanceof Boolean || value instanceof Long || value instanceof Integer
        || value instanceof BigDecimal || value instanceof Double) {
      return value;
    }
    if (value instanceof Short || value instanceof Byte) return ((Number) value).intValue();
    if (value instanceof Float f) return Double.parseDouble(f.toString());
    if (value instanceof BigInteger i) return new BigDecimal(i);
    return text(value);
  }

  /** The string form of a value: plain decimals (no exponent), JSON for objects and arrays. */
  static String text(Object value) {
    if (value instanceof String s) return s;
    if (value instanceof BigDecimal d) return d.toPlainString();
    if (value instanceof Map<?, ?> || value instanceof List<?>) return Json.write(value);
    return String.valueOf(value);
  }

  static Object toInteger(String variable, Object value, SqlColumn column) {
    BigInteger number;
    if (value instanceof Boolean b) { // TINYINT(1) is MySQL's BOOLEAN
      return b ? 1L : 0L;
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    } else if (value instanceof BigInteger i) {
      number = i;
    } else if (value instanceof Number n) {
      BigDecimal d = decimal(n);
      if (d == null) throw new BadValueException(variable, value, column);
      try {
        number = d.toBigIntegerExact(); // 42.0 is 42; 4.5 is not an integer
      } catch (ArithmeticException e) {
        throw new BadValueException(variable, value, column);
      }
    } else if (value instanceof String s && INTEGER.matcher(s.trim()).matches()) {
      number = new BigInteger(s.trim());
    } else {
      throw new BadValueException(variable, value, column);
    }
    // beyond a long (BIGINT UNSIGNED): bound as its digits, which MySQL reads back exactly
    return number.bitLength() < 64 ? (Object) number.longValue() : number.toString();
  }

  static Object toDecimal(String variable, Object value, SqlColumn column) {
    BigDecimal d = null;
    if (value instanceof Number n) {
      d = decimal(n);
    } else if (value instanceof String s) {
      try {
        d = new BigDecimal(s.trim());
      } catch (NumberFormatException e) {
        d = null;
      }
    }
    if (d == null) throw new BadValueException(variable, value, column);
    return d;
  }

  private static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal d) return d;
    if (n instanceof BigInteger i) return new BigDecimal(i);
    if (n instanceof Double || n instanceof Float) {
      double v = n.doubleValue();
      return Double.isNaN(v) || Double.isInfinite(v) ? null : new BigDecimal(n.toString());
    }
    try {
      return new BigDecimal(n.toString());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
