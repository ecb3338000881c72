package dev.tally.compare;

import java.math.BigDecimal;

/** Numeric equality within an absolute tolerance (default 0). Accepts any Number or a numeric string. */
public final class NumberComparator extends NullSafeComparator {
  private final BigDecimal tolerance;

  /** @param tolerance absolute, >= 0; null means 0 */
  public NumberComparator(Double tolerance) {
    if (tolerance != null && !(tolerance >= 0 && Double.isFinite(tolerance))) {
      throw new IllegalArgumentException("tolerance must be a number >= 0, got " + tolerance);
    }
    this.tolerance = tolerance == null ? BigDecimal.ZERO : new BigDecimal(tolerance.toString());
  }

  @Override
  protected Match compareNonNull(Object left, Object right) {
    BigDecimal l = Values.toDecimal(left);
    BigDecimal r = Values.toDecimal(right);
    BigDecimal difference = l.subtract(r).abs();
    if (difference.compareTo(tolerance) <= 0) {
      return Match.EQUAL;
    }
    String detail = l.toPlainString() + " != " + r.toPlainString();
    return Match.mismatch(tolerance.signum() == 0 ? detail
        : detail + " (difference " + difference.toPlainString() + " > tolerance " + tolerance.toPlainString() + ")");
  }
}
