package dev.tally.compare;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Decimal equality that ignores trailing zeros (12.50 equals 12.5). With a scale, both sides are first
 * rounded HALF_UP to it, for a side that stores fewer decimals than the other.
 */
public final class DecimalComparator extends NullSafeComparator {
  private final Integer scale;

  /** @param scale decimals to round both sides to; null means no rounding */
  public DecimalComparator(Integer scale) {
    this.scale = scale;
  }

  @Override
  protected Match compareNonNull(Object left, Object right) {
    BigDecimal l = rounded(Values.toDecimal(left));
    BigDecimal r = rounded(Values.toDecimal(right));
    return l.compareTo(r) == 0 ? Match.EQUAL
        : Match.mismatch(l.toPlainString() + " != " + r.toPlainString() + (scale == null ? "" : " (at scale " + scale + ")"));
  }

  private BigDecimal rounded(BigDecimal value) {
    return scale == null ? value : value.setScale(scale, RoundingMode.HALF_UP);
  }
}
