package dev.tally.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.ComparatorKind;
import dev.tally.model.Diff;
import dev.tally.model.FieldPair;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import dev.tally.model.Status;
import dev.tally.model.Verdict;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListDifferTest {
  private static final List<FieldPair> LINE_PAIRS = List.of(
      FieldPair.of("sku", "sku", ComparatorKind.EXACT),
      FieldPair.of("price", "unit_price", ComparatorKind.DECIMAL));

  private static SideRead rows(List<Map<String, Object>> rows) {
    return SideRead.foundRows(rows, "SELECT ...", List.of(), 1);
  }

  private static Map<String, Object> line(Object no, String sku, Object price) {
    return Map.of("line_no", no, "sku", sku, "price", price);
  }

  private static Map<String, Object> pgLine(Object no, String sku, Object price) {
    return Map.of("no", no, "sku", sku, "unit_price", price);
  }

  private static Verdict diff(List<Map<String, Object>> left, List<Map<String, Object>> right) {
    return ListDiffer.diff(LINE_PAIRS, rows(left), "line_no", rows(right), "no");
  }

  private static List<String> kindsAndFields(Verdict verdict) {
    return verdict.diffs().stream().map(d -> d.kind() + ":" + d.field() + (d.side() == null ? "" : "@" + d.side())).toList();
  }

  @Test
  void sameRowsInAnyOrderWithEqualValuesPass() {
    Verdict verdict = diff(List.of(line(1L, "A", new BigDecimal("2.50")), line(2L, "B", new BigDecimal("1.00"))),
        List.of(pgLine(2, "B", 1), pgLine("1", "A", new BigDecimal("2.5"))));
    assertEquals(Verdict.pass(), verdict);
  }

  @Test
  void addedMissingAndChangedRowsAreEachReportedByKey() {
    Verdict verdict = diff(
        List.of(line(1L, "A", new BigDecimal("2.50")), line(2L, "B", new BigDecimal("1.00")), line(3L, "C", new BigDecimal("9.00"))),
        List.of(pgLine(1L, "A", new BigDecimal("2.50")), pgLine(2L, "B", new BigDecimal("1.10")), pgLine(4L, "D", new BigDecimal("5.00"))));
    assertEquals(Status.FAIL, verdict.status());
    assertEquals(List.of("mismatch:[2].price", "missing:[3]@right", "missing:[4]@left"), kindsAndFields(verdict));
    Diff changed = verdict.diffs().get(0);
    assertEquals("[2].unit_price", changed.rightField());
    assertEquals(new BigDecimal("1.00"), changed.leftValue());
    assertEquals(new BigDecimal("1.10"), changed.rightValue());
    assertEquals("DECIMAL", changed.comparator());
    assertEquals(line(3L, "C", new BigDecimal("9.00")), verdict.diffs().get(1).leftValue(), "the row that has no partner is shown");
    assertEquals(pgLine(4L, "D", new BigDecimal("5.00")), verdict.diffs().get(2).rightValue());
  }

  @Test
  void emptyOnBothSidesPassesAndEmptyOnOneSideMissesEveryRow() {
    assertEquals(Verdict.pass(), diff(List.of(), List.of()));
    Verdict verdict = diff(List.of(), List.of(pgLine(1, "A", 1), pgLine(2, "B", 1)));
    assertEquals(List.of("missing:[1]@left", "missing:[2]@left"), kindsAndFields(verdict));
  }

  @Test
  void aFieldAbsentFromAMatchedRowIsAMissingFieldDiff() {
    Verdict verdict = diff(List.of(line(1L, "A", 1)), List.of(Map.of("no", 1, "sku", "A")));
    assertEquals(List.of("missing:[1].price@right"), kindsAndFields(verdict));
  }

  @Test
  void aRepeatedOrAbsentRowKeyIsAnError() {
    Verdict repeated = diff(List.of(line(1L, "A", 1), line(1L, "B", 2)), List.of());
    assertEquals(Status.ERROR, repeated.status());
    assertEquals("left: rowKey 'line_no' is not unique: two rows have 1", repeated.error());
    Verdict absent = diff(List.of(), List.of(Map.of("sku", "A")));
    assertEquals("right: a row has no value for rowKey 'no'", absent.error());
  }

  @Test
  void anUnreadableSideIsAnError() {
    Verdict verdict = ListDiffer.diff(LINE_PAIRS, SideRead.failed("boom", null, null, 0), "line_no", rows(List.of()), "no");
    assertEquals(Status.ERROR, verdict.status());
    assertTrue(verdict.error().startsWith("left: boom"), verdict.error());
  }

  @Test
  void entityDifferHandsListSidesToTheListDiffer() {
    SideSpec lines = new SideSpec("ds", "lines", "order_id = #{id}", List.of("sku", "price"), null, null, null, null, null, null,
        null, null, null, true, "line_no");
    SideSpec pgLines = new SideSpec("ds", "lines", "order_id = #{id}", List.of("sku", "unit_price"), null, null, null, null, null,
        null, null, null, null, true, "no");
    Verdict verdict = EntityDiffer.diff(LINE_PAIRS, lines, rows(List.of(line(1L, "A", 1))), pgLines, rows(List.of()));
    assertEquals(List.of("missing:[1]@right"), kindsAndFields(verdict));
  }
}
