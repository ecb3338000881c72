package dev.tally;

import dev.tally.api.HttpApiVerticle;
import dev.tally.bus.Addresses;
import dev.tally.bus.RecordCodec;
import dev.tally.compare.CompareVerticle;
import dev.tally.config.ConfigException;
import dev.tally.config.ConfigKey;
import dev.tally.config.ConfigLoader;
import dev.tally.config.ConfigSpec;
import dev.tally.config.TallyConfig;
import dev.tally.dispatch.DispatcherVerticle;
import dev.tally.ingest.KafkaIngestVerticle;
import dev.tally.ingest.binlog.DirectBinlogVerticle;
import dev.tally.ops.Metrics;
import dev.tally.ops.RetentionVerticle;
import dev.tally.queue.LocalJobQueue;
import dev.tally.queue.SchedulerVerticle;
import dev.tally.queue.WaitingJobs;
import dev.tally.source.SideReaders;
import dev.tally.store.BinlogPositionRepository;
import dev.tally.store.ConfigCache;
import dev.tally.store.ConfigRepository;
import dev.tally.store.Db;
import dev.tally.store.DeadLetterRepository;
import dev.tally.store.JobRepository;
import dev.tally.store.Migrations;
import dev.tally.store.ResultRepository;
import dev.tally.store.ResultWriterVerticle;
import dev.tally.strategy.StrategyChain;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts one Tally node: store, caches, then the verticles in dependency order. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    long started = System.currentTimeMillis();
    TallyConfig config;
    try {
      ConfigLoader.CommandLine cli = ConfigLoader.CommandLine.parse(args);
      if (cli.switches().contains("help")) {
        usage();
        return;
      }
      if (cli.switches().contains("cluster")) {
        throw new ConfigException("--cluster is not available in this version: run one node with embedded defaults");
      }
      if (!cli.switches().isEmpty()) throw new ConfigException("unknown switch --" + cli.switches().get(0));
      config = ConfigLoader.load(cli, System.getenv());
    } catch (ConfigException e) {
      System.err.println("tally: " + e.getMessage() + " (see --help)");
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    start(vertx, config)
        .onSuccess(port -> LOG.info("Tally started in {} ms: http://{}:{} (store {}, queue {}, kafka {})",
            System.currentTimeMillis() - started, config.http().host(), port, config.store().kind(), config.queue().kind(),
            config.kafka().enabled() ? config.kafka().bootstrapServers() : "off"))
        .onFailure(err -> {
          LOG.error("Tally failed to start: {}", err.getMessage(), err);
          vertx.close().onComplete(v -> System.exit(1));
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "tally-shutdown"));
  }

  /** Starts every part of a node on {@code vertx}; succeeds with the HTTP port. */
  public static Future<Integer> start(Vertx vertx, TallyConfig config) {
    RecordCodec.registerAll(vertx);
    LOG.info("store: {}", config.store());
    return Db.open(vertx, config.store())
        .compose(pool -> Migrations.apply(pool).map(pool))
        .compose(pool -> deploy(vertx, config, pool));
  }

  private static Future<Integer> deploy(Vertx vertx, TallyConfig config, Pool pool) {
    ConfigCache cache = new ConfigCache(new ConfigRepository(pool));
    SideReaders readers = new SideReaders(vertx);
    JobRepository jobs = new JobRepository(pool);
    WaitingJobs waiting = new WaitingJobs();
    LocalJobQueue queue = new LocalJobQueue(vertx.eventBus(), jobs, waiting);
    StrategyChain chain = StrategyChain.standard();
    Metrics metrics = new Metrics();
    metrics.describe("tally_jobs_waiting", "jobs queued on this node and not yet being checked");
    metrics.gauge("tally_jobs_waiting", waiting::size);
    DeadLetterRepository deadLetters = new DeadLetterRepository(pool);
    HttpApiVerticle api = new HttpApiVerticle(config, pool, cache, readers, chain, metrics);
    vertx.eventBus().consumer(Addresses.CONFIG_CHANGED, m -> cache.reload()
        .onFailure(err -> LOG.warn("configuration reload failed: {}", err.getMessage())));
    return cache.reload()
        .compose(v -> vertx.deployVerticle(new ResultWriterVerticle(new ResultRepository(pool))))
        .compose(v -> vertx.deployVerticle(() -> new CompareVerticle(cache, readers, queue),
            new DeploymentOptions().setInstances(config.compareInstances())))
        .compose(v -> vertx.deployVerticle(new DispatcherVerticle(cache, queue, chain)))
        .compose(v -> vertx.deployVerticle(new SchedulerVerticle(jobs, waiting, config.queue().maxInFlight(), config.queue().orphanAfterMs())))
        .compose(v -> vertx.deployVerticle(new RetentionVerticle(config.retention(), jobs, deadLetters)))
        .compose(v -> vertx.deployVerticle(new DirectBinlogVerticle(cache, new BinlogPositionRepository(pool), cache::eventSources)))
        .compose(v -> config.kafka().enabled()
            ? vertx.deployVerticle(new KafkaIngestVerticle(config.kafka(), cache, deadLetters, waiting::size, metrics))
            : Future.succeededFuture("no kafka"))
        .compose(v -> vertx.deployVerticle(api))
        .map(v -> api.actualPort());
  }

  private static void usage() {
    StringBuilder sb = new StringBuilder("usage: java -jar tally.jar [--config=conf/tally.yaml] [--name=value ...]\n\nsettings:\n");
    for (ConfigKey k : ConfigSpec.KEYS) {
      sb.append(String.format("  --%-24s %-32s default %-10s %s%n", k.name(), k.envName(), k.defaultValue().isEmpty() ? "\"\"" : k.defaultValue(), k.doc()));
    }
    System.out.print(sb);
  }
}
