package dev.tally.ingest.binlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/**
 * Raw values as the binlog library hands them over with {@link BinlogRowDecoder#COMPATIBILITY_MODES}: integers
 * as signed Integer/Long, DECIMAL as BigDecimal, temporals as microseconds (DATETIME/DATE as the wall clock read
 * as UTC, TIMESTAMP as the instant), strings and blobs as byte[], ENUM as index, SET as mask, BIT as BitSet.
 */
class BinlogRowDecoderTest {
  private static Object one(String dataType, String columnType, Serializable raw) {
    BinlogRowDecoder decoder = new BinlogRowDecoder(List.of(new BinlogColumn("c", dataType, columnType)));
    return decoder.decode(new Serializable[] {raw}).get("c");
  }

  private static long micros(LocalDateTime wallClock) {
    return wallClock.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + wallClock.getNano() / 1000;
  }

  /** What the library computes for dates before the Gregorian cutover (GregorianCalendar, GMT), in micros. */
  private static long libraryMicros(int year, int month, int day, int hour, int minute, int second) {
    Calendar c = new GregorianCalendar(TimeZone.getTimeZone("GMT"));
    c.clear();
    c.set(year, month - 1, day, hour, minute, second);
    return c.getTimeInMillis() * 1000;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void integersAsLongWithUnsignedHandled() {
    assertEquals(-5L, one("int", "int(11)", -5));
    assertEquals(42L, one("bigint", "bigint(20)", 42L));
    assertEquals(255L, one("tinyint", "tinyint(3) unsigned", -1));
    assertEquals(65535L, one("smallint", "smallint(5) unsigned", -1));
    assertEquals(16777215L, one("mediumint", "mediumint(8) unsigned", -1));
    assertEquals(4294967295L, one("int", "int(10) unsigned", -1));
    assertEquals(new BigDecimal("18446744073709551615"), one("bigint", "bigint(20) unsigned", -1L));
    assertEquals(Long.MAX_VALUE, one("bigint", "bigint(20) unsigned", Long.MAX_VALUE));
    assertEquals(1L, one("tinyint", "tinyint(1)", 1));
    assertEquals(-128L, one("tinyint", "tinyint(4)", -128));
  }

  @Test
  void bitAndYearAsLong() {
    BitSet one = new BitSet();
    one.set(0);
    assertEquals(1L, one("bit", "bit(1)", one));
    assertEquals(0L, one("bit", "bit(1)", new BitSet()));
    BitSet five = new BitSet();
    five.set(0);
    five.set(2);
    assertEquals(5L, one("bit", "bit(10)", five));
    assertEquals(2026L, one("year", "year(4)", 2026));
    assertEquals(0L, one("year", "year(4)", 1900), "the zero year 0000 arrives as 1900");
  }

  @Test
  void decimalsKeepTheColumnScale() {
    Object amount = one("decimal", "decimal(10,2)", new BigDecimal("12.5"));
    assertEquals(new BigDecimal("12.50"), amount); // equals compares the scale too
    assertEquals(new BigDecimal("-0.05"), one("decimal", "decimal(10,2)", new BigDecimal("-0.05")));
    assertEquals(new BigDecimal("7"), one("decimal", "decimal(10,0)", new BigDecimal("7")));
    assertEquals(new BigDecimal("3.000"), one("decimal", "decimal(12,3) unsigned", new BigDecimal("3")));
    assertEquals(1.1d, one("float", "float", 1.1f));
    assertEquals(0.25d, one("double", "double", 0.25d));
  }

  @Test
  void datetimesAsIsoWithSecondsAlwaysAndFractionWhenNonZero() {
    assertEquals("2026-01-02T03:04:05", one("datetime", "datetime", micros(LocalDateTime.of(2026, 1, 2, 3, 4, 5))));
    assertEquals("2026-01-02T03:04:00", one("datetime", "datetime", micros(LocalDateTime.of(2026, 1, 2, 3, 4))));
    assertEquals("2026-01-02T03:04:05.25", one("datetime", "datetime(3)", micros(LocalDateTime.of(2026, 1, 2, 3, 4, 5, 250_000_000))));
    assertEquals("2026-01-02T03:04:05.000001", one("datetime", "datetime(6)", micros(LocalDateTime.of(2026, 1, 2, 3, 4, 5, 1_000))));
    assertEquals("1000-01-01T00:00:00", one("datetime", "datetime", libraryMicros(1000, 1, 1, 0, 0, 0)));
    assertEquals("1582-10-04T23:59:59", one("datetime", "datetime", libraryMicros(1582, 10, 4, 23, 59, 59)));
    assertEquals("1582-10-15T00:00:00", one("datetime", "datetime", libraryMicros(1582, 10, 15, 0, 0, 0)));
  }

  @Test
  void timestampsInUtcAndTheZeroTimestampAsNull() {
    long instant = micros(LocalDateTime.of(2026, 1, 2, 3, 4, 5)); // the instant 2026-01-02T03:04:05Z
    assertEquals("2026-01-02T03:04:05", one("timestamp", "timestamp", instant));
    assertEquals("2026-01-02T03:04:05.5", one("timestamp", "timestamp(1)", instant + 500_000));
    assertNull(one("timestamp", "timestamp", 0L));
  }

  @Test
  void datesAndTimes() {
    assertEquals("2026-01-02", one("date", "date", micros(LocalDateTime.of(2026, 1, 2, 0, 0))));
    assertEquals("1000-01-01", one("date", "date", libraryMicros(1000, 1, 1, 0, 0, 0)));
    assertEquals("03:04:05", one("time", "time", (3 * 3600L + 4 * 60 + 5) * 1_000_000));
    assertEquals("00:00:00", one("time", "time", 0L));
    assertEquals("838:59:59.5", one("time", "time(1)", (838 * 3600L + 59 * 60 + 59) * 1_000_000 + 500_000));
  }

  @Test
  void zeroDatesAreNull() {
    // the library hands over null for 0000-00-00 (no INVALID_DATE_AND_TIME_AS_* mode)
    BinlogRowDecoder decoder = new BinlogRowDecoder(List.of(new BinlogColumn("d", "date", "date"),
        new BinlogColumn("t", "datetime", "datetime")));
    Map<String, Object> row = decoder.decode(new Serializable[] {null, null});
    assertTrue(row.containsKey("d") && row.containsKey("t"));
    assertNull(row.get("d"));
    assertNull(row.get("t"));
  }

  @Test
  void stringsBlobsAndJsonAsUtf8Text() {
    assertEquals("héllo wörld ✓", one("varchar", "varchar(32)", utf8("héllo wörld ✓")));
    assertEquals("A-1", one("char", "char(8)", utf8("A-1")));
    assertEquals("a note", one("text", "text", utf8("a note")));
    assertEquals("", one("varchar", "varchar(32)", new byte[0]));
    // MariaDB JSON is LONGTEXT: the text as written
    assertEquals("{\"a\": [1, 2]}", one("longtext", "longtext", utf8("{\"a\": [1, 2]}")));
    // MySQL JSON is binary: 0x0c = string, then its length and bytes
    assertEquals("\"abc\"", one("json", "json", new byte[] {0x0c, 3, 'a', 'b', 'c'}));
  }

  @Test
  void enumAndSetAsTheirText() {
    String enumType = "enum('Open','Closed','it''s')";
    assertEquals("Open", one("enum", enumType, 1));
    assertEquals("Closed", one("enum", enumType, 2));
    assertEquals("it's", one("enum", enumType, 3));
    assertEquals("", one("enum", enumType, 0), "0 is MySQL's empty value for an invalid ENUM");
    String setType = "set('Red','Green','Blue')";
    assertEquals("Red,Blue", one("set", setType, 5L));
    assertEquals("", one("set", setType, 0L));
    assertThrows(IllegalArgumentException.class, () -> one("set", setType, 8L));
    assertEquals(List.of("a,b", "c\\d", "e'f"), BinlogRowDecoder.members("ENUM('a,b','c\\\\d','e''f')"));
  }

  @Test
  void rowAsMapInColumnOrderWithNulls() {
    BinlogRowDecoder decoder = new BinlogRowDecoder(List.of(new BinlogColumn("id", "bigint", "bigint(20)"),
        new BinlogColumn("code", "varchar", "varchar(32)"), new BinlogColumn("amount", "decimal", "decimal(10,2)"),
        new BinlogColumn("note", "text", "text")));
    Map<String, Object> row = decoder.decode(new Serializable[] {1L, utf8("A-1"), new BigDecimal("3"), null});
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("id", 1L);
    expected.put("code", "A-1");
    expected.put("amount", new BigDecimal("3.00"));
    expected.put("note", null);
    assertEquals(expected, row);
    assertEquals(List.of("id", "code", "amount", "note"), new ArrayList<>(row.keySet()));
  }

  @Test
  void onlyTheIncludedColumnsOfAPartialRowImage() {
    BinlogRowDecoder decoder = new BinlogRowDecoder(List.of(new BinlogColumn("id", "bigint", "bigint(20)"),
        new BinlogColumn("code", "varchar", "varchar(32)"), new BinlogColumn("grp", "int", "int(11)")));
    BitSet included = new BitSet();
    included.set(0);
    included.set(2);
    assertEquals(Map.of("id", 7L, "grp", 3L), decoder.decode(new Serializable[] {7L, 3}, included));
  }

  @Test
  void aRowThatDoesNotFitTheColumnsFails() {
    BinlogRowDecoder decoder = new BinlogRowDecoder(List.of(new BinlogColumn("id", "bigint", "bigint(20)")));
    assertThrows(IllegalArgumentException.class, () -> decoder.decode(new Serializable[] {1L, 2L}));
    assertThrows(IllegalArgumentException.class, () -> decoder.decode(new Serializable[] {}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> decoder.decode(new Serializable[] {utf8("not a number")}));
    assertTrue(e.getMessage().contains("column id"), e.getMessage());
  }
}
