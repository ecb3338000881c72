package dev.tally.compare;

import static dev.tally.compare.MatchAssertions.assertEqual;
import static dev.tally.compare.MatchAssertions.assertMismatch;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.model.ComparatorKind;
import dev.tally.model.FieldPair;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ComparatorsTest {

  @Test
  void eachKindGetsItsComparator() {
    assertInstanceOf(ExactComparator.class, Comparators.forPair(FieldPair.of("a", "a", ComparatorKind.EXACT)));
    assertInstanceOf(NumberComparator.class, Comparators.forPair(FieldPair.of("a", "a", ComparatorKind.NUMBER)));
    assertInstanceOf(DecimalComparator.class, Comparators.forPair(FieldPair.of("a", "a", ComparatorKind.DECIMAL)));
    assertInstanceOf(DatetimeComparator.class, Comparators.forPair(FieldPair.of("a", "a", ComparatorKind.DATETIME)));
    assertInstanceOf(BooleanComparator.class, Comparators.forPair(FieldPair.of("a", "a", ComparatorKind.BOOLEAN)));
    assertInstanceOf(JsonComparator.class, Comparators.forPair(FieldPair.of("a", "a", ComparatorKind.JSON)));
    assertInstanceOf(StringComparator.class, Comparators.forPair(FieldPair.of("a", "a", ComparatorKind.STRING)));
  }

  @Test
  void exactIsTheDefault() {
    assertInstanceOf(ExactComparator.class, Comparators.forPair(FieldPair.of("a", "a", null)));
  }

  @Test
  void optionsAreHandedOver() {
    assertEqual(Comparators.forPair(pair(ComparatorKind.NUMBER, 0.5, null, null, null, null, null, null)), 1, 1.5);
    assertEqual(Comparators.forPair(pair(ComparatorKind.DECIMAL, null, 1, null, null, null, null, null)), "1.25", 1.3);
    assertEqual(Comparators.forPair(pair(ComparatorKind.DATETIME, null, null, "Asia/Shanghai", "minutes", null, null, null)),
        "2026-01-02 11:04:00", "2026-01-02T03:04:59Z");
    assertEqual(Comparators.forPair(new FieldPair("a", "a", ComparatorKind.DATETIME, null, null, null,
        List.of("dd.MM.yyyy"), null, null, null, null)), "02.01.2026", "2026-01-02");
    assertEqual(Comparators.forPair(pair(ComparatorKind.JSON, null, null, null, null, true, null, null)), "[2,1]", "[1,2]");
    assertEqual(Comparators.forPair(pair(ComparatorKind.STRING, null, null, null, null, null, true, true)), " A", "a ");
  }

  @Test
  void unsetOptionsMeanDefaults() {
    assertMismatch(Comparators.forPair(pair(ComparatorKind.NUMBER, null, null, null, null, null, null, null)), 1, 1.5);
    assertMismatch(Comparators.forPair(pair(ComparatorKind.JSON, null, null, null, null, null, null, null)), "[2,1]", "[1,2]");
    assertMismatch(Comparators.forPair(pair(ComparatorKind.STRING, null, null, null, null, null, null, null)), " A", "a ");
  }

  @Test
  void invalidOptionsThrow() {
    assertThrows(IllegalArgumentException.class,
        () -> Comparators.forPair(pair(ComparatorKind.DATETIME, null, null, "Nowhere/Town", null, null, null, null)));
    assertThrows(IllegalArgumentException.class,
        () -> Comparators.forPair(pair(ComparatorKind.NUMBER, -0.1, null, null, null, null, null, null)));
  }

  @ParameterizedTest
  @EnumSource(ComparatorKind.class)
  void everyComparatorTreatsNullAlike(ComparatorKind kind) {
    FieldComparator comparator = Comparators.forPair(FieldPair.of("a", "a", kind));
    assertEqual(comparator, null, null);
    assertMismatch(comparator, null, "1");
    assertMismatch(comparator, BigDecimal.ONE, null);
  }

  private static FieldPair pair(ComparatorKind kind, Double tolerance, Integer scale, String zone, String precision,
                                Boolean ignoreOrder, Boolean trim, Boolean ignoreCase) {
    return new FieldPair("a", "a", kind, tolerance, scale, zone, null, precision, ignoreOrder, trim, ignoreCase);
  }
}
