package dev.tally.ops;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A report period, in UTC: a day, an ISO week (from Monday 00:00) or a calendar month. */
public enum Period {
  DAY, WEEK, MONTH;

  /** The name used in the API and the store: day, week, month. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The period named {@code key}, or null. */
  public static Period of(String key) {
    for (Period p : values()) if (p.key().equals(key)) return p;
    return null;
  }

  /** The start of the period holding {@code epochMs}. */
  public long start(long epochMs) {
    LocalDate day = Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate first = switch (this) {
      case DAY -> day;
      case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTH -> day.withDayOfMonth(1);
    };
    return first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }

  /** The start of the period after the one starting at {@code start}. */
  public long next(long start) {
    LocalDate first = Instant.ofEpochMilli(start).atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate after = switch (this) {
      case DAY -> first.plusDays(1);
      case WEEK -> first.plusWeeks(1);
      case MONTH -> first.plusMonths(1);
    };
    return after.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }

  /** The starts of the periods overlapping [from, to), oldest first. */
  public List<Long> starts(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long s = start(from); s < to; s = next(s)) out.add(s);
    return out;
  }
}
