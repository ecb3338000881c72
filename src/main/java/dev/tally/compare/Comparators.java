package dev.tally.compare;

import dev.tally.model.FieldPair;

/** The comparator a field pair asks for. */
public final class Comparators {
  private Comparators() {
  }

  /**
   * @throws IllegalArgumentException if an option is invalid (unknown zone or precision, bad datetime
   *                                  pattern, negative tolerance); the message starts with the option's name,
   *                                  so task validation can call this too
   */
  public static FieldComparator forPair(FieldPair pair) {
    return switch (pair.comparator()) {
      case EXACT -> new ExactComparator();
      case NUMBER -> new NumberComparator(pair.tolerance());
      case DECIMAL -> new DecimalComparator(pair.scale());
      case DATETIME -> new DatetimeComparator(pair.zone(), pair.formats(), pair.precision());
      case BOOLEAN -> new BooleanComparator();
      case JSON -> new JsonComparator(Boolean.TRUE.equals(pair.ignoreOrder()));
      case STRING -> new StringComparator(Boolean.TRUE.equals(pair.trim()), Boolean.TRUE.equals(pair.ignoreCase()));
    };
  }
}
