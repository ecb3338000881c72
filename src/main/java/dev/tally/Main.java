package dev.tally;

import dev.tally.api.FirstOwner;
import dev.tally.api.HttpApiVerticle;
import dev.tally.bus.Addresses;
import dev.tally.bus.RecordCodec;
import dev.tally.cluster.ClusterSetup;
import dev.tally.compare.CompareVerticle;
import dev.tally.config.ConfigException;
import dev.tally.config.ConfigKey;
import dev.tally.config.ConfigLoader;
import dev.tally.config.ConfigSpec;
import dev.tally.config.TallyConfig;
import dev.tally.dispatch.DispatcherVerticle;
import dev.tally.ingest.KafkaIngestVerticle;
import dev.tally.ingest.binlog.DirectBinlogVerticle;
import dev.tally.model.Task;
import dev.tally.ops.Metrics;
import dev.tally.ops.RetentionVerticle;
import dev.tally.ops.alert.AlertVerticle;
import dev.tally.ops.Activity;
import dev.tally.ops.RollupVerticle;
import dev.tally.queue.JobJournal;
import dev.tally.queue.JobQueue;
import dev.tally.queue.LocalJobQueue;
import dev.tally.queue.QueueDepth;
import dev.tally.queue.RocketMqConsumerVerticle;
import dev.tally.queue.RocketMqJobQueue;
import dev.tally.queue.SchedulerVerticle;
import dev.tally.queue.WaitingJobs;
import dev.tally.repair.CallbackRules;
import dev.tally.repair.CallbackVerticle;
import dev.tally.source.SideReaders;
import dev.tally.secrets.SecretBox;
import dev.tally.secrets.SecretKeys;
import dev.tally.store.AlertRepository;
import dev.tally.store.AuthRepository;
import dev.tally.store.BinlogPositionRepository;
import dev.tally.store.CallbackRepository;
import dev.tally.store.ConfigCache;
import dev.tally.store.ConfigRepository;
import dev.tally.store.Db;
import dev.tally.store.DeadLetterRepository;
import dev.tally.store.JobRepository;
import dev.tally.store.Migrations;
import dev.tally.store.ReportRepository;
import dev.tally.store.ResultRepository;
import dev.tally.store.ResultWriterVerticle;
import dev.tally.strategy.StrategyChain;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts one Tally node: store, caches, then the verticles in dependency order. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  /** How often each node looks for due callbacks (new results, retries, callbacks left by a stopped node). */
  private static final long CALLBACK_POLL_MS = 250;
  /** A journal segment this large is closed; it is deleted once its jobs are all recorded. */
  private static final long JOURNAL_SEGMENT_BYTES = 32L << 20;

  private Main() {
  }

  public static void main(String[] args) {
    long started = System.currentTimeMillis();
    TallyConfig config;
    boolean clustered;
    try {
      ConfigLoader.CommandLine cli = ConfigLoader.CommandLine.parse(args);
      if (cli.switches().contains("help")) {
        usage();
        return;
      }
      clustered = cli.switches().contains("cluster");
      List<String> unknown = cli.switches().stream().filter(sw -> !sw.equals("cluster")).toList();
      if (!unknown.isEmpty()) throw new ConfigException("unknown switch --" + unknown.get(0));
      config = ConfigLoader.load(cli, System.getenv());
      if (clustered && !config.store().kind().equals("mysql")) {
        throw new ConfigException("--cluster needs the shared MySQL store: set store.kind=mysql (TALLY_STORE_KIND=mysql);"
            + " the embedded H2 store belongs to one node");
      }
      if (clustered && !SecretKeys.configured(config.store().secretsKeyFile(), System.getenv())) {
        throw new ConfigException("--cluster needs a secrets key shared by every node: set " + SecretKeys.ENV_KEY
            + " (base64 of 32 random bytes) or secrets.keyFile (TALLY_SECRETS_KEY_FILE)");
      }
    } catch (ConfigException e) {
      System.err.println("tally: " + e.getMessage() + " (see --help)");
      System.exit(2);
      return;
    }
    Metrics metrics = new Metrics();
    Future<Vertx> vertxReady = clustered ? ClusterSetup.start(config.cluster(), metrics, config.eventLoopThreads())
        : Future.succeededFuture(metrics.vertxBuilder(new io.vertx.core.VertxOptions().setEventLoopPoolSize(config.eventLoopThreads())).build());
    vertxReady
        .compose(vertx -> {
          Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "tally-shutdown"));
          return start(vertx, config, metrics).onFailure(err -> vertx.close());
        })
        .onSuccess(port -> LOG.info("Tally started in {} ms: http://{}:{} (store {}, queue {}, kafka {}, {})",
            System.currentTimeMillis() - started, config.http().host(), port, config.store().kind(), config.queue().kind(),
            config.kafka().enabled() ? config.kafka().bootstrapServers() : "off",
            clustered ? "cluster " + config.cluster().name() + " via " + config.cluster().members() : "single node"))
        .onFailure(err -> {
          LOG.error("Tally failed to start: {}", err.getMessage(), err);
          System.exit(1);
        });
  }

  /** Starts every part of a node on {@code vertx}; succeeds with the HTTP port. */
  public static Future<Integer> start(Vertx vertx, TallyConfig config) {
    return start(vertx, config, new Metrics());
  }

  /** The same, its meters in {@code metrics} (the registry {@code vertx} was built with, if any). */
  public static Future<Integer> start(Vertx vertx, TallyConfig config, Metrics metrics) {
    RecordCodec.registerAll(vertx);
    LOG.info("store: {}", config.store());
    if (config.auth().open()) {
      LOG.warn("auth.mode=open: NO SIGN-IN. Every request acts as an owner of every team. Development only;"
          + " never expose this node to a network");
    }
    return Db.open(vertx, config.store())
        .compose(pool -> Migrations.apply(pool, config.store().kind().equals("mysql")).map(pool))
        .compose(pool -> secrets(vertx, config, pool).compose(box -> deploy(vertx, config, pool, metrics, box)));
  }

  /** The secrets key (loaded, or generated on a single node), then every secret not under it re-encrypted. */
  private static Future<SecretBox> secrets(Vertx vertx, TallyConfig config, Pool pool) {
    return vertx.executeBlocking(() -> SecretKeys.load(config.store().secretsKeyFile(), Path.of(config.store().h2Path()),
            System.getenv(), vertx.isClustered()))
        .compose(box -> new ConfigRepository(pool, box).rewrapSecrets()
            .compose(n -> new AlertRepository(pool, box).rewrapSecrets().map(m -> n + m))
            .map(n -> {
              if (n > 0) LOG.info("secrets: re-encrypted the secrets of {} documents under key {}", n, box.currentKeyId());
              return box;
            }));
  }

  private static Future<Integer> deploy(Vertx vertx, TallyConfig config, Pool pool, Metrics metrics, SecretBox secrets) {
    ConfigCache cache = new ConfigCache(new ConfigRepository(pool, secrets));
    SideReaders readers = new SideReaders(vertx, config.outbound());
    boolean local = config.queue().kind().equals("local");
    // the journal is per process, as an H2 store is: a store shared by nodes keeps every job a row others can adopt
    JobJournal journal = local && config.store().kind().equals("h2") && config.queue().journal()
        ? new JobJournal(Path.of(config.store().h2Path()).resolve("journal"), JOURNAL_SEGMENT_BYTES) : null;
    JobRepository jobs = journal == null ? new JobRepository(vertx, pool) : new JobRepository(vertx, pool, journal::jobs);
    WaitingJobs waiting = new WaitingJobs();
    Activity activity = new Activity(metrics);
    QueueDepth depth = new QueueDepth();
    RocketMqJobQueue rocketmq = local ? null : new RocketMqJobQueue(vertx, config.rocketmq(), cache, metrics);
    JobQueue queue = local ? new LocalJobQueue(vertx, jobs, waiting, journal) : rocketmq;
    StrategyChain chain = StrategyChain.standard();
    metrics.describe("tally_jobs_waiting", "jobs queued on this node and not yet being checked");
    metrics.gauge("tally_jobs_waiting", waiting::size);
    if (local) {
      metrics.describe("tally_jobs_queued", "jobs the local queue holds on this node, due or not (updated each second)");
      metrics.gauge("tally_jobs_queued", depth::queued);
      metrics.describe("tally_jobs_due", "queued jobs whose time has come, held back by queue.maxInFlight (updated each second)");
      metrics.gauge("tally_jobs_due", depth::due);
      metrics.describe("tally_jobs_in_flight", "jobs being checked on this node (updated each second)");
      metrics.gauge("tally_jobs_in_flight", depth::inFlight);
    } else {
      metrics.describe("tally_jobs_in_flight", "jobs being checked on this node");
      metrics.gauge("tally_jobs_in_flight", rocketmq::inFlightCount);
    }
    DeadLetterRepository deadLetters = new DeadLetterRepository(pool);
    HttpApiVerticle api = new HttpApiVerticle(config, pool, jobs, cache, readers, chain, activity, local ? depth : null, rocketmq, secrets);
    // the results writer's transactions run whole on one worker on the embedded store, not a hop per statement
    ResultRepository results = new ResultRepository(pool, Db.direct(vertx, config.store()),
        r -> CallbackRules.follows(cache.task(r.taskId()), r), taskId -> {
      Task task = cache.task(taskId);
      return task == null ? null : task.alert();
    });
    vertx.eventBus().consumer(Addresses.CONFIG_CHANGED, m -> cache.reload()
        .onFailure(err -> LOG.warn("configuration reload failed: {}", err.getMessage())));
    return (journal == null ? Future.<Integer>succeededFuture(0) : LocalJobQueue.recover(vertx, journal, jobs))
        .compose(v -> cache.reload())
        .compose(v -> vertx.deployVerticle(new ResultWriterVerticle(results, activity)))
        .compose(v -> vertx.deployVerticle(() -> new CompareVerticle(cache, readers, queue, activity),
            new DeploymentOptions().setInstances(config.compareInstances())))
        .compose(v -> vertx.deployVerticle(new DispatcherVerticle(cache, queue, chain, activity)))
        .compose(v -> local
            ? vertx.deployVerticle(new SchedulerVerticle(jobs, waiting, config.queue().maxInFlight(), config.queue().orphanAfterMs(), depth))
            : startRocketMq(vertx, config, rocketmq))
        .compose(v -> vertx.deployVerticle(new CallbackVerticle(cache, results, new CallbackRepository(pool), queue, readers,
            CALLBACK_POLL_MS, metrics)))
        .compose(v -> vertx.deployVerticle(new RetentionVerticle(config.retention(), jobs, deadLetters, new AuthRepository(pool))))
        .compose(v -> vertx.deployVerticle(new RollupVerticle(config.retention(), new ReportRepository(pool))))
        .compose(v -> vertx.deployVerticle(new DirectBinlogVerticle(cache, new BinlogPositionRepository(pool), cache::eventSources)))
        .compose(v -> config.kafka().enabled()
            ? vertx.deployVerticle(new KafkaIngestVerticle(config.kafka(), cache, deadLetters, waiting::size, metrics))
            : Future.succeededFuture("no kafka"))
        .compose(v -> vertx.deployVerticle(api))
        .compose(v -> vertx.deployVerticle(new AlertVerticle(cache, new AlertRepository(pool, secrets),
            () -> config.http().publicUrl(api.actualPort()), metrics, config.outbound())))
        .compose(v -> FirstOwner.ensure(vertx, config, pool, System.getenv(), api.actualPort()))
        .map(v -> api.actualPort());
  }

  /**
   * The producer, then consumers for each topic, each topic with a group of its own: a consumer subscribed to
   * several topics takes turns between them, and an idle topic's long poll would hold up a busy one.
   */
  private static Future<String> startRocketMq(Vertx vertx, TallyConfig config, RocketMqJobQueue queue) {
    TallyConfig.RocketMq mq = config.rocketmq();
    int perConsumer = Math.max(1, config.queue().maxInFlight() / mq.consumersPerNode());
    DeploymentOptions instances = new DeploymentOptions().setInstances(mq.consumersPerNode());
    LOG.info("job queue: rocketmq at {} (topics {}, {}, {})", mq.endpoints(), mq.normalTopic(), mq.priorityTopic(), mq.delayTopic());
    Future<String> started = queue.start().map("producer");
    for (String[] topicAndGroup : List.of(new String[] {mq.normalTopic(), mq.consumerGroup()},
        new String[] {mq.delayTopic(), mq.consumerGroup() + "-delay"},
        new String[] {mq.priorityTopic(), mq.consumerGroup() + "-priority"})) {
      started = started.compose(v -> vertx.deployVerticle(() -> new RocketMqConsumerVerticle(queue, topicAndGroup[1],
          List.of(topicAndGroup[0]), perConsumer), instances));
    }
    return started;
  }

  private static void usage() {
    StringBuilder sb = new StringBuilder("usage: java -jar tally.jar [--cluster] [--config=conf/tally.yaml] [--name=value ...]\n\n"
        + "  --cluster  join the Hazelcast cluster of cluster.members (needs store.kind=mysql)\n\nsettings:\n");
    for (ConfigKey k : ConfigSpec.KEYS) {
      sb.append(String.format("  --%-24s %-32s default %-10s %s%n", k.name(), k.envName(), k.defaultValue().isEmpty() ? "\"\"" : k.defaultValue(), k.doc()));
    }
    System.out.print(sb);
  }
}
