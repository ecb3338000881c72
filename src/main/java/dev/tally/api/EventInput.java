package dev.tally.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.model.Event;
import dev.tally.model.Ids;
import dev.tally.model.Json;
import dev.tally.model.ValidationException;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tally's native event JSON: {@code {"id"?, "op", "data": {...}, "before"?: {...}, "occurredAt"?}}, one or an
 * array. {@code occurredAt} is epoch millis or ISO-8601; {@code id} defaults to a new time-ordered id.
 */
final class EventInput {
  private static final Set<String> FIELDS = Set.of("id", "op", "data", "before", "occurredAt");
  /** One string per usual op, shared by every event that names it (a queued event holds its op until checked). */
  private static final Map<String, String> USUAL_OPS = Map.of("INSERT", "INSERT", "UPDATE", "UPDATE", "DELETE", "DELETE");
  /**
   * Most fields in an event's {@code data} or {@code before}: a row has at most 4,096 columns in MySQL (1,600 in
   * PostgreSQL), and every field of an accepted event is kept with its job and handed to the comparison.
   */
  static final int MAX_FIELDS = 4096;

  private EventInput() {
  }

  static List<Event> parseBatch(byte[] body, String sourceId, int maxEvents) {
    JsonNode root = tree(body);
    if (root.isArray()) {
      if (root.isEmpty()) throw new ValidationException("events", "empty array", "send at least one event");
      if (root.size() > maxEvents) throw new ValidationException("events", "too many events", "at most " + maxEvents + " per request, got " + root.size());
      List<Event> events = new ArrayList<>(root.size());
      for (int i = 0; i < root.size(); i++) events.add(parse(root.get(i), sourceId, "events[" + i + "]."));
      return events;
    }
    return List.of(parse(root, sourceId, ""));
  }

  static Event parseOne(JsonNode node, String sourceId, String prefix) {
    return parse(node, sourceId, prefix);
  }

  static JsonNode tree(byte[] body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new ValidationException(null, "malformed JSON", e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static Event parse(JsonNode node, String sourceId, String prefix) {
    if (node == null || !node.isObject()) throw new ValidationException(prefix.isEmpty() ? null : strip(prefix), "an event must be a JSON object");
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) throw new ValidationException(prefix + name, "unknown field", "event fields: " + FIELDS);
    }
    JsonNode op = node.get("op");
    if (op == null || !op.isTextual() || op.asText().isBlank()) throw new ValidationException(prefix + "op", "required", "a string such as INSERT, UPDATE, DELETE");
    JsonNode data = node.get("data");
    if (data == null || !data.isObject()) throw new ValidationException(prefix + "data", "required", "a JSON object with the row's fields");
    requireFewFields(data, prefix + "data");
    JsonNode before = node.get("before");
    if (before != null && !before.isNull() && !before.isObject()) throw new ValidationException(prefix + "before", "must be a JSON object");
    if (before != null && before.isObject()) requireFewFields(before, prefix + "before");
    long now = System.currentTimeMillis();
    String opText = op.asText();
    return new Event(id(node.get("id"), prefix), sourceId, USUAL_OPS.getOrDefault(opText, opText), map(data),
        before == null || before.isNull() ? null : map(before), occurredAt(node.get("occurredAt"), prefix, now), now);
  }

  private static void requireFewFields(JsonNode row, String field) {
    if (row.size() > MAX_FIELDS) {
      throw new ValidationException(field, "too many fields", "at most " + MAX_FIELDS + " fields in a row, got " + row.size());
    }
  }

  private static String id(JsonNode id, String prefix) {
    // time-ordered, so the jobs of events without an id of their own sort together (see Ids.job)
    if (id == null || id.isNull()) return Ids.timeOrdered();
    if (!(id.isTextual() || id.isIntegralNumber()) || id.asText().isBlank() || id.asText().length() > 128) {
      throw new ValidationException(prefix + "id", "invalid event id", "a string or integer of at most 128 characters");
    }
    return id.asText();
  }

  private static long occurredAt(JsonNode v, String prefix, long now) {
    if (v == null || v.isNull()) return now;
    if (v.isIntegralNumber()) return v.asLong();
    if (v.isTextual()) {
      try {
        return Instant.parse(v.asText()).toEpochMilli();
      } catch (DateTimeParseException e) {
        // fall through to the error below
      }
    }
    throw new ValidationException(prefix + "occurredAt", "not a time", "epoch milliseconds or ISO-8601 like 2026-01-02T03:04:05Z");
  }

  /**
   * The row as a map in the fields' order, its table sized to them: Jackson's map has 16 slots whatever its size,
   * and up to queue.maxWaiting events wait in the heap (a one-field row: one slot, 24 bytes of table instead of 80).
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(JsonNode node) {
    Map<String, Object> converted = Json.MAPPER.convertValue(node, Map.class);
    Map<String, Object> sized = new LinkedHashMap<>(Math.max(1, converted.size()), 1f);
    sized.putAll(converted);
    return sized;
  }

  private static String strip(String prefix) {
    return prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
  }
}
