package dev.tally.config;

/** The resolved configuration, as an immutable record tree. Each verticle is given its part. */
public record TallyConfig(Http http, Store store, Queue queue, int compareInstances, int maxEventsPerPost,
                          Retention retention, Kafka kafka) {
  /** The embedded defaults for everything not given: for tests and tools that build a config in code. */
  public TallyConfig(Http http, Store store, Queue queue, int compareInstances, int maxEventsPerPost) {
    this(http, store, queue, compareInstances, maxEventsPerPost, new Retention(24, 7), Kafka.NONE);
  }

  public record Retention(int dedupeHours, int deadLetterDays) {
  }

  public record Kafka(String bootstrapServers, String groupId, String autoOffsetReset, int maxPendingJobs) {
    public static final Kafka NONE = new Kafka("", "tally", "earliest", 20000);

    public boolean enabled() {
      return bootstrapServers != null && !bootstrapServers.isBlank();
    }
  }

  public record Http(String host, int port) {
  }

  public record Store(String kind, String h2Path, String mysqlHost, int mysqlPort, String mysqlDatabase,
                      String mysqlUser, String mysqlPassword, int poolSize) {
    @Override
    public String toString() {
      // the password never reaches a log line
      return "Store[kind=" + kind + ", h2Path=" + h2Path + ", mysql=" + mysqlUser + "@" + mysqlHost + ":" + mysqlPort
          + "/" + mysqlDatabase + ", poolSize=" + poolSize + "]";
    }
  }

  public record Queue(String kind, int maxInFlight, long orphanAfterMs) {
    public Queue(String kind, int maxInFlight) {
      this(kind, maxInFlight, 30_000);
    }
  }

  static TallyConfig from(Settings s) {
    return new TallyConfig(
        new Http(s.get("http.host"), s.getInt("http.port")),
        new Store(s.oneOf("store.kind", "h2", "mysql"), s.get("store.h2.path"), s.get("store.mysql.host"),
            s.getInt("store.mysql.port"), s.get("store.mysql.database"), s.get("store.mysql.user"),
            s.get("store.mysql.password"), s.getInt("store.poolSize")),
        new Queue(s.oneOf("queue.kind", "local"), s.getInt("queue.maxInFlight"), s.getInt("queue.orphanAfterMs")),
        s.getInt("compare.instances"), s.getInt("events.maxBatch"),
        new Retention(s.getInt("jobs.dedupeHours"), s.getInt("deadLetters.retentionDays")),
        new Kafka(s.get("kafka.bootstrapServers"), s.get("kafka.groupId"), s.oneOf("kafka.autoOffsetReset", "earliest", "latest"),
            s.getInt("kafka.maxPendingJobs")));
  }
}
