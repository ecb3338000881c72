package dev.tally.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.ComparatorKind;
import dev.tally.model.Diff;
import dev.tally.model.FieldPair;
import dev.tally.model.SideRead;
import dev.tally.model.Status;
import dev.tally.model.Verdict;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntityDifferTest {
  private static final List<FieldPair> ORDER_PAIRS = List.of(
      FieldPair.of("id", "id", ComparatorKind.EXACT),
      FieldPair.of("status", "state", ComparatorKind.STRING),
      FieldPair.of("amount", "amount", ComparatorKind.DECIMAL),
      FieldPair.of("updated_at", "updatedAt", ComparatorKind.DATETIME));

  private static final Map<String, Object> MYSQL_ROW = Map.of(
      "id", 7L, "status", "PAID", "amount", new BigDecimal("12.50"), "updated_at", "2026-01-02T03:04:05");

  @Test
  void equalSidesPass() {
    Map<String, Object> redis = Map.of("id", "7", "state", "PAID", "amount", 12.5, "updatedAt", 1767323045000L);
    Verdict verdict = EntityDiffer.diff(ORDER_PAIRS, found(MYSQL_ROW), found(redis));
    assertEquals(Verdict.pass(), verdict);
  }

  @Test
  void mismatchOnStatusAndAmountGivesExactlyThoseTwoDiffsInPairOrder() {
    Map<String, Object> redis = Map.of("id", "7", "state", "SHIPPED", "amount", "12.6", "updatedAt", "2026-01-02T03:04:05Z");
    Verdict verdict = EntityDiffer.diff(ORDER_PAIRS, found(MYSQL_ROW), found(redis));

    assertEquals(Status.FAIL, verdict.status());
    assertNull(verdict.error());
    assertEquals(List.of(
        new Diff(Diff.MISMATCH, "status", "state", null, "PAID", "SHIPPED", "STRING", "'PAID' != 'SHIPPED'"),
        new Diff(Diff.MISMATCH, "amount", "amount", null, new BigDecimal("12.50"), "12.6", "DECIMAL", "12.50 != 12.6")),
        verdict.diffs());
  }

  @Test
  void missingOnBothSidesPasses() {
    assertEquals(Verdict.pass(), EntityDiffer.diff(ORDER_PAIRS, missing(), missing()));
  }

  @Test
  void missingOnRightFails() {
    Verdict verdict = EntityDiffer.diff(ORDER_PAIRS, found(MYSQL_ROW), missing());
    assertEquals(Status.FAIL, verdict.status());
    assertEquals(List.of(new Diff(Diff.MISSING, null, null, "right", null, null, null, "right has no entity")),
        verdict.diffs());
  }

  @Test
  void missingOnLeftFails() {
    Verdict verdict = EntityDiffer.diff(ORDER_PAIRS, missing(), found(MYSQL_ROW));
    assertEquals(Status.FAIL, verdict.status());
    assertEquals(1, verdict.diffs().size());
    assertEquals(Diff.MISSING, verdict.diffs().get(0).kind());
    assertEquals("left", verdict.diffs().get(0).side());
    assertNull(verdict.diffs().get(0).field());
  }

  @Test
  void aFailedSideIsAnError() {
    Verdict verdict = EntityDiffer.diff(ORDER_PAIRS, failed("timeout after 5000 ms"), found(MYSQL_ROW));
    assertEquals(Verdict.error("left: timeout after 5000 ms"), verdict);
    assertEquals(Verdict.error("right: 2 rows"), EntityDiffer.diff(ORDER_PAIRS, missing(), failed("2 rows")));
  }

  @Test
  void bothFailedSidesAreReported() {
    Verdict verdict = EntityDiffer.diff(ORDER_PAIRS, failed("refused"), failed("no auth"));
    assertEquals(Status.ERROR, verdict.status());
    assertEquals("left: refused; right: no auth", verdict.error());
    assertTrue(verdict.diffs().isEmpty());
  }

  @Test
  void absentFieldIsAMissingDiffNamingTheSide() {
    Map<String, Object> redis = Map.of("id", "7", "state", "PAID", "amount", 12.5);
    Verdict verdict = EntityDiffer.diff(ORDER_PAIRS, found(MYSQL_ROW), found(redis));
    assertEquals(Status.FAIL, verdict.status());
    assertEquals(List.of(new Diff(Diff.MISSING, "updated_at", "updatedAt", "right", "2026-01-02T03:04:05", null,
        "DATETIME", "right has no field 'updatedAt'")), verdict.diffs());
  }

  @Test
  void presentNullIsComparedNotMissing() {
    Map<String, Object> left = new java.util.HashMap<>(Map.of("id", 7));
    left.put("note", null);
    Map<String, Object> right = new java.util.HashMap<>(Map.of("id", 7));
    right.put("note", null);
    List<FieldPair> pairs = List.of(FieldPair.of("note", null, ComparatorKind.STRING));
    assertEquals(Verdict.pass(), EntityDiffer.diff(pairs, found(left), found(right)));

    Verdict verdict = EntityDiffer.diff(pairs, found(left), found(Map.of("note", "x")));
    assertEquals(Diff.MISMATCH, verdict.diffs().get(0).kind());
  }

  @Test
  void nestedAndWholeValueFields() {
    List<FieldPair> pairs = List.of(
        FieldPair.of("city", "address.city", ComparatorKind.STRING),
        FieldPair.of("amount", "$", ComparatorKind.DECIMAL));
    Map<String, Object> left = Map.of("city", "Paris", "amount", new BigDecimal("3.10"));
    assertEquals(Verdict.pass(), EntityDiffer.diff(pairs, found(left),
        found(Map.of("address", Map.of("city", "Paris"), "$", "3.1"))));
  }

  @Test
  void unparseableValueIsAMismatchNotAnError() {
    List<FieldPair> pairs = List.of(FieldPair.of("paid", "paid", ComparatorKind.BOOLEAN));
    Verdict verdict = EntityDiffer.diff(pairs, found(Map.of("paid", 1)), found(Map.of("paid", "maybe")));
    assertEquals(Status.FAIL, verdict.status());
    assertTrue(verdict.diffs().get(0).detail().contains("not a boolean"));
  }

  @Test
  void invalidPairOptionsAreAnError() {
    List<FieldPair> pairs = List.of(new FieldPair("t", "t", ComparatorKind.DATETIME, null, null, "Nowhere/Town",
        null, null, null, null, null));
    Verdict verdict = EntityDiffer.diff(pairs, found(Map.of("t", "2026-01-02")), found(Map.of("t", "2026-01-02")));
    assertEquals(Status.ERROR, verdict.status());
    assertTrue(verdict.error().startsWith("field t: zone"), verdict.error());
  }

  private static SideRead found(Map<String, Object> values) {
    return SideRead.found(values, "q", List.of(), 1);
  }

  private static SideRead missing() {
    return SideRead.missing("q", List.of(), 1);
  }

  private static SideRead failed(String error) {
    return SideRead.failed(error, "q", List.of(), 1);
  }
}
