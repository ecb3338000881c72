package dev.tally.config;

import java.util.List;

/** Every setting Tally reads, with its default. The README's configuration table is generated from this list. */
public final class ConfigSpec {
  public static final List<ConfigKey> KEYS = List.of(
      new ConfigKey("http.host", "0.0.0.0", "address the HTTP API and admin listen on", false),
      new ConfigKey("http.port", "8080", "HTTP port", false),
      new ConfigKey("http.publicUrl", "", "base URL users reach Tally at, for links in alert messages; empty: http://127.0.0.1:<http.port>", false),
      new ConfigKey("http.maxBodyBytes", "1048576", "largest request body the API reads; a larger one is answered 413", false),
      new ConfigKey("store.kind", "h2", "h2 (embedded file database) or mysql", false),
      new ConfigKey("store.h2.path", "./data", "directory of the H2 database files", false),
      new ConfigKey("store.mysql.host", "127.0.0.1", "MySQL/MariaDB host of the store", false),
      new ConfigKey("store.mysql.port", "3306", "MySQL/MariaDB port", false),
      new ConfigKey("store.mysql.database", "tally", "database (created if missing)", false),
      new ConfigKey("store.mysql.user", "root", "store user", false),
      new ConfigKey("store.mysql.password", "", "store password (never logged)", true),
      new ConfigKey("secrets.keyFile", "", "file of the keys sealing secrets in the store (empty: TALLY_SECRETS_KEY, else <store.h2.path>/secrets.key, generated)", false),
      new ConfigKey("store.poolSize", "8", "connections to the store", false),
      new ConfigKey("queue.kind", "local", "job queue: local (persisted in the store or its journal, timers in the scheduler) or rocketmq", false),
      new ConfigKey("queue.maxInFlight", "256", "jobs being checked at once on this node", false),
      new ConfigKey("queue.orphanAfterMs", "30000", "adopt jobs in the store overdue this long that no scheduler here holds (left by a stopped node)", false),
      new ConfigKey("queue.journal", "true", "local queue on the h2 store: keep accepted jobs due within a minute in an append-only journal (<store.h2.path>/journal) rather than as store rows until their result; false: rows from the start", false),
      new ConfigKey("queue.maxWaiting", "100000", "above this many queued jobs (local queue) POSTed events are answered 503 with Retry-After", false),
      new ConfigKey("compare.instances", "2", "compare verticle instances", false),
      new ConfigKey("vertx.eventLoops", "0", "event-loop threads; 0: one per core (Vert.x's own default is two per core)", false),
      new ConfigKey("events.maxBatch", "1000", "most events in one POST", false),
      new ConfigKey("events.maxPerSecond", "0", "rate limit of each API event source that sets no maxEventsPerSecond of its own (events a second per node, above it 429); 0: none", false),
      new ConfigKey("jobs.dedupeHours", "24", "how long a finished job is remembered, so a replayed event makes no second verdict", false),
      new ConfigKey("deadLetters.retentionDays", "7", "how long dead letters are kept", false),
      new ConfigKey("reports.retentionDays", "730", "how long the day/week/month report rollups are kept", false),
      new ConfigKey("reports.rollupIntervalSeconds", "300", "how often finished periods are rolled up and old data pruned (one node of a cluster does it)", false),
      new ConfigKey("counts.retentionDays", "35", "how long the per-minute result counters are kept (older ones are pruned once rolled up; task stats read them)", false),
      new ConfigKey("results.retentionDays", "90", "how long stored results (FAIL/ERROR detail) are kept; deleted 500 rows a statement", false),
      new ConfigKey("rocketmq.endpoints", "127.0.0.1:8081", "RocketMQ proxy gRPC endpoints (host:port;...), for queue.kind=rocketmq", false),
      new ConfigKey("rocketmq.normalTopic", "tally-jobs", "topic of jobs due now (message type NORMAL)", false),
      new ConfigKey("rocketmq.priorityTopic", "tally-jobs-priority", "topic of jobs of priority tasks (NORMAL), consumed apart", false),
      new ConfigKey("rocketmq.delayTopic", "tally-jobs-delay", "topic of delayed and retried jobs (message type DELAY)", false),
      new ConfigKey("rocketmq.consumerGroup", "tally-compare", "consumer group of every node for the normal topic; the delay and priority topics use <group>-delay and <group>-priority", false),
      new ConfigKey("rocketmq.consumersPerNode", "2", "simple consumers per node and per group", false),
      new ConfigKey("cluster.host", "127.0.0.1", "address this node's cluster and event-bus traffic binds to (with --cluster); 0.0.0.0: all, advertising this host's address", false),
      new ConfigKey("cluster.port", "5701", "first Hazelcast port to try (the next free one is taken)", false),
      new ConfigKey("cluster.members", "127.0.0.1", "cluster members: host (tried on cluster.port and the 19 ports after it) or host:port, comma-separated", false),
      new ConfigKey("cluster.name", "tally", "nodes join only a cluster of this name", false),
      new ConfigKey("kafka.bootstrapServers", "", "Kafka brokers (host:port,...); empty: no Kafka ingestion", false),
      new ConfigKey("kafka.groupId", "tally", "consumer group shared by every Tally node", false),
      new ConfigKey("kafka.autoOffsetReset", "earliest", "where a new consumer group starts: earliest or latest", false),
      new ConfigKey("kafka.maxPendingJobs", "20000", "pause Kafka partitions while this many jobs wait", false),
      new ConfigKey("auth.mode", "closed", "closed: every request needs a session, an API token or an ingestion token; open: no sign-in at all, every request acts as an owner (development only, warned at start)", false),
      new ConfigKey("auth.sessionHours", "12", "how long an admin console session lasts", false),
      new ConfigKey("auth.metricsOpen", "false", "true: /metrics answers without credentials (closed mode otherwise wants a bearer token there too)", false),
      new ConfigKey("outbound.allowHosts", "", "hosts HTTP data sources, Elasticsearch hosts, API tasks, callbacks and alert webhooks may call: names, *.domain, IPs, CIDRs (comma-separated); empty: any host. Link-local and cloud metadata addresses only if listed", false),
      new ConfigKey("outbound.maxResponseBytes", "1048576", "largest answer read from an outbound request; a larger one is an error", false));

  private ConfigSpec() {
  }
}
