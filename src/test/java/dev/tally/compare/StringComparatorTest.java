package dev.tally.compare;

import static dev.tally.compare.MatchAssertions.assertEqual;
import static dev.tally.compare.MatchAssertions.assertMismatch;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StringComparatorTest {

  @Test
  void plainComparisonIsStrict() {
    FieldComparator plain = new StringComparator(false, false);
    assertEqual(plain, "abc", "abc");
    assertEquals("'abc' != 'abc '", assertMismatch(plain, "abc", "abc "));
    assertMismatch(plain, "abc", "ABC");
  }

  @Test
  void nonStringsUseStringValueOf() {
    FieldComparator plain = new StringComparator(false, false);
    assertEqual(plain, 42, "42");
    assertMismatch(plain, 42.0, "42");
  }

  @Test
  void trimIgnoresSurroundingWhitespace() {
    FieldComparator trimmed = new StringComparator(true, false);
    assertEqual(trimmed, "  abc\t", "abc");
    assertMismatch(trimmed, "a bc", "abc");
    assertMismatch(trimmed, "ABC", "abc");
  }

  @Test
  void ignoreCase() {
    FieldComparator folded = new StringComparator(false, true);
    assertEqual(folded, "Paid", "PAID");
    assertMismatch(folded, "Paid ", "PAID");
    assertEqual(new StringComparator(true, true), "Paid ", "PAID");
  }

  @Test
  void nullEqualsOnlyNull() {
    FieldComparator plain = new StringComparator(true, true);
    assertEqual(plain, null, null);
    assertMismatch(plain, null, "null");
  }
}
