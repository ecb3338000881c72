package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeriodTest {
  static long at(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void daysWeeksAndMonthsStartAtUtcMidnight() {
    long thursday = at("2026-11-26T15:47:07Z");
    assertEquals(at("2026-11-26T00:00:00Z"), Period.DAY.start(thursday));
    assertEquals(at("2026-11-23T00:00:00Z"), Period.WEEK.start(thursday), "ISO weeks start on Monday");
    assertEquals(at("2026-11-01T00:00:00Z"), Period.MONTH.start(thursday));
    assertEquals(at("2026-11-23T00:00:00Z"), Period.WEEK.start(at("2026-11-23T00:00:00Z")), "a Monday starts its own week");
    assertEquals(at("2026-11-23T00:00:00Z"), Period.WEEK.start(at("2026-11-29T23:59:59.999Z")), "Sunday ends it");
  }

  @Test
  void aWeekCrossesTheYearAndMonthsHaveTheirLengths() {
    assertEquals(at("2026-12-28T00:00:00Z"), Period.WEEK.start(at("2027-01-01T12:00:00Z")));
    assertEquals(at("2027-01-04T00:00:00Z"), Period.WEEK.next(at("2026-12-28T00:00:00Z")));
    assertEquals(at("2028-03-01T00:00:00Z"), Period.MONTH.next(at("2028-02-01T00:00:00Z")));
    assertEquals(at("2028-02-29T00:00:00Z"), Period.DAY.next(at("2028-02-28T00:00:00Z")));
  }

  @Test
  void startsCoverEveryPeriodOverlappingTheRange() {
    assertEquals(List.of(at("2026-10-01T00:00:00Z"), at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z")),
        Period.MONTH.starts(at("2026-10-15T00:00:00Z"), at("2026-12-01T00:00:01Z")));
    assertEquals(List.of(at("2026-11-26T00:00:00Z")), Period.DAY.starts(at("2026-11-26T10:00:00Z"), at("2026-11-26T11:00:00Z")));
    assertEquals(Period.WEEK, Period.of("week"));
    assertNull(Period.of("year"));
  }
}
