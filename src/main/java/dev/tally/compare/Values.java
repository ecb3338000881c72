package dev.tally.compare;

import java.math.BigDecimal;
import java.math.BigInteger;

/** Conversions the comparators share. */
final class Values {
  private static final int MAX_SHOWN = 120;

  private Values() {
  }

  /** A number as a BigDecimal, from any Number or a numeric string; throws {@link NotParseable} otherwise. */
  static BigDecimal toDecimal(Object value) {
    if (value instanceof BigDecimal d) {
      return d;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new NotParseable(value, "a number");
      }
      // via the shortest decimal string, so 12.5d is 12.5 and 0.1f is 0.1, not their binary expansions
      return new BigDecimal(value.toString());
    }
    String text = value instanceof Number ? value.toString() : value instanceof String s ? s.trim() : null;
    if (text == null || text.isEmpty()) {
      throw new NotParseable(value, "a number");
    }
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new NotParseable(value, "a number");
    }
  }

  /**
   * The text form EXACT compares: numbers canonical (integral values without ".0", no exponent,
   * BigDecimal as toPlainString so its scale is kept), everything else String.valueOf.
   */
  static String canonical(Object value) {
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return value.toString();
      }
      BigDecimal decimal = new BigDecimal(value.toString());
      return (d == Math.rint(d) ? decimal.setScale(0) : decimal.stripTrailingZeros()).toPlainString();
    }
    return String.valueOf(value);
  }

  /** A value for a diff's detail: strings quoted (so whitespace shows), long values cut short. */
  static String show(Object value) {
    String text = value instanceof String s ? "'" + s + "'" : canonical(value);
    return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "...";
  }
}
