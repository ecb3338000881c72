package dev.tally.compare;

import static dev.tally.compare.MatchAssertions.assertEqual;
import static dev.tally.compare.MatchAssertions.assertMismatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatetimeComparatorTest {
  private static final Instant EXPECTED = Instant.parse("2026-01-02T03:04:05Z");
  private final DatetimeComparator utc = new DatetimeComparator("UTC", null, null);

  /** The hand-written path for the common spellings and the formatter path give the same instant, or it declines. */
  @Test
  void theCommonPathAgreesWithTheFormattersOrDeclines() {
    java.util.Random random = new java.util.Random(42);
    List<String> texts = new java.util.ArrayList<>(List.of("2026-02-30T00:00:00", "2026-13-01 00:00:00", "2026-01-02T24:00:00",
        "2026-01-02T23:59:60", "2026-01-02T03:04:05.", "2026-01-02T03:04:05.1234567891", "2026-01-02T03:04:05+19:00",
        "2026-01-02T03:04:05+08:60", "2026-01-02T03:04:05+0800", "2026-01-02T03:04:05z", "2026-01-02t03:04:05",
        "2026-01-02  03:04:05", "2026-01-02T03:04", "+12026-01-02T03:04:05", "2026-03-08 02:30:00", "2026-11-01 01:30:00",
        "2026-01-02T03:04:05-00:00", "2026-01-02T03:04:05Z[UTC]", "2026-01-02T03:04:05 ", "2O26-01-02T03:04:05"));
    for (int i = 0; i < 2000; i++) {
      long seconds = random.nextLong(-2_000_000_000L, 4_000_000_000L);
      java.time.LocalDateTime local = java.time.LocalDateTime.ofEpochSecond(seconds, random.nextInt(1_000_000_000), ZoneOffset.UTC);
      String date = local.toLocalDate().toString();
      String time = local.toLocalTime().withNano(0).toString();
      if (time.length() == 5) time += ":00";
      String fraction = switch (random.nextInt(4)) {
        case 0 -> "";
        case 1 -> String.format(".%03d", local.getNano() / 1_000_000);
        case 2 -> String.format(".%09d", local.getNano());
        default -> "." + (local.getNano() / 100_000_000);
      };
      String offset = switch (random.nextInt(4)) {
        case 0 -> "";
        case 1 -> "Z";
        case 2 -> ZoneOffset.ofTotalSeconds(random.nextInt(-14 * 4, 14 * 4 + 1) * 900).getId().replace("Z", "+00:00");
        default -> "-05:30";
      };
      texts.add(date + (random.nextBoolean() ? "T" : " ") + time + fraction + offset);
    }
    int common = 0;
    for (String zone : List.of("UTC", "Asia/Shanghai", "America/New_York")) {
      DatetimeComparator in = new DatetimeComparator(zone, null, "NANOS");
      for (String text : texts) {
        Instant fast = in.commonIsoOrNull(text);
        Instant general;
        try {
          general = in.generalInstant(text);
        } catch (NotParseable e) {
          general = null;
        }
        if (fast == null) continue;
        common++;
        assertEquals(general, fast, text + " in " + zone);
      }
    }
    assertTrue(common > 3 * 2000 - 100, "the common path took " + common + " of the generated spellings");
    assertEquals(null, utc.commonIsoOrNull("2026-02-30T00:00:00"), "a day the month lacks goes the general way");
  }

  @Test
  void mysqlDatetimeEqualsIsoInstantInUtc() {
    assertEqual(utc, "2026-01-02 03:04:05", "2026-01-02T03:04:05Z");
  }

  @Test
  void mysqlDatetimeEqualsEpochMillisAndSeconds() {
    assertEqual(utc, "2026-01-02 03:04:05", 1767323045000L);
    assertEqual(utc, "2026-01-02T03:04:05", "1767323045000");
    assertEqual(utc, "2026-01-02T03:04:05", 1767323045);
    assertEqual(utc, "1767323045", 1767323045000L);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "2026-01-02T03:04:05", "2026-01-02 03:04:05", "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.000Z",
      "2026-01-02 03:04:05.123456", "2026-01-02T11:04:05+08:00", "2026-01-02T11:04:05+0800",
      "2026-01-02T11:04:05.999+08:00[Asia/Shanghai]", "2026-01-02T11:04:05[Asia/Shanghai]",
      "2026-01-01T22:04:05-05:00", "2026-01-02t03:04:05z", " 2026-01-02T03:04:05Z ", "1767323045", "1767323045123"})
  void everySpellingDenotesTheSameSecond(String text) {
    assertEquals(EXPECTED, utc.toInstant(text).truncatedTo(java.time.temporal.ChronoUnit.SECONDS), text);
  }

  @Test
  void dateOnlyIsStartOfDay() {
    assertEqual(utc, "2026-01-02", "2026-01-02T00:00:00Z");
  }

  @Test
  void zoneAppliesOnlyToValuesWithoutOne() {
    FieldComparator shanghai = new DatetimeComparator("Asia/Shanghai", null, null);
    assertEqual(shanghai, "2026-01-02 11:04:05", "2026-01-02T03:04:05Z");
    assertEqual(shanghai, "2026-01-02 11:04:05", 1767323045000L);
    assertEqual(shanghai, "2026-01-02 11:04:05", "2026-01-02T11:04:05+08:00");
    // the same wall-clock text read in UTC is eight hours later
    assertMismatch(utc, "2026-01-02 11:04:05", "2026-01-02T03:04:05Z");
    assertMismatch(shanghai, "2026-01-02 03:04:05", "2026-01-02T03:04:05Z");
  }

  @Test
  void zoneMayBeAnOffset() {
    assertEqual(new DatetimeComparator("+08:00", null, null), "2026-01-02 11:04:05", "2026-01-02T03:04:05Z");
  }

  @Test
  void secondsPrecisionIgnoresFractions() {
    assertEqual(utc, "2026-01-02 03:04:05.123456", "2026-01-02T03:04:05Z");
    assertEqual(utc, "2026-01-02 03:04:05.999", 1767323045000L);
  }

  @Test
  void millisPrecisionSeesMillisButNotMicros() {
    FieldComparator millis = new DatetimeComparator(null, null, "millis");
    assertEqual(millis, "2026-01-02 03:04:05.123456", 1767323045123L);
    assertEqual(millis, "2026-01-02 03:04:05.123", "2026-01-02T03:04:05.123999Z");
    String detail = assertMismatch(millis, "2026-01-02 03:04:05.123", "2026-01-02T03:04:05Z");
    assertEquals("2026-01-02T03:04:05.123Z != 2026-01-02T03:04:05Z (at millis precision)", detail);
  }

  @Test
  void microsPrecision() {
    FieldComparator micros = new DatetimeComparator(null, null, "MICROS");
    assertEqual(micros, "2026-01-02 03:04:05.123456", "2026-01-02T03:04:05.1234567Z");
    assertMismatch(micros, "2026-01-02 03:04:05.123456", "2026-01-02T03:04:05.123457Z");
  }

  @Test
  void coarserPrecisions() {
    assertEqual(new DatetimeComparator(null, null, "MINUTES"), "2026-01-02 03:04:05", "2026-01-02 03:04:59");
    assertMismatch(new DatetimeComparator(null, null, "MINUTES"), "2026-01-02 03:04:05", "2026-01-02 03:05:00");
    assertEqual(new DatetimeComparator(null, null, "Hours"), "2026-01-02 03:04:05", "2026-01-02 03:59:59");
    assertEqual(new DatetimeComparator(null, null, "days"), "2026-01-02 00:00:00", "2026-01-02 23:59:59");
  }

  @Test
  void daysAreDaysInTheConfiguredZone() {
    FieldComparator shanghaiDays = new DatetimeComparator("Asia/Shanghai", null, "DAYS");
    // both are 2 January in Shanghai, though 1 and 2 January in UTC
    assertEqual(shanghaiDays, "2026-01-01T16:30:00Z", "2026-01-02T15:00:00Z");
    assertMismatch(shanghaiDays, "2026-01-01T15:30:00Z", "2026-01-02T15:00:00Z");
  }

  @Test
  void extraFormatsAreTried() {
    FieldComparator custom = new DatetimeComparator("UTC", List.of("dd/MM/yyyy HH:mm:ss", "yyyyMMdd"), null);
    assertEqual(custom, "02/01/2026 03:04:05", "2026-01-02T03:04:05Z");
    assertEqual(custom, "20260102", "2026-01-02");
    assertEqual(custom, "2026-01-02 03:04:05", 1767323045);
    assertMismatch(utc, "02/01/2026 03:04:05", "2026-01-02T03:04:05Z");
  }

  @Test
  void unparseableIsAMismatch() {
    assertEquals("cannot parse 'abc' as a datetime", assertMismatch(utc, "abc", "2026-01-02"));
    assertMismatch(utc, "2026-13-02 03:04:05", "2026-01-02");
    assertMismatch(utc, true, 1767323045);
    assertMismatch(utc, "", "");
  }

  @Test
  void nullEqualsOnlyNull() {
    assertEqual(utc, null, null);
    assertMismatch(utc, "2026-01-02", null);
  }

  @Test
  void invalidOptionsAreRejectedByName() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new DatetimeComparator("Mars/Base", null, null))
        .getMessage().startsWith("zone"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new DatetimeComparator(null, null, "WEEKS"))
        .getMessage().startsWith("precision"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new DatetimeComparator(null, List.of("yyyy-{"), null))
        .getMessage().startsWith("formats"));
  }
}
