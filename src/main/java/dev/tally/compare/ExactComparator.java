package dev.tally.compare;

/**
 * The default: equal when the canonical text forms are equal (see {@link Values#canonical}).
 * So Redis "42" equals MySQL 42 and 42.0d, but BigDecimal 12.50 does not equal 12.5 (use DECIMAL for that),
 * and "true" equals Boolean true but "1" does not (use BOOLEAN).
 */
public final class ExactComparator extends NullSafeComparator {

  @Override
  protected Match compareNonNull(Object left, Object right) {
    String l = Values.canonical(left);
    String r = Values.canonical(right);
    return l.equals(r) ? Match.EQUAL : Match.mismatch(Values.show(l) + " != " + Values.show(r));
  }
}
