package dev.tally.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.ops.Reports.Item;
import dev.tally.ops.Reports.Report;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportCsvTest {
  static final Item EMPTY = new Item(0, "1970-01-01T00:00:00Z", 0, 0, 0, 0, null);
  static final Item FULL = new Item(86_400_000, "1970-01-02T00:00:00Z", 3, 1, 0, 4, 0.75);

  @Test
  void oneRowPerPeriodUnderAHeaderAnEmptyRateForNoResults() {
    assertEquals("""
        period,taskId,start,startIso,pass,fail,error,total,passRate
        day,orders-check,0,1970-01-01T00:00:00Z,0,0,0,0,
        day,orders-check,86400000,1970-01-02T00:00:00Z,3,1,0,4,0.75
        """, ReportRoutes.csv(new Report("day", "orders-check", List.of(EMPTY, FULL))));
    assertEquals("month,,0,1970-01-01T00:00:00Z,0,0,0,0,", ReportRoutes.csv(new Report("month", null, List.of(EMPTY))).lines().toList().get(1));
  }

  @Test
  void aTaskIdWithCommasQuotesOrAFormulaSignIsQuotedAndDefused() {
    assertEquals("\"a,\"\"b\"\"\"", field(ReportRoutes.csv(new Report("day", "a,\"b\"", List.of(EMPTY)))));
    assertEquals("\"'=HYPERLINK(1)\"", field(ReportRoutes.csv(new Report("day", "=HYPERLINK(1)", List.of(EMPTY)))));
    assertEquals("\"'-1\"", field(ReportRoutes.csv(new Report("day", "-1", List.of(EMPTY)))));
  }

  /** The taskId field of the first row: what lies between the period and the epoch start. */
  private static String field(String csv) {
    String row = csv.lines().toList().get(1);
    return row.substring("day,".length(), row.indexOf(",0,1970"));
  }
}
