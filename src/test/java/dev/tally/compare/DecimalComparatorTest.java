package dev.tally.compare;

import static dev.tally.compare.MatchAssertions.assertEqual;
import static dev.tally.compare.MatchAssertions.assertMismatch;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class DecimalComparatorTest {
  private final FieldComparator decimal = new DecimalComparator(null);

  @Test
  void mysqlDecimalEqualsRedisJsonNumberAndText() {
    BigDecimal mysql = new BigDecimal("12.50");
    assertEqual(decimal, mysql, 12.5d);
    assertEqual(decimal, mysql, "12.5");
    assertEqual(decimal, "12.5", mysql);
  }

  @Test
  void differentValuesMismatchWithDetail() {
    assertEquals("12.50 != 12.6", assertMismatch(decimal, new BigDecimal("12.50"), 12.6));
  }

  @Test
  void withoutScaleNoRounding() {
    assertMismatch(decimal, new BigDecimal("12.345"), "12.34");
  }

  @Test
  void scaleRoundsBothSidesHalfUp() {
    FieldComparator twoPlaces = new DecimalComparator(2);
    assertEqual(twoPlaces, new BigDecimal("12.345"), "12.35");
    assertEqual(twoPlaces, 12.344, "12.34");
    assertEqual(twoPlaces, "-1.005", "-1.01");
    assertMismatch(twoPlaces, "12.344", "12.35");
  }

  @Test
  void unparseableIsAMismatch() {
    assertEquals("cannot parse '12,5' as a number", assertMismatch(decimal, "12,5", 12.5));
  }

  @Test
  void nullEqualsOnlyNull() {
    assertEqual(decimal, null, null);
    assertMismatch(decimal, null, BigDecimal.ZERO);
  }
}
