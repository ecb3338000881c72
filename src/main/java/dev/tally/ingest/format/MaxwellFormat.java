package dev.tally.ingest.format;

import static dev.tally.ingest.format.FormatJson.epoch;
import static dev.tally.ingest.format.FormatJson.field;
import static dev.tally.ingest.format.FormatJson.kind;
import static dev.tally.ingest.format.FormatJson.requiredText;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maxwell's daemon JSON: {@code {"database", "table", "type", "ts", "xid", "commit", "data", "old"}}.
 *
 * <p>Types insert, update, delete and bootstrap-insert (a snapshot row, READ) are row changes; everything else
 * (bootstrap-start/complete, table-create/alter/drop, database-*, heartbeats) carries none. For an update, before
 * is {@code data} overlaid with {@code old} (the changed columns' previous values). Values are kept as Maxwell
 * typed them. occurredAt is {@code ts_ms} when present, else {@code ts} (epoch seconds) times 1000; a {@code ts}
 * of 100_000_000_000 or more is taken as millis already.
 */
public final class MaxwellFormat implements EventFormat {
  public static final String NAME = "MAXWELL";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<RowChange> parse(byte[] payload) {
    return FormatJson.parse("maxwell", payload, MaxwellFormat::decode);
  }

  private static List<RowChange> decode(JsonNode root) {
    if (!root.isObject()) throw new MalformedEventException("maxwell message must be a JSON object, got " + kind(root));
    String type = requiredText(root, "type", "maxwell message");
    String op = switch (type.toLowerCase(Locale.ROOT)) {
      case "insert" -> "INSERT";
      case "update" -> "UPDATE";
      case "delete" -> "DELETE";
      case "bootstrap-insert" -> "READ";
      default -> null;
    };
    if (op == null) return List.of();

    String database = requiredText(root, "database", "maxwell message");
    String table = requiredText(root, "table", "maxwell message");
    JsonNode data = field(root, "data");
    if (data == null || !data.isObject()) {
      throw new MalformedEventException("maxwell " + type + " has no 'data' object" + (data == null ? "" : ", got " + kind(data)));
    }
    Map<String, Object> row = FormatJson.object(data);
    Map<String, Object> before = null;
    if (op.equals("UPDATE")) {
      JsonNode old = field(root, "old");
      if (old != null && !old.isObject()) throw new MalformedEventException("maxwell 'old' must be an object, got " + kind(old));
      before = new LinkedHashMap<>(row);
      if (old != null) before.putAll(FormatJson.object(old)); // no 'old': no column changed
    }

    Long occurredAt = epoch(root, "ts_ms", "maxwell message");
    if (occurredAt == null) {
      Long ts = epoch(root, "ts", "maxwell message");
      occurredAt = ts == null ? null : Math.abs(ts) < FormatJson.SECONDS_LIMIT ? ts * 1000 : ts;
    }
    return List.of(new RowChange(database, table, op, row, before, occurredAt, null));
  }
}
