package dev.tally.ingest.format;

import static dev.tally.ingest.format.FormatJson.clip;
import static dev.tally.ingest.format.FormatJson.field;
import static dev.tally.ingest.format.FormatJson.kind;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tally's own event JSON, as the HTTP API takes it: one object
 * {@code {"id"?: string|integer, "op": string, "data": {...}, "before"?: {...}|null, "occurredAt"?: epoch
 * millis|ISO-8601 with offset, "database"?: string, "table"?: string}} or an array of them (an empty array
 * carries no change). Unknown fields are refused. {@code op} is kept as written (INSERT, UPDATE, DELETE or the
 * producer's own name). A missing id or occurredAt stays null: the caller supplies them.
 */
public final class NativeFormat implements EventFormat {
  public static final String NAME = "NATIVE";

  /** The fields of a native event, in documentation order. */
  public static final List<String> FIELDS = List.of("id", "op", "data", "before", "occurredAt", "database", "table");

  private static final Set<String> KNOWN = Set.copyOf(FIELDS);
  private static final int MAX_ID_LENGTH = 128;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<RowChange> parse(byte[] payload) {
    return FormatJson.parse("native", payload, NativeFormat::decode);
  }

  private static List<RowChange> decode(JsonNode root) {
    if (root.isArray()) {
      List<RowChange> changes = new ArrayList<>(root.size());
      for (int i = 0; i < root.size(); i++) changes.add(event(root.get(i), "native event [" + i + "]"));
      return changes;
    }
    if (!root.isObject()) {
      throw new MalformedEventException("native event must be a JSON object or an array of them, got " + kind(root));
    }
    return List.of(event(root, "native event"));
  }

  private static RowChange event(JsonNode node, String what) {
    if (!node.isObject()) throw new MalformedEventException(what + " must be a JSON object, got " + kind(node));
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!KNOWN.contains(name)) {
        throw new MalformedEventException(what + " has unknown field '" + clip(name) + "' (known: " + String.join(", ", FIELDS) + ")");
      }
    }
    JsonNode op = field(node, "op");
    if (op == null || !op.isTextual() || op.textValue().isBlank()) {
      throw new MalformedEventException(what + " needs 'op', a string such as INSERT, UPDATE or DELETE"
          + (op == null ? "" : "; got " + kind(op)));
    }
    JsonNode data = field(node, "data");
    if (data == null || !data.isObject()) {
      throw new MalformedEventException(what + " needs 'data', an object with the row's fields"
          + (data == null ? "" : "; got " + kind(data)));
    }
    JsonNode before = field(node, "before");
    if (before != null && !before.isObject()) {
      throw new MalformedEventException(what + " 'before' must be an object or null, got " + kind(before));
    }
    Map<String, Object> previous = before == null ? null : FormatJson.object(before);
    return new RowChange(optionalText(node, "database", what), optionalText(node, "table", what), op.textValue(),
        FormatJson.object(data), previous, occurredAt(field(node, "occurredAt"), what), id(field(node, "id"), what));
  }

  private static String id(JsonNode id, String what) {
    if (id == null) return null;
    if (!(id.isTextual() || id.isIntegralNumber()) || id.asText().isBlank() || id.asText().length() > MAX_ID_LENGTH) {
      throw new MalformedEventException(what + " 'id' must be a string or integer of 1 to " + MAX_ID_LENGTH + " characters");
    }
    return id.asText();
  }

  private static Long occurredAt(JsonNode v, String what) {
    if (v == null) return null;
    if (v.isIntegralNumber() && v.canConvertToLong()) return v.longValue();
    if (v.isTextual()) {
      String text = v.textValue().trim();
      try {
        return Instant.parse(text).toEpochMilli();
      } catch (DateTimeException e) {
        try {
          return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeException e2) {
          // reported below
        }
      }
    }
    throw new MalformedEventException(what + " 'occurredAt' is not a time: use epoch millis or ISO-8601 with an offset"
        + " like 2026-01-02T03:04:05Z");
  }

  private static String optionalText(JsonNode node, String name, String what) {
    JsonNode v = field(node, name);
    if (v == null) return null;
    if (!v.isTextual()) throw new MalformedEventException(what + " '" + name + "' must be a string, got " + kind(v));
    return v.textValue();
  }
}
