package dev.tally.compare;

import static dev.tally.compare.MatchAssertions.assertEqual;
import static dev.tally.compare.MatchAssertions.assertMismatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BooleanComparatorTest {
  private final FieldComparator bool = new BooleanComparator();

  @Test
  void legacyYesFlagEqualsTinyintOne() {
    assertEqual(bool, "Y", 1);
    assertEqual(bool, "N", 0);
    assertMismatch(bool, "Y", 0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "TRUE", "t", "y", "Y", "yes", "Yes", "on", "ON", "1", " 1 "})
  void spellingsOfTrue(String text) {
    assertEqual(bool, text, true);
    assertMismatch(bool, text, false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"false", "False", "f", "n", "N", "no", "NO", "off", "0"})
  void spellingsOfFalse(String text) {
    assertEqual(bool, text, false);
    assertMismatch(bool, text, true);
  }

  @Test
  void numbersOneAndZero() {
    assertEqual(bool, 1L, true);
    assertEqual(bool, 1.0, "true");
    assertEqual(bool, 0, "off");
  }

  @Test
  void otherValuesAreNotBooleans() {
    String detail = assertMismatch(bool, "maybe", true);
    assertTrue(detail.contains("not a boolean"), detail);
    assertTrue(detail.contains("maybe"), detail);
    assertTrue(assertMismatch(bool, true, 2).contains("not a boolean"));
    assertTrue(assertMismatch(bool, "", "").contains("not a boolean"));
  }

  @Test
  void mismatchDetail() {
    assertEquals("true != false", assertMismatch(bool, "yes", "no"));
  }

  @Test
  void nullEqualsOnlyNull() {
    assertEqual(bool, null, null);
    assertMismatch(bool, null, false);
  }
}
