package dev.tally.compare;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Points in time, whatever their spelling, compared as instants truncated to a precision (default SECONDS).
 *
 * <p>Accepted, in this order: the configured extra patterns; epoch numbers (number or numeric string; below
 * 100_000_000_000 they are seconds, else millis); ISO-8601 date-times with 'T' or a space, optional seconds
 * and fraction, optional offset ("Z", "+08:00", "+0800") and/or "[Region/Id]"; ISO dates ("2026-01-02",
 * start of day). Values without an offset or zone are read in the configured zone (default UTC):
 * a MySQL DATETIME is wall-clock time in whatever zone the application wrote it.
 */
public final class DatetimeComparator extends NullSafeComparator {
  private static final BigDecimal SECONDS_LIMIT = BigDecimal.valueOf(100_000_000_000L);
  private static final Pattern EPOCH = Pattern.compile("-?\\d+(\\.\\d+)?");
  private static final Pattern SPACE_SEPARATED = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}) +(\\d)");

  private static final DateTimeFormatter ISO_DATE_TIME = new DateTimeFormatterBuilder()
      .parseCaseInsensitive()
      .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
      .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
      .optionalStart().appendOffset("+HHMMss", "Z").optionalEnd()
      .optionalStart().appendLiteral('[').parseCaseSensitive().appendZoneRegionId().appendLiteral(']').optionalEnd()
      .toFormatter(Locale.ROOT);

  private final ZoneId zone;
  private final List<DateTimeFormatter> formats;
  private final ChronoUnit precision;

  /**
   * @param zone      any ZoneId ("UTC", "Asia/Shanghai", "+08:00"); null means UTC
   * @param formats   extra DateTimeFormatter patterns, tried first; null means none
   * @param precision SECONDS, MILLIS, MICROS, NANOS, MINUTES, HOURS or DAYS, any case; null means SECONDS
   * @throws IllegalArgumentException naming the bad option
   */
  public DatetimeComparator(String zone, List<String> formats, String precision) {
    this.zone = parseZone(zone);
    this.formats = parseFormats(formats);
    this.precision = parsePrecision(precision);
  }

  @Override
  protected Match compareNonNull(Object left, Object right) {
    Instant l = truncated(toInstant(left));
    Instant r = truncated(toInstant(right));
    return l.equals(r) ? Match.EQUAL
        : Match.mismatch(l + " != " + r + " (at " + precision.name().toLowerCase(Locale.ROOT) + " precision)");
  }

  /** The instant a value denotes; throws {@link NotParseable}. */
  Instant toInstant(Object value) {
    if (formats.isEmpty() && value instanceof String s) {
      Instant common = commonIsoOrNull(s);
      if (common != null) return common;
    }
    return generalInstant(value);
  }

  /** Every accepted spelling, through the formatters: what {@link #toInstant} does when the common path declines. */
  Instant generalInstant(Object value) {
    if (!(value instanceof String || value instanceof Number)) {
      throw new NotParseable(value, "a datetime");
    }
    String text = value instanceof String s ? s.trim() : null;
    for (int i = 0; text != null && i < formats.size(); i++) {
      try {
        return resolve(formats.get(i).parse(text));
      } catch (DateTimeException e) {
        // not this pattern: try the next
      }
    }
    try {
      if (text == null) {
        return fromEpoch(Values.toDecimal(value));
      }
      if (EPOCH.matcher(text).matches()) {
        return fromEpoch(new BigDecimal(text));
      }
      String iso = SPACE_SEPARATED.matcher(text).replaceFirst("$1T$2");
      // a bare date is exactly yyyy-MM-dd; anything longer carries a time
      return resolve(iso.length() > 10 ? ISO_DATE_TIME.parse(iso) : DateTimeFormatter.ISO_LOCAL_DATE.parse(iso));
    } catch (DateTimeException | ArithmeticException e) {
      throw new NotParseable(value, "a datetime");
    }
  }

  /**
   * The spelling nearly every value has, "yyyy-MM-dd(T| )HH:mm:ss[.fraction][Z|+HH:MM|-HH:MM]", read by hand: the
   * formatter path costs a regular expression, a parse context and its maps per value, and each check reads two
   * values per datetime field (it was the largest allocation of Tally's own code at full speed). Null for anything
   * else, or anything odd about these, which the general path then decides; the two agree (DatetimeComparatorTest).
   */
  Instant commonIsoOrNull(String s) {
    int n = s.length();
    if (n < 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || (s.charAt(10) != 'T' && s.charAt(10) != ' ')
        || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) return null;
    int i = 19;
    int nanos = 0;
    if (i < n && s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
      int length = i - start;
      if (length == 0 || length > 9) return null;
      nanos = digits(s, start, length);
      for (int k = length; k < 9; k++) nanos *= 10;
    }
    ZoneId at;
    if (i == n) {
      at = zone;
    } else if (n - i == 1 && s.charAt(i) == 'Z') {
      at = ZoneOffset.UTC;
    } else if (n - i == 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
      int offsetHours = digits(s, i + 1, 2);
      int offsetMinutes = digits(s, i + 4, 2);
      if ((offsetHours | offsetMinutes) < 0 || offsetMinutes > 59) return null;
      int seconds = (offsetHours * 3600 + offsetMinutes * 60) * (s.charAt(i) == '-' ? -1 : 1);
      if (Math.abs(seconds) > 18 * 3600) return null;
      at = ZoneOffset.ofTotalSeconds(seconds);
    } else {
      return null;
    }
    try {
      return java.time.LocalDateTime.of(year, month, day, hour, minute, second, nanos).atZone(at).toInstant();
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The decimal number of {@code length} digits at {@code from}, or -1 if one is not a digit. */
  private static int digits(String s, int from, int length) {
    int value = 0;
    for (int i = from; i < from + length; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static Instant fromEpoch(BigDecimal epoch) {
    BigDecimal seconds = epoch.abs().compareTo(SECONDS_LIMIT) < 0 ? epoch : epoch.movePointLeft(3);
    BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
    long nanos = seconds.subtract(whole).movePointRight(9).longValue();
    return Instant.ofEpochSecond(whole.longValueExact(), nanos);
  }

  /** A parsed value as an instant: its own offset or zone if it has one, else the configured zone. */
  private Instant resolve(TemporalAccessor parsed) {
    if (parsed.isSupported(ChronoField.INSTANT_SECONDS)) {
      return Instant.from(parsed);
    }
    LocalDate date = parsed.query(TemporalQueries.localDate());
    if (date == null) {
      throw new DateTimeException("no date");
    }
    LocalTime time = parsed.query(TemporalQueries.localTime());
    ZoneOffset offset = parsed.query(TemporalQueries.offset());
    ZoneId valueZone = offset != null ? offset : parsed.query(TemporalQueries.zoneId());
    return date.atTime(time == null ? LocalTime.MIDNIGHT : time)
        .atZone(valueZone == null ? zone : valueZone)
        .toInstant();
  }

  private Instant truncated(Instant instant) {
    // in the zone, so that DAYS and HOURS mean local days and hours (e.g. in +05:30)
    return instant.atZone(zone).truncatedTo(precision).toInstant();
  }

  private static ZoneId parseZone(String zone) {
    if (zone == null || zone.isBlank()) {
      return ZoneOffset.UTC;
    }
    try {
      return ZoneId.of(zone.trim());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("zone: unknown time zone '" + zone + "'");
    }
  }

  private static List<DateTimeFormatter> parseFormats(List<String> patterns) {
    List<DateTimeFormatter> parsed = new ArrayList<>();
    for (String pattern : patterns == null ? List.<String>of() : patterns) {
      try {
        parsed.add(DateTimeFormatter.ofPattern(pattern, Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("formats: invalid pattern '" + pattern + "': " + e.getMessage());
      }
    }
    return List.copyOf(parsed);
  }

  private static ChronoUnit parsePrecision(String precision) {
    if (precision == null || precision.isBlank()) {
      return ChronoUnit.SECONDS;
    }
    String name = precision.trim().toUpperCase(Locale.ROOT);
    for (ChronoUnit unit : List.of(ChronoUnit.NANOS, ChronoUnit.MICROS, ChronoUnit.MILLIS, ChronoUnit.SECONDS,
        ChronoUnit.MINUTES, ChronoUnit.HOURS, ChronoUnit.DAYS)) {
      if (unit.name().equals(name) || unit.name().equals(name + "S")) {
        return unit;
      }
    }
    throw new IllegalArgumentException(
        "precision: expected NANOS, MICROS, MILLIS, SECONDS, MINUTES, HOURS or DAYS, got '" + precision + "'");
  }
}
