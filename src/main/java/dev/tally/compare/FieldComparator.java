package dev.tally.compare;

/**
 * Compares one field's value from the left side with the right side's. Values are JSON-like Java values
 * (String, Number, Boolean, Map, List, null). Implementations never throw on odd input: a value that cannot
 * be read as the expected type is a mismatch whose detail says so. Thread-safe and stateless.
 */
public interface FieldComparator {

  Match compare(Object left, Object right);

  /** The comparison's outcome; {@code detail} explains a mismatch (null when equal). */
  record Match(boolean equal, String detail) {
    public static final Match EQUAL = new Match(true, null);

    public static Match mismatch(String detail) {
      return new Match(false, detail);
    }
  }
}
