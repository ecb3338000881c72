package dev.tally.ingest.format;

import java.util.Map;

/**
 * One row change decoded from a CDC message, before it becomes an event. {@code op} is INSERT, UPDATE,
 * DELETE or READ (a snapshot row), or the producer's own name for NATIVE. For a DELETE, {@code data} holds
 * the row as it was, so templates such as {@code #{id}} still find the key. {@code occurredAt} is epoch
 * millis or null; {@code id} is a producer-given event id or null.
 */
public record RowChange(String database, String table, String op, Map<String, Object> data,
                        Map<String, Object> before, Long occurredAt, String id) {
}
