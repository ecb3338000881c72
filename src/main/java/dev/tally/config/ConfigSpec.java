package dev.tally.config;

import java.util.List;

/** Every setting Tally reads, with its default. The README's configuration table is generated from this list. */
public final class ConfigSpec {
  public static final List<ConfigKey> KEYS = List.of(
      new ConfigKey("http.host", "0.0.0.0", "address the HTTP API and admin listen on", false),
      new ConfigKey("http.port", "8080", "HTTP port", false),
      new ConfigKey("store.kind", "h2", "h2 (embedded file database) or mysql", false),
      new ConfigKey("store.h2.path", "./data", "directory of the H2 database files", false),
      new ConfigKey("store.mysql.host", "127.0.0.1", "MySQL/MariaDB host of the store", false),
      new ConfigKey("store.mysql.port", "3306", "MySQL/MariaDB port", false),
      new ConfigKey("store.mysql.database", "tally", "database (created if missing)", false),
      new ConfigKey("store.mysql.user", "root", "store user", false),
      new ConfigKey("store.mysql.password", "", "store password (never logged)", true),
      new ConfigKey("store.poolSize", "8", "connections to the store", false),
      new ConfigKey("queue.kind", "local", "job queue: local (persisted in the store, timers in the scheduler)", false),
      new ConfigKey("queue.maxInFlight", "256", "jobs being checked at once on this node", false),
      new ConfigKey("queue.orphanAfterMs", "30000", "adopt jobs in the store overdue this long that no scheduler here holds (left by a stopped node)", false),
      new ConfigKey("compare.instances", "2", "compare verticle instances", false),
      new ConfigKey("events.maxBatch", "1000", "most events in one POST", false),
      new ConfigKey("jobs.dedupeHours", "24", "how long a finished job is remembered, so a replayed event makes no second verdict", false),
      new ConfigKey("deadLetters.retentionDays", "7", "how long dead letters are kept", false),
      new ConfigKey("kafka.bootstrapServers", "", "Kafka brokers (host:port,...); empty: no Kafka ingestion", false),
      new ConfigKey("kafka.groupId", "tally", "consumer group shared by every Tally node", false),
      new ConfigKey("kafka.autoOffsetReset", "earliest", "where a new consumer group starts: earliest or latest", false),
      new ConfigKey("kafka.maxPendingJobs", "20000", "pause Kafka partitions while this many jobs wait", false));

  private ConfigSpec() {
  }
}
