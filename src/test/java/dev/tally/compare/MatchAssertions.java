package dev.tally.compare;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions that show the detail when a comparison goes the wrong way. */
final class MatchAssertions {
  private MatchAssertions() {
  }

  static void assertEqual(FieldComparator comparator, Object left, Object right) {
    FieldComparator.Match match = comparator.compare(left, right);
    assertTrue(match.equal(), () -> left + " vs " + right + " should be equal, got: " + match.detail());
  }

  /** Asserts a mismatch and returns its detail. */
  static String assertMismatch(FieldComparator comparator, Object left, Object right) {
    FieldComparator.Match match = comparator.compare(left, right);
    assertFalse(match.equal(), () -> left + " vs " + right + " should differ");
    assertNotNull(match.detail(), "a mismatch explains itself");
    return match.detail();
  }
}
