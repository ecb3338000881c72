package dev.tally.ingest.binlog;

import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer.CompatibilityMode;
import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Calendar;
import java.util.Collections;
import java.util.GregorianCalendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the rows of one table's binlog row events into the JSON-like values Tally's MySQL side reader produces
 * for the same data, so that a check compares like with like: integers as Long (unsigned ones beyond a long as
 * BigDecimal), DECIMAL as BigDecimal with the column's scale, FLOAT/DOUBLE as Double, DATETIME and TIMESTAMP
 * (in UTC) as ISO local date-times always with seconds ("2026-01-02T03:04:05", a fraction only when non-zero),
 * DATE as "yyyy-MM-dd", TIME as "HH:mm:ss" (hours may pass 24), ENUM and SET as their text, strings, binary
 * and JSON as text (UTF-8), BIT and YEAR as Long, SQL NULL and zero dates as null.
 *
 * <p>Rows must come from an {@link EventDeserializer} made by {@link #eventDeserializer()}: its compatibility
 * modes give exact values (temporals as microseconds, strings as bytes). Column metadata is
 * information_schema.COLUMNS of the table (name, DATA_TYPE, COLUMN_TYPE) in ORDINAL_POSITION order, the order
 * of the binlog's columns. Known limit: the binlog library ignores the sign of TIME values, so a negative TIME
 * comes out as a positive one. Immutable and thread-safe.
 */
public final class BinlogRowDecoder {
  /** The compatibility modes the decoder expects the rows to be deserialized with. */
  public static final List<CompatibilityMode> COMPATIBILITY_MODES =
      List.of(CompatibilityMode.DATE_AND_TIME_AS_LONG_MICRO, CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY);

  private static final Pattern SCALE = Pattern.compile("\\(\\s*\\d+\\s*,\\s*(\\d+)\\s*\\)");
  private static final Pattern MEMBERS = Pattern.compile("^(?:enum|set)\\s*\\((.*)\\)", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final long MICROS_PER_SECOND = 1_000_000L;
  private static final long MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
  private static final long MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
  /** Before the Gregorian cutover the binlog library counts days in the Julian calendar (GregorianCalendar). */
  private static final long GREGORIAN_CUTOVER_MICROS = LocalDate.of(1582, 10, 15).toEpochDay() * 86_400 * MICROS_PER_SECOND;

  private enum Kind { INTEGER, BIT, YEAR, DECIMAL, DATE, DATETIME, TIMESTAMP, TIME, ENUM, SET, BINARY_JSON, OTHER }

  private record Column(String name, BinlogColumn meta, Kind kind, int bits, boolean unsigned, Integer scale,
                        List<String> members) {
  }

  private final List<BinlogColumn> columns;
  private final Column[] decoders;

  /** @param columns the table's columns in ORDINAL_POSITION order */
  public BinlogRowDecoder(List<BinlogColumn> columns) {
    this.columns = List.copyOf(columns);
    this.decoders = new Column[columns.size()];
    for (int i = 0; i < decoders.length; i++) decoders[i] = column(this.columns.get(i));
  }

  /** A deserializer set to the modes this decoder expects. */
  public static EventDeserializer eventDeserializer() {
    EventDeserializer deserializer = new EventDeserializer();
    deserializer.setCompatibilityMode(COMPATIBILITY_MODES.get(0),
        COMPATIBILITY_MODES.subList(1, COMPATIBILITY_MODES.size()).toArray(new CompatibilityMode[0]));
    return deserializer;
  }

  public List<BinlogColumn> columns() {
    return columns;
  }

  /** A row with every column (a full row image). */
  public Map<String, Object> decode(Serializable[] row) {
    return decode(row, null);
  }

  /**
   * The row as column name → value, in column order. {@code includedColumns} is the row event's bit set of the
   * columns present in {@code row} (all of them with binlog_row_image=FULL); null means all.
   *
   * @throws IllegalArgumentException when the row does not fit the columns (the table changed since)
   */
  public Map<String, Object> decode(Serializable[] row, BitSet includedColumns) {
    Map<String, Object> out = new LinkedHashMap<>();
    int next = 0;
    for (int i = 0; i < decoders.length; i++) {
      if (includedColumns != null && !includedColumns.get(i)) continue;
      if (next >= row.length) throw new IllegalArgumentException("row has " + row.length + " values, fewer than the columns of the table");
      Column c = decoders[i];
      Serializable raw = row[next++];
      try {
        out.put(c.name(), raw == null ? null : value(c, raw));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("column " + c.name() + " (" + c.meta().columnType() + "): cannot decode a "
            + raw.getClass().getSimpleName() + ": " + e.getMessage(), e);
      }
    }
    if (next != row.length) {
      throw new IllegalArgumentException("row has " + row.length + " values but the table has " + next + " (included) columns");
    }
    return Collections.unmodifiableMap(out);
  }

  private static Column column(BinlogColumn meta) {
    String type = meta.dataType();
    String full = meta.columnTypeLower();
    boolean unsigned = full.contains("unsigned");
    Kind kind;
    int bits = 0;
    switch (type) {
      case "tinyint" -> { kind = Kind.INTEGER; bits = 8; }
      case "smallint" -> { kind = Kind.INTEGER; bits = 16; }
      case "mediumint" -> { kind = Kind.INTEGER; bits = 24; }
      case "int", "integer" -> { kind = Kind.INTEGER; bits = 32; }
      case "bigint" -> { kind = Kind.INTEGER; bits = 64; }
      case "bit" -> kind = Kind.BIT;
      case "year" -> kind = Kind.YEAR;
      case "decimal", "numeric" -> kind = Kind.DECIMAL;
      case "date" -> kind = Kind.DATE;
      case "datetime" -> kind = Kind.DATETIME;
      case "timestamp" -> kind = Kind.TIMESTAMP;
      case "time" -> kind = Kind.TIME;
      case "enum" -> kind = Kind.ENUM;
      case "set" -> kind = Kind.SET;
      case "json" -> kind = Kind.BINARY_JSON; // MySQL's binary JSON; MariaDB's JSON is LONGTEXT
      default -> kind = Kind.OTHER;
    }
    Integer scale = null;
    if (kind == Kind.DECIMAL) {
      Matcher m = SCALE.matcher(full);
      scale = m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
    List<String> members = kind == Kind.ENUM || kind == Kind.SET ? members(meta.columnType()) : List.of();
    return new Column(meta.name(), meta, kind, bits, unsigned, scale, members);
  }

  private static Object value(Column c, Serializable raw) {
    return switch (c.kind()) {
      case INTEGER -> integer(c, raw);
      case BIT -> raw instanceof BitSet bits ? bits(bits) : plain(raw);
      case YEAR -> year(raw);
      case DECIMAL -> decimal(c, raw);
      case DATE -> raw instanceof Long micros ? wallClock(micros).toLocalDate().toString() : plain(raw);
      case DATETIME -> raw instanceof Long micros ? DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(wallClock(micros)) : plain(raw);
      case TIMESTAMP -> raw instanceof Long micros ? timestamp(micros) : plain(raw);
      case TIME -> raw instanceof Long micros ? time(micros) : plain(raw);
      case ENUM -> raw instanceof Number n ? enumValue(c, n.intValue()) : plain(raw);
      case SET -> raw instanceof Number n ? setValue(c, n.longValue()) : plain(raw);
      case BINARY_JSON -> raw instanceof byte[] bytes ? json(bytes) : plain(raw);
      case OTHER -> plain(raw);
    };
  }

  /** A value with no column-specific rule: numbers widened, text and binary as UTF-8 text. */
  private static Object plain(Serializable raw) {
    if (raw instanceof byte[] bytes) return new String(bytes, StandardCharsets.UTF_8);
    if (raw instanceof String s) return s;
    if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
      return ((Number) raw).longValue();
    }
    if (raw instanceof Float f) return Double.parseDouble(f.toString()); // 1.1f stays 1.1
    if (raw instanceof Double || raw instanceof BigDecimal) return raw;
    if (raw instanceof BigInteger i) return i.bitLength() < 64 ? (Object) i.longValue() : new BigDecimal(i);
    if (raw instanceof BitSet bits) return bits(bits);
    return String.valueOf(raw);
  }

  private static Object integer(Column c, Serializable raw) {
    if (!(raw instanceof Number n)) throw new IllegalArgumentException("not an integer");
    long v = n.longValue();
    if (!c.unsigned()) return v;
    return switch (c.bits()) {
      case 8 -> v & 0xFFL;
      case 16 -> v & 0xFFFFL;
      case 24 -> v & 0xFFFFFFL;
      case 32 -> v & 0xFFFFFFFFL;
      default -> unsigned64(v);
    };
  }

  private static Object unsigned64(long v) {
    return v >= 0 ? (Object) v : new BigDecimal(new BigInteger(Long.toUnsignedString(v)));
  }

  private static Object bits(BitSet bits) {
    long[] words = bits.toLongArray();
    return unsigned64(words.length == 0 ? 0 : words[0]);
  }

  /** The library reads YEAR as 1900 + the stored byte, so the zero year 0000 (stored 0) arrives as 1900. */
  private static Object year(Serializable raw) {
    if (!(raw instanceof Number n)) throw new IllegalArgumentException("not a year");
    long y = n.longValue();
    return y == 1900 ? 0L : y;
  }

  private static Object decimal(Column c, Serializable raw) {
    BigDecimal d;
    if (raw instanceof BigDecimal b) {
      d = b;
    } else if (raw instanceof Number n) {
      d = new BigDecimal(n.toString());
    } else {
      throw new IllegalArgumentException("not a decimal");
    }
    try {
      return d.setScale(c.scale(), RoundingMode.UNNECESSARY);
    } catch (ArithmeticException e) {
      return d; // more digits than the column declares: keep them all rather than round
    }
  }

  /**
   * The wall-clock time the library encoded as microseconds since the epoch read as UTC (DATETIME, DATE). It
   * counts days before 1582-10-15 the way GregorianCalendar does (Julian), so those are decoded the same way.
   */
  private static LocalDateTime wallClock(long micros) {
    int micro = (int) Math.floorMod(micros, MICROS_PER_SECOND);
    if (micros >= GREGORIAN_CUTOVER_MICROS) {
      return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, MICROS_PER_SECOND), micro * 1000, ZoneOffset.UTC);
    }
    Calendar c = new GregorianCalendar(TimeZone.getTimeZone("GMT"), Locale.ROOT);
    c.setTimeInMillis(Math.floorDiv(micros, MICROS_PER_SECOND) * 1000);
    return LocalDateTime.of(c.get(Calendar.YEAR), c.get(Calendar.MONTH) + 1, c.get(Calendar.DAY_OF_MONTH),
        c.get(Calendar.HOUR_OF_DAY), c.get(Calendar.MINUTE), c.get(Calendar.SECOND), micro * 1000);
  }

  /** TIMESTAMP is an instant, shown in UTC; 0 is MySQL's zero timestamp '0000-00-00 00:00:00'. */
  private static Object timestamp(long micros) {
    if (micros == 0) return null;
    LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, MICROS_PER_SECOND),
        (int) Math.floorMod(micros, MICROS_PER_SECOND) * 1000, ZoneOffset.UTC);
    return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
  }

  /** TIME as [-]HH:MM:SS[.ffffff] (the side reader's form): a duration, hours may pass 24. */
  private static String time(long micros) {
    boolean negative = micros < 0;
    long abs = Math.abs(micros);
    String text = String.format(Locale.ROOT, "%02d:%02d:%02d", abs / MICROS_PER_HOUR, abs % MICROS_PER_HOUR / MICROS_PER_MINUTE,
        abs % MICROS_PER_MINUTE / MICROS_PER_SECOND);
    long fraction = abs % MICROS_PER_SECOND;
    if (fraction > 0) text += "." + String.format(Locale.ROOT, "%06d", fraction).replaceAll("0+$", "");
    return negative ? "-" + text : text;
  }

  /** ENUM arrives as the 1-based index of its member; 0 is the empty string MySQL stores for an invalid value. */
  private static Object enumValue(Column c, int index) {
    if (index == 0) return "";
    if (index > 0 && index <= c.members().size()) return c.members().get(index - 1);
    throw new IllegalArgumentException("enum index " + index + " is not in " + c.meta().columnType());
  }

  /** SET arrives as a bit mask over its members; the text is the members in declared order, comma-separated. */
  private static Object setValue(Column c, long mask) {
    List<String> chosen = new ArrayList<>();
    for (int i = 0; i < c.members().size() && i < 64; i++) {
      if ((mask & (1L << i)) != 0) chosen.add(c.members().get(i));
    }
    if (c.members().size() < 64 && (mask >>> c.members().size()) != 0) {
      throw new IllegalArgumentException("set mask " + Long.toBinaryString(mask) + " does not fit " + c.meta().columnType());
    }
    return String.join(",", chosen);
  }

  private static Object json(byte[] bytes) {
    if (bytes.length == 0) return null;
    try {
      return JsonBinary.parseAsString(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The members of "enum('a','b''c')" / "set(...)": quoted, '' and backslash escapes as MySQL prints them. */
  static List<String> members(String columnType) {
    Matcher m = MEMBERS.matcher(columnType);
    if (!m.find()) return List.of();
    String body = m.group(1);
    List<String> out = new ArrayList<>();
    StringBuilder current = null;
    for (int i = 0; i < body.length(); i++) {
      char ch = body.charAt(i);
      if (current == null) {
        if (ch == '\'') current = new StringBuilder();
        continue;
      }
      if (ch == '\'' && i + 1 < body.length() && body.charAt(i + 1) == '\'') {
        current.append('\'');
        i++;
      } else if (ch == '\\' && i + 1 < body.length()) {
        current.append(body.charAt(++i));
      } else if (ch == '\'') {
        out.add(current.toString());
        current = null;
      } else {
        current.append(ch);
      }
    }
    return List.copyOf(out);
  }
}
