package dev.tally.model;

/** Where change events come from. BINLOG sources are matched by database + table. */
public record EventSource(String id, String name, EventSourceKind kind, String database, String table,
                          String topic, String format, String connector, long createdAt, long updatedAt) {
}
