package dev.tally.model;

import java.util.Map;

/**
 * One change: which event source it came from, what happened ({@code op}), the entity's fields
 * after ({@code data}) and optionally before the change, when it happened and when Tally got it.
 * Values are plain JSON-like Java values (String, Number, Boolean, Map, List, null).
 */
public record Event(String id, String sourceId, String op, Map<String, Object> data,
                    Map<String, Object> before, long occurredAt, long receivedAt) {
  public Event {
    data = data == null ? Map.of() : data;
  }
}
