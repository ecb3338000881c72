package dev.tally.ingest.format;

import static dev.tally.ingest.format.FormatJson.clip;
import static dev.tally.ingest.format.FormatJson.epoch;
import static dev.tally.ingest.format.FormatJson.field;
import static dev.tally.ingest.format.FormatJson.kind;
import static dev.tally.ingest.format.FormatJson.requiredText;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Alibaba Canal's flat messages ({@code canal.mq.flatMessage = true}): one JSON object per binlog event with
 * {@code database}, {@code table}, {@code type}, {@code isDdl}, {@code es}, {@code ts}, {@code mysqlType} and
 * the rows in {@code data} (and, for UPDATE, the changed columns' old values in {@code old}).
 *
 * <p>Each element of {@code data} is one row change, in order. DDL and other non-row types carry none. Canal
 * sends every value as a string: they are typed by the column's {@code mysqlType} (integer types as Long, or
 * BigDecimal beyond 64 bits; DECIMAL/NUMERIC, FLOAT/DOUBLE as BigDecimal; BIT as Long; everything else stays text).
 * For an UPDATE, before is the row overlaid with its {@code old} entry; when {@code old} is missing or does not
 * pair one to one with {@code data} (Canal before 1.1.5 left out empty entries), before is null rather than a guess.
 * occurredAt is {@code es} (the binlog execute time), else {@code ts}; values below 100_000_000_000 are read as
 * seconds (some Canal-compatible producers write seconds).
 */
public final class CanalFormat implements EventFormat {
  public static final String NAME = "CANAL";

  private enum ColumnKind { INTEGER, BIT, DECIMAL, TEXT }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<RowChange> parse(byte[] payload) {
    return FormatJson.parse("canal", payload, CanalFormat::decode);
  }

  private static List<RowChange> decode(JsonNode root) {
    if (!root.isObject()) {
      throw new MalformedEventException("canal message must be a JSON object (a flatMessage), got " + kind(root));
    }
    JsonNode isDdl = field(root, "isDdl");
    if (isDdl != null && isDdl.asBoolean(false)) return List.of();
    String type = requiredText(root, "type", "canal message");
    String op = type.toUpperCase(Locale.ROOT);
    if (!op.equals("INSERT") && !op.equals("UPDATE") && !op.equals("DELETE")) return List.of(); // QUERY, CREATE, ALTER, …

    String database = requiredText(root, "database", "canal message");
    String table = requiredText(root, "table", "canal message");
    JsonNode data = field(root, "data");
    if (data == null) throw new MalformedEventException("canal message has no 'data' array");
    if (!data.isArray()) throw new MalformedEventException("canal 'data' must be an array, got " + kind(data));
    JsonNode types = field(root, "mysqlType");
    if (types != null && !types.isObject()) {
      throw new MalformedEventException("canal 'mysqlType' must be an object, got " + kind(types));
    }
    JsonNode old = field(root, "old");
    if (old != null && !old.isArray()) throw new MalformedEventException("canal 'old' must be an array, got " + kind(old));
    boolean pairedOld = op.equals("UPDATE") && old != null && old.size() == data.size();

    Long occurredAt = epoch(root, "es", "canal message");
    if (occurredAt == null || occurredAt <= 0) occurredAt = epoch(root, "ts", "canal message");
    if (occurredAt != null && Math.abs(occurredAt) < FormatJson.SECONDS_LIMIT) occurredAt = occurredAt * 1000;

    List<RowChange> changes = new ArrayList<>(data.size());
    for (int i = 0; i < data.size(); i++) {
      Map<String, Object> row = typed(data.get(i), types, "data[" + i + "]");
      Map<String, Object> before = null;
      if (pairedOld) {
        before = new LinkedHashMap<>(row);
        before.putAll(typed(old.get(i), types, "old[" + i + "]"));
      }
      changes.add(new RowChange(database, table, op, row, before, occurredAt, null));
    }
    return changes;
  }

  private static Map<String, Object> typed(JsonNode row, JsonNode types, String where) {
    if (row == null || !row.isObject()) {
      throw new MalformedEventException("canal " + where + " must be an object, got " + kind(row));
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> column = it.next();
      JsonNode type = types == null ? null : types.get(column.getKey());
      values.put(column.getKey(), value(column.getKey(), column.getValue(),
          type != null && type.isTextual() ? type.textValue() : null));
    }
    return values;
  }

  private static Object value(String column, JsonNode value, String mysqlType) {
    if (value == null || value.isNull()) return null;
    if (!value.isTextual() || mysqlType == null) return FormatJson.value(value);
    String text = value.textValue();
    ColumnKind kind = kindOf(mysqlType);
    try {
      return switch (kind) {
        case INTEGER -> FormatJson.integer(new BigInteger(text.trim()));
        case BIT -> bit(text);
        case DECIMAL -> new BigDecimal(text.trim());
        case TEXT -> text;
      };
    } catch (NumberFormatException e) {
      throw new MalformedEventException("canal column '" + clip(column) + "' (" + clip(mysqlType)
          + ") has a non-numeric value '" + clip(text) + "'");
    }
  }

  /** Canal prints BIT as its number ("5"); anything else is kept as the text it is. */
  private static Object bit(String text) {
    try {
      return FormatJson.integer(new BigInteger(text.trim()));
    } catch (NumberFormatException e) {
      return text;
    }
  }

  /** What a MySQL column type such as "bigint(20) unsigned", "decimal(10,2)" or "INTEGER" holds. */
  private static ColumnKind kindOf(String mysqlType) {
    String t = mysqlType.trim().toLowerCase(Locale.ROOT);
    int end = 0;
    while (end < t.length() && Character.isLetter(t.charAt(end))) end++;
    return switch (t.substring(0, end)) {
      case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "bool", "boolean", "serial" -> ColumnKind.INTEGER;
      case "bit" -> ColumnKind.BIT;
      case "decimal", "numeric", "dec", "fixed", "float", "double", "real" -> ColumnKind.DECIMAL;
      default -> ColumnKind.TEXT;
    };
  }
}
