package dev.tally.ingest.format;

import static dev.tally.ingest.format.FormatJson.clip;
import static dev.tally.ingest.format.FormatJson.epoch;
import static dev.tally.ingest.format.FormatJson.field;
import static dev.tally.ingest.format.FormatJson.kind;
import static dev.tally.ingest.format.FormatJson.requiredText;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Debezium change events as the Kafka Connect JsonConverter writes them: with the schema envelope
 * ({@code {"schema": {...}, "payload": {...}}}, schemas.enable=true) or the payload alone.
 *
 * <p>{@code op} c, u, d, r become INSERT, UPDATE, DELETE (data is the row as it was, before is null) and READ
 * (a snapshot row). Tombstones (an empty value or JSON null), truncates ({@code t}), logical-decoding messages
 * ({@code m}), heartbeats, transaction markers and schema-change events carry no row change. The database and
 * table are {@code source.db} and {@code source.table}; occurredAt is {@code source.ts_ms}, else {@code ts_ms}.
 *
 * <p>With the schema, row fields are decoded by their logical type (see {@link DebeziumTypes}): decimals become
 * BigDecimal with their scale, dates, times and date-times ISO-8601 text as Tally's MySQL reader prints them.
 * Without it, values stay as Debezium wrote them (a precise DECIMAL is then base64 text: configure
 * {@code decimal.handling.mode=string} or enable schemas).
 */
public final class DebeziumFormat implements EventFormat {
  public static final String NAME = "DEBEZIUM";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<RowChange> parse(byte[] payload) {
    return FormatJson.parse("debezium", payload, DebeziumFormat::decode);
  }

  private static List<RowChange> decode(JsonNode root) {
    if (root.isNull()) return List.of(); // the JsonConverter's tombstone without schemas
    if (!root.isObject()) throw new MalformedEventException("debezium message must be a JSON object, got " + kind(root));
    JsonNode value = root;
    JsonNode schema = null;
    if (root.has("payload") && root.has("schema") && !root.has("op")) {
      value = root.get("payload");
      schema = field(root, "schema");
      if (value == null || value.isNull()) return List.of(); // {"schema":null,"payload":null}: a tombstone
      if (!value.isObject()) throw new MalformedEventException("debezium 'payload' must be an object, got " + kind(value));
    }

    JsonNode opNode = field(value, "op");
    JsonNode after = field(value, "after");
    JsonNode before = field(value, "before");
    if (opNode == null) {
      if (after == null && before == null) {
        if (value.has("__deleted") || value.has("__op")) {
          throw new MalformedEventException("debezium message is flattened (ExtractNewRecordState);"
              + " Tally needs the change event envelope with op, before, after and source");
        }
        return List.of(); // heartbeat, transaction marker, schema change (ddl)
      }
      throw new MalformedEventException("debezium message has no 'op'");
    }
    if (!opNode.isTextual()) throw new MalformedEventException("debezium 'op' must be a string, got " + kind(opNode));
    String op;
    switch (opNode.textValue()) {
      case "c" -> op = "INSERT";
      case "u" -> op = "UPDATE";
      case "d" -> op = "DELETE";
      case "r" -> op = "READ";
      case "t", "m" -> {
        return List.of(); // truncate, logical decoding message: no row
      }
      default -> throw new MalformedEventException("debezium message has unknown op '" + clip(opNode.textValue())
          + "' (expected c, u, d, r or t)");
    }

    JsonNode source = field(value, "source");
    if (source == null || !source.isObject()) throw new MalformedEventException("debezium message has no 'source' object");
    String database = requiredText(source, "db", "debezium source");
    String table = requiredText(source, "table", "debezium source");
    Long occurredAt = epoch(source, "ts_ms", "debezium source");
    if (occurredAt == null) occurredAt = epoch(value, "ts_ms", "debezium message");

    Map<String, Object> data;
    Map<String, Object> previous = null;
    if (op.equals("DELETE")) {
      data = row(before, "before", opNode.textValue(), schema);
    } else {
      data = row(after, "after", opNode.textValue(), schema);
      if (op.equals("UPDATE") && before != null) previous = row(before, "before", opNode.textValue(), schema);
    }
    return List.of(new RowChange(database, table, op, data, previous, occurredAt, null));
  }

  private static Map<String, Object> row(JsonNode row, String name, String op, JsonNode envelopeSchema) {
    if (row == null) throw new MalformedEventException("debezium '" + op + "' event has no '" + name + "'");
    if (!row.isObject()) throw new MalformedEventException("debezium '" + name + "' must be an object, got " + kind(row));
    Map<String, JsonNode> schemas = fieldSchemas(envelopeSchema, name);
    Map<String, Object> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> column = it.next();
      values.put(column.getKey(), DebeziumTypes.decode(column.getKey(), column.getValue(), schemas.get(column.getKey())));
    }
    return values;
  }

  /** The field schemas of the envelope's {@code before} or {@code after} struct, by column; empty without a schema. */
  private static Map<String, JsonNode> fieldSchemas(JsonNode envelopeSchema, String name) {
    Map<String, JsonNode> byName = new HashMap<>();
    JsonNode fields = envelopeSchema == null ? null : envelopeSchema.get("fields");
    if (fields == null || !fields.isArray()) return byName;
    for (JsonNode f : fields) {
      JsonNode fieldName = f.get("field");
      if (fieldName != null && name.equals(fieldName.asText())) {
        return DebeziumTypes.structFields(f);
      }
    }
    return byName;
  }
}
