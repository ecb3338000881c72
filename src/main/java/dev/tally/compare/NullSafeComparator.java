package dev.tally.compare;

/**
 * The rules every comparator shares: null equals only null, and a value that cannot be parsed
 * is a mismatch carrying the reason rather than an exception.
 */
abstract class NullSafeComparator implements FieldComparator {

  @Override
  public final Match compare(Object left, Object right) {
    if (left == null || right == null) {
      return left == right ? Match.EQUAL
          : Match.mismatch(Values.show(left) + " != " + Values.show(right));
    }
    try {
      return compareNonNull(left, right);
    } catch (NotParseable e) {
      return Match.mismatch(e.getMessage());
    }
  }

  /** Both values are non-null. May throw {@link NotParseable}. */
  protected abstract Match compareNonNull(Object left, Object right);
}
