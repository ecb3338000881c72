package dev.tally.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Where change events come from. API sources take POSTed events. BINLOG sources take row changes of
 * {@code database}.{@code table}: with connector KAFKA (default) from {@code topic} (a name, or a regular
 * expression when {@code topicPattern} is true) in {@code format}; with connector DIRECT read from the
 * binlog of the MySQL/MariaDB data source {@code dataSourceId}, as replica {@code serverId}.
 * {@code maxEventsPerSecond}: when set (positive), POSTs to this source above that rate are answered 429.
 * {@code team}: the team it belongs to (null on sources stored before teams: the default team).
 */
public record EventSource(String id, String name, EventSourceKind kind, String database, String table,
                          String topic, Boolean topicPattern, String format, String connector,
                          String dataSourceId, Long serverId, long createdAt, long updatedAt,
                          Integer maxEventsPerSecond, String team) implements TeamOwned {
  public static final String KAFKA = "KAFKA";
  public static final String DIRECT = "DIRECT";

  /** A source without a rate limit. */
  public EventSource(String id, String name, EventSourceKind kind, String database, String table, String topic,
                     Boolean topicPattern, String format, String connector, String dataSourceId, Long serverId,
                     long createdAt, long updatedAt) {
    this(id, name, kind, database, table, topic, topicPattern, format, connector, dataSourceId, serverId, createdAt,
        updatedAt, null, null);
  }

  /** A source of the default team. */
  public EventSource(String id, String name, EventSourceKind kind, String database, String table, String topic,
                     Boolean topicPattern, String format, String connector, String dataSourceId, Long serverId,
                     long createdAt, long updatedAt, Integer maxEventsPerSecond) {
    this(id, name, kind, database, table, topic, topicPattern, format, connector, dataSourceId, serverId, createdAt,
        updatedAt, maxEventsPerSecond, null);
  }

  public EventSource {
    team = dev.tally.auth.Teams.of(team);
    topicPattern = topicPattern != null && topicPattern;
    if (kind == EventSourceKind.BINLOG) {
      connector = connector == null ? KAFKA : connector.toUpperCase(java.util.Locale.ROOT);
      format = format == null ? "NATIVE" : format.toUpperCase(java.util.Locale.ROOT);
    }
  }

  @JsonIgnore
  public boolean isKafka() {
    return kind == EventSourceKind.BINLOG && KAFKA.equals(connector);
  }

  @JsonIgnore
  public boolean isDirect() {
    return kind == EventSourceKind.BINLOG && DIRECT.equals(connector);
  }
}
