package dev.tally.compare;

/** A value cannot be read as the type a comparator needs. Caught by {@link NullSafeComparator}, never escapes. */
final class NotParseable extends RuntimeException {
  NotParseable(Object value, String type) {
    // no stack trace: this is an expected outcome on the hot path, not a bug
    super("cannot parse " + Values.show(value) + " as " + type, null, false, false);
  }
}
