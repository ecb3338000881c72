package dev.tally.config;

import dev.tally.net.OutboundPolicy;

/**
 * The resolved configuration, as an immutable record tree. Each verticle is given its part. {@code eventLoops}:
 * Vert.x event-loop threads, 0 for one per core (see {@link #eventLoopThreads()}).
 */
public record TallyConfig(Http http, Store store, Queue queue, int compareInstances, int maxEventsPerPost,
                          Retention retention, Kafka kafka, RocketMq rocketmq, Cluster cluster, OutboundPolicy outbound,
                          Auth auth, int eventLoops) {
  public TallyConfig(Http http, Store store, Queue queue, int compareInstances, int maxEventsPerPost,
                     Retention retention, Kafka kafka, RocketMq rocketmq, Cluster cluster, OutboundPolicy outbound,
                     Auth auth) {
    this(http, store, queue, compareInstances, maxEventsPerPost, retention, kafka, rocketmq, cluster, outbound, auth, 0);
  }

  public TallyConfig(Http http, Store store, Queue queue, int compareInstances, int maxEventsPerPost,
                     Retention retention, Kafka kafka, RocketMq rocketmq, Cluster cluster) {
    this(http, store, queue, compareInstances, maxEventsPerPost, retention, kafka, rocketmq, cluster, OutboundPolicy.DEFAULT,
        Auth.CLOSED);
  }

  /** The same configuration with another outbound policy (tests narrow it). */
  public TallyConfig withOutbound(OutboundPolicy policy) {
    return new TallyConfig(http, store, queue, compareInstances, maxEventsPerPost, retention, kafka, rocketmq, cluster, policy,
        auth, eventLoops);
  }

  /** The same configuration with other authentication settings (tests open it, or close it). */
  public TallyConfig withAuth(Auth newAuth) {
    return new TallyConfig(http, store, queue, compareInstances, maxEventsPerPost, retention, kafka, rocketmq, cluster,
        outbound, newAuth, eventLoops);
  }

  /**
   * Event-loop threads: as configured, else one per core. Vert.x's own default, two per core, only adds threads
   * that compete for the cores with the databases on a small machine (run 9 of load-tests/RESULTS.md).
   */
  public int eventLoopThreads() {
    return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
  }

  /**
   * Who may call: {@code open} lets every request in as an owner (development only, warned at start); otherwise
   * requests need a session, a personal API token or (for ingestion) an event source's token. Sessions last
   * {@code sessionHours}. {@code metricsOpen}: /metrics answers without credentials (for a scraper that cannot send
   * a bearer token).
   */
  public record Auth(boolean open, int sessionHours, boolean metricsOpen) {
    public static final Auth CLOSED = new Auth(false, 12, false);
    public static final Auth OPEN = new Auth(true, 12, false);

    public Auth(boolean open, int sessionHours) {
      this(open, sessionHours, false);
    }
  }

  /** The embedded defaults for everything not given: for tests and tools that build a config in code. */
  public TallyConfig(Http http, Store store, Queue queue, int compareInstances, int maxEventsPerPost) {
    this(http, store, queue, compareInstances, maxEventsPerPost, new Retention(24, 7), Kafka.NONE, RocketMq.DEFAULT);
  }

  public TallyConfig(Http http, Store store, Queue queue, int compareInstances, int maxEventsPerPost,
                     Retention retention, Kafka kafka, RocketMq rocketmq) {
    this(http, store, queue, compareInstances, maxEventsPerPost, retention, kafka, rocketmq, Cluster.SINGLE);
  }

  /** Hazelcast membership, used with --cluster. */
  public record Cluster(String host, int port, String members, String name) {
    public static final Cluster SINGLE = new Cluster("127.0.0.1", 5701, "127.0.0.1", "tally");
  }

  public TallyConfig(Http http, Store store, Queue queue, int compareInstances, int maxEventsPerPost,
                     Retention retention, Kafka kafka) {
    this(http, store, queue, compareInstances, maxEventsPerPost, retention, kafka, RocketMq.DEFAULT);
  }

  public record RocketMq(String endpoints, String normalTopic, String priorityTopic, String delayTopic,
                         String consumerGroup, int consumersPerNode) {
    public static final RocketMq DEFAULT = new RocketMq("127.0.0.1:8081", "tally-jobs", "tally-jobs-priority",
        "tally-jobs-delay", "tally-compare", 2);
  }

  /**
   * How long things are kept. {@code rollupDays}: report rollups; {@code minuteCountDays}: per-minute result
   * counters (pruned only once rolled up); {@code resultDays}: stored results (FAIL/ERROR detail);
   * {@code rollupIntervalSeconds}: how often the rollup and its pruning run.
   */
  public record Retention(int dedupeHours, int deadLetterDays, int rollupDays, int minuteCountDays, int resultDays,
                          int rollupIntervalSeconds) {
    public Retention(int dedupeHours, int deadLetterDays) {
      this(dedupeHours, deadLetterDays, 730, 35, 90, 300);
    }
  }

  public record Kafka(String bootstrapServers, String groupId, String autoOffsetReset, int maxPendingJobs) {
    public static final Kafka NONE = new Kafka("", "tally", "earliest", 20000);

    public boolean enabled() {
      return bootstrapServers != null && !bootstrapServers.isBlank();
    }
  }

  /**
   * {@code publicUrl}: the base URL users reach this server at, for links in alert messages; empty:
   * {@code http://127.0.0.1:<port>} (the port actually bound). {@code defaultEventsPerSecond}: the rate limit of an
   * API event source with none of its own ({@code events.maxPerSecond}; 0: none).
   */
  public record Http(String host, int port, String publicUrl, long maxBodyBytes, int defaultEventsPerSecond) {
    /** The default of {@code http.maxBodyBytes}: 1 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024L * 1024;

    /** No default event rate ({@code events.maxPerSecond} 0). */
    public Http(String host, int port, String publicUrl, long maxBodyBytes) {
      this(host, port, publicUrl, maxBodyBytes, 0);
    }

    public Http(String host, int port) {
      this(host, port, "");
    }

    public Http(String host, int port, String publicUrl) {
      this(host, port, publicUrl, DEFAULT_MAX_BODY_BYTES);
    }

    public Http {
      publicUrl = publicUrl == null ? "" : publicUrl.strip();
    }

    /** The base URL for links, without a trailing slash, given the port actually bound. */
    public String publicUrl(int actualPort) {
      String base = publicUrl.isEmpty() ? "http://127.0.0.1:" + actualPort : publicUrl;
      return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
  }

  /** {@code secretsKeyFile}: the key file of secrets in the store (empty: see {@link dev.tally.secrets.SecretKeys}). */
  public record Store(String kind, String h2Path, String mysqlHost, int mysqlPort, String mysqlDatabase,
                      String mysqlUser, String mysqlPassword, int poolSize, String secretsKeyFile) {
    public Store(String kind, String h2Path, String mysqlHost, int mysqlPort, String mysqlDatabase, String mysqlUser,
                 String mysqlPassword, int poolSize) {
      this(kind, h2Path, mysqlHost, mysqlPort, mysqlDatabase, mysqlUser, mysqlPassword, poolSize, "");
    }

    @Override
    public String toString() {
      // the password never reaches a log line
      return "Store[kind=" + kind + ", h2Path=" + h2Path + ", mysql=" + mysqlUser + "@" + mysqlHost + ":" + mysqlPort
          + "/" + mysqlDatabase + ", poolSize=" + poolSize + "]";
    }
  }

  /**
   * {@code maxWaiting}: above this many queued jobs (local queue), HTTP ingestion answers 503. {@code journal}: the
   * local queue on the H2 store journals accepted jobs (see LocalJobQueue).
   */
  public record Queue(String kind, int maxInFlight, long orphanAfterMs, int maxWaiting, boolean journal) {
    public static final int DEFAULT_MAX_WAITING = 100_000;

    public Queue(String kind, int maxInFlight, long orphanAfterMs, int maxWaiting) {
      this(kind, maxInFlight, orphanAfterMs, maxWaiting, true);
    }

    public Queue(String kind, int maxInFlight) {
      this(kind, maxInFlight, 30_000);
    }

    public Queue(String kind, int maxInFlight, long orphanAfterMs) {
      this(kind, maxInFlight, orphanAfterMs, DEFAULT_MAX_WAITING);
    }
  }

  static TallyConfig from(Settings s) {
    return new TallyConfig(
        new Http(s.get("http.host"), s.getInt("http.port"), s.get("http.publicUrl"), s.getInt("http.maxBodyBytes"),
            s.getZeroOrMore("events.maxPerSecond", "0 (no limit) or events a second")),
        new Store(s.oneOf("store.kind", "h2", "mysql"), s.get("store.h2.path"), s.get("store.mysql.host"),
            s.getInt("store.mysql.port"), s.get("store.mysql.database"), s.get("store.mysql.user"),
            s.get("store.mysql.password"), s.getInt("store.poolSize"), s.get("secrets.keyFile")),
        new Queue(s.oneOf("queue.kind", "local", "rocketmq"), s.getInt("queue.maxInFlight"), s.getInt("queue.orphanAfterMs"),
            s.getInt("queue.maxWaiting"), s.oneOf("queue.journal", "true", "false").equals("true")),
        s.getInt("compare.instances"), s.getInt("events.maxBatch"),
        new Retention(s.getInt("jobs.dedupeHours"), s.getInt("deadLetters.retentionDays"), s.getInt("reports.retentionDays"),
            s.getInt("counts.retentionDays"), s.getInt("results.retentionDays"), s.getInt("reports.rollupIntervalSeconds")),
        new Kafka(s.get("kafka.bootstrapServers"), s.get("kafka.groupId"), s.oneOf("kafka.autoOffsetReset", "earliest", "latest"),
            s.getInt("kafka.maxPendingJobs")),
        new RocketMq(s.get("rocketmq.endpoints"), s.get("rocketmq.normalTopic"), s.get("rocketmq.priorityTopic"),
            s.get("rocketmq.delayTopic"), s.get("rocketmq.consumerGroup"), s.getInt("rocketmq.consumersPerNode")),
        new Cluster(s.get("cluster.host"), s.getInt("cluster.port"), s.get("cluster.members"), s.get("cluster.name")),
        outbound(s),
        new Auth(s.oneOf("auth.mode", "closed", "open").equals("open"), s.getInt("auth.sessionHours"),
            s.oneOf("auth.metricsOpen", "false", "true").equals("true")),
        s.getZeroOrMore("vertx.eventLoops", "0 (one per core) or a number of threads"));
  }

  private static OutboundPolicy outbound(Settings s) {
    try {
      return OutboundPolicy.parse(s.get("outbound.allowHosts"), Long.parseLong(s.get("outbound.maxResponseBytes").strip()));
    } catch (NumberFormatException e) {
      throw new ConfigException("outbound.maxResponseBytes must be a number of bytes, not " + s.get("outbound.maxResponseBytes"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }
}
