package dev.tally.compare;

import static dev.tally.compare.MatchAssertions.assertEqual;
import static dev.tally.compare.MatchAssertions.assertMismatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class NumberComparatorTest {

  @Test
  void equalAcrossNumberTypesAndText() {
    FieldComparator number = new NumberComparator(null);
    assertEqual(number, 1, 1L);
    assertEqual(number, 1, 1.0);
    assertEqual(number, "12.5", new BigDecimal("12.50"));
    assertEqual(number, " 7 ", 7);
    assertEqual(number, "1e3", 1000);
  }

  @Test
  void zeroToleranceByDefault() {
    FieldComparator number = new NumberComparator(null);
    assertEquals("12.5 != 12.6", assertMismatch(number, 12.5, "12.6"));
  }

  @Test
  void toleranceIsAbsoluteAndInclusive() {
    FieldComparator number = new NumberComparator(0.01);
    assertEqual(number, 10.00, "10.01");
    assertEqual(number, "10.01", 10);
    String detail = assertMismatch(number, 10, "10.011");
    assertTrue(detail.contains("tolerance 0.01"), detail);
  }

  @Test
  void toleranceIsNotHitByBinaryRounding() {
    // in doubles 1.3 - 1.2 is 0.10000000000000009; read as decimals the difference is exactly 0.1
    assertEqual(new NumberComparator(0.1), 1.2, 1.3);
  }

  @Test
  void unparseableIsAMismatchNotAnException() {
    FieldComparator number = new NumberComparator(null);
    assertEquals("cannot parse 'abc' as a number", assertMismatch(number, "abc", 1));
    assertMismatch(number, 1, true);
    assertMismatch(number, Double.NaN, Double.NaN);
    assertMismatch(number, "", "");
  }

  @Test
  void nullEqualsOnlyNull() {
    FieldComparator number = new NumberComparator(null);
    assertEqual(number, null, null);
    assertMismatch(number, 0, null);
  }

  @Test
  void negativeToleranceIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new NumberComparator(-1.0));
  }
}
