package dev.tally.compare;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;

/**
 * Booleans as the stores spell them: MySQL TINYINT(1) 1/0, Redis "true"/"1", legacy "Y"/"N", and so on
 * (case-insensitive). Anything else is a mismatch: "not a boolean".
 */
public final class BooleanComparator extends NullSafeComparator {
  private static final Set<String> TRUE = Set.of("true", "t", "y", "yes", "on", "1");
  private static final Set<String> FALSE = Set.of("false", "f", "n", "no", "off", "0");

  @Override
  protected Match compareNonNull(Object left, Object right) {
    Boolean l = toBoolean(left);
    Boolean r = toBoolean(right);
    if (l == null || r == null) {
      return Match.mismatch("not a boolean: " + Values.show(l == null ? left : right));
    }
    return l.equals(r) ? Match.EQUAL : Match.mismatch(l + " != " + r);
  }

  /** The boolean a value spells, or null if it spells none. */
  static Boolean toBoolean(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof Number) {
      try {
        BigDecimal n = Values.toDecimal(value);
        return n.compareTo(BigDecimal.ONE) == 0 ? Boolean.TRUE : n.signum() == 0 ? Boolean.FALSE : null;
      } catch (NotParseable e) {
        return null;
      }
    }
    if (value instanceof String s) {
      String word = s.trim().toLowerCase(Locale.ROOT);
      return TRUE.contains(word) ? Boolean.TRUE : FALSE.contains(word) ? Boolean.FALSE : null;
    }
    return null;
  }
}
