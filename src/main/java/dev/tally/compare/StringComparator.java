package dev.tally.compare;

/** Text equality on String.valueOf of both sides, optionally trimmed and case-insensitive. */
public final class StringComparator extends NullSafeComparator {
  private final boolean trim;
  private final boolean ignoreCase;

  public StringComparator(boolean trim, boolean ignoreCase) {
    this.trim = trim;
    this.ignoreCase = ignoreCase;
  }

  @Override
  protected Match compareNonNull(Object left, Object right) {
    String l = text(left);
    String r = text(right);
    boolean equal = ignoreCase ? l.equalsIgnoreCase(r) : l.equals(r);
    return equal ? Match.EQUAL : Match.mismatch(Values.show(l) + " != " + Values.show(r));
  }

  private String text(Object value) {
    String text = String.valueOf(value);
    return trim ? text.strip() : text;
  }
}
