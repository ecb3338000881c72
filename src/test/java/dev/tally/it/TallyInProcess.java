package dev.tally.it;

import static dev.tally.store.StoreFixture.await;

import dev.tally.Main;
import dev.tally.config.TallyConfig;
import dev.tally.store.StoreFixture;
import dev.tally.ops.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/** One Tally node in this JVM on a random port, with a fresh H2 store unless told otherwise. */
public final class TallyInProcess implements AutoCloseable {
  public final Vertx vertx;
  public final ApiClient api;

  public TallyInProcess() throws Exception {
    this(StoreFixture.h2());
  }

  public TallyInProcess(TallyConfig.Store store) throws Exception {
    this(store, TallyConfig.Kafka.NONE);
  }

  public TallyInProcess(TallyConfig.Store store, TallyConfig.Kafka kafka) throws Exception {
    this(new TallyConfig(new TallyConfig.Http("127.0.0.1", 0), store,
        new TallyConfig.Queue("local", 64, 3000), 2, 1000, new TallyConfig.Retention(24, 7), kafka));
  }

  /** A node with a fresh H2 store and its jobs on the test script's RocketMQ: the given topics and consumer group. */
  public static TallyInProcess onRocketMq(String normalTopic, String priorityTopic, String delayTopic, String group,
                                          int maxEventsPerPost) throws Exception {
    return new TallyInProcess(new TallyConfig(new TallyConfig.Http("127.0.0.1", 0), StoreFixture.h2(),
        new TallyConfig.Queue("rocketmq", 64, 3000), 2, maxEventsPerPost, new TallyConfig.Retention(24, 7), TallyConfig.Kafka.NONE,
        new TallyConfig.RocketMq(TallyConfig.RocketMq.DEFAULT.endpoints(), normalTopic, priorityTopic, delayTopic, group, 2)));
  }

  /** The same on the default topics, with a consumer group of its own, so other runs' messages are not its concern. */
  public static TallyInProcess onRocketMq(String groupPrefix) throws Exception {
    TallyConfig.RocketMq mq = TallyConfig.RocketMq.DEFAULT;
    return onRocketMq(mq.normalTopic(), mq.priorityTopic(), mq.delayTopic(), groupPrefix + Long.toHexString(System.nanoTime()), 1000);
  }

  /**
   * A node on a Vert.x of its own, whose meters (Vert.x's and Tally's) are scraped at /metrics. It runs in open
   * mode (no sign-in), as tests of everything but access control want; {@link #closed} makes one that does not.
   */
  public TallyInProcess(TallyConfig config) throws Exception {
    this(config.withAuth(TallyConfig.Auth.OPEN), new Metrics());
  }

  /** A node with the configuration's own authentication settings (closed, for a config built in code). */
  public static TallyInProcess closed(TallyConfig config) throws Exception {
    return new TallyInProcess(config, new Metrics());
  }

  private TallyInProcess(TallyConfig config, Metrics metrics) throws Exception {
    this.vertx = metrics.vertxBuilder(new VertxOptions()).build();
    int port = await(Main.start(vertx, config, metrics));
    api = new ApiClient(port);
  }

  /** A cluster node's configuration: the local queue, no Kafka, on a shared store. */
  public static TallyConfig clusterConfig(TallyConfig.Store store, TallyConfig.Cluster cluster) {
    return new TallyConfig(new TallyConfig.Http("127.0.0.1", 0), store, new TallyConfig.Queue("local", 64, 3000),
        2, 1000, new TallyConfig.Retention(24, 7), TallyConfig.Kafka.NONE, TallyConfig.RocketMq.DEFAULT, cluster);
  }

  /** A node on a Vert.x of the caller's, e.g. a clustered one (in open mode). */
  public TallyInProcess(Vertx vertx, TallyConfig config) throws Exception {
    this(config.withAuth(TallyConfig.Auth.OPEN), vertx);
  }

  /** A node on a Vert.x of the caller's with the configuration's own authentication settings. */
  public static TallyInProcess closed(Vertx vertx, TallyConfig config) throws Exception {
    return new TallyInProcess(config, vertx);
  }

  private TallyInProcess(TallyConfig config, Vertx vertx) throws Exception {
    this.vertx = vertx;
    int port = await(Main.start(vertx, config));
    api = new ApiClient(port);
  }

  @Override
  public void close() throws Exception {
    await(vertx.close());
  }
}
