package dev.tally.compare;

import static dev.tally.compare.MatchAssertions.assertEqual;
import static dev.tally.compare.MatchAssertions.assertMismatch;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExactComparatorTest {
  private final FieldComparator exact = new ExactComparator();

  @Test
  void redisTextEqualsMysqlNumber() {
    assertEqual(exact, "42", 42);
    assertEqual(exact, 42L, "42");
    assertEqual(exact, 42, 42L);
    assertEqual(exact, BigInteger.valueOf(42), 42);
  }

  @Test
  void integralDoublesHaveNoTrailingPointZero() {
    assertEqual(exact, 42.0, 42);
    assertEqual(exact, 42.0f, "42");
    assertEqual(exact, 1e20, "100000000000000000000");
  }

  @Test
  void fractionalNumbersUseShortestPlainForm() {
    assertEqual(exact, 12.5, "12.5");
    assertEqual(exact, 0.1f, "0.1");
    assertEqual(exact, 1e-5, "0.00001");
  }

  @Test
  void bigDecimalKeepsItsScale() {
    assertEqual(exact, new BigDecimal("12.50"), "12.50");
    assertEqual(exact, new BigDecimal("1E+3"), "1000");
    assertMismatch(exact, new BigDecimal("12.50"), 12.5);
  }

  @Test
  void stringsAreNotTrimmedOrFolded() {
    assertEqual(exact, "abc", "abc");
    assertMismatch(exact, "abc", "abc ");
    assertMismatch(exact, "abc", "ABC");
  }

  @Test
  void booleansCompareByText() {
    assertEqual(exact, true, "true");
    assertMismatch(exact, true, "1");
  }

  @Test
  void mismatchDetailShowsBothValues() {
    assertEquals("'42' != '43'", assertMismatch(exact, 42, "43"));
  }

  @Test
  void equalStructuresAreEqual() {
    assertEqual(exact, Map.of("a", List.of(1, 2)), Map.of("a", List.of(1, 2)));
  }

  @Test
  void nullEqualsOnlyNull() {
    assertEqual(exact, null, null);
    assertMismatch(exact, null, "null");
    assertMismatch(exact, "", null);
  }
}
