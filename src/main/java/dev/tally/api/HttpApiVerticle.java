package dev.tally.api;

import dev.tally.config.TallyConfig;
import dev.tally.source.SideReaders;
import dev.tally.ops.Metrics;
import dev.tally.net.OutboundClient;
import dev.tally.ops.alert.AlertSender;
import dev.tally.secrets.SecretBox;
import dev.tally.bus.Addresses;
import dev.tally.store.AlertRepository;
import dev.tally.store.AuthRepository;
import dev.tally.ops.Activity;
import dev.tally.ops.Reports;
import dev.tally.store.ReportRepository;
import dev.tally.queue.QueueDepth;
import dev.tally.queue.RocketMqJobQueue;
import dev.tally.store.BinlogPositionRepository;
import dev.tally.store.ConfigCache;
import dev.tally.store.DeadLetterRepository;
import dev.tally.store.DiscrepancyRepository;
import dev.tally.store.ConfigRepository;
import dev.tally.store.JobRepository;
import dev.tally.store.ResultRepository;
import dev.tally.strategy.StrategyChain;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.sqlclient.Pool;

/** The REST API v1, health endpoints and the admin SPA. */
public final class HttpApiVerticle extends VerticleBase {
  private final TallyConfig config;
  private final Pool pool;
  private final ConfigCache cache;
  private final SideReaders readers;
  private final StrategyChain chain;
  private final Activity activity;
  private final QueueDepth depth;
  private final RocketMqJobQueue rocketmq;
  private final SecretBox secrets;
  private final JobRepository jobs;
  private HttpServer server;

  /** {@code depth}: the local queue's counts, null with RocketMQ; {@code rocketmq}: the RocketMQ queue, null with the local one. */
  public HttpApiVerticle(TallyConfig config, Pool pool, JobRepository jobs, ConfigCache cache, SideReaders readers, StrategyChain chain,
                         Activity activity, QueueDepth depth, RocketMqJobQueue rocketmq, SecretBox secrets) {
    this.secrets = secrets;
    this.activity = activity;
    this.depth = depth;
    this.rocketmq = rocketmq;
    this.config = config;
    this.pool = pool;
    this.jobs = jobs;
    this.cache = cache;
    this.readers = readers;
    this.chain = chain;
  }

  @Override
  public Future<?> start() {
    AuthRepository auth = new AuthRepository(pool);
    ApiContext api = new ApiContext(vertx, new ConfigRepository(pool, secrets), cache, readers, new ResultRepository(pool),
        jobs, new BinlogPositionRepository(pool), chain,
        config.maxEventsPerPost(), new AlertRepository(pool, secrets), auth, new TeamRules(auth));
    SignIn signIn = new SignIn(vertx, api.auth());
    AuthHandler authHandler = new AuthHandler(config.auth(), api.auth(), signIn);
    // this node forgets at once (before answering), the others when the message arrives
    vertx.eventBus().consumer(Addresses.AUTH_CHANGED, m -> authHandler.forget());
    vertx.eventBus().consumer(Addresses.CONFIG_CHANGED, m -> authHandler.forget());
    Runnable authChanged = () -> {
      authHandler.forget();
      vertx.eventBus().publish(Addresses.AUTH_CHANGED, null);
    };
    Router router = Router.router(vertx);
    // the API speaks only JSON: curl -d and many clients label JSON as a form, which must not be form-decoded
    router.route("/api/*").handler(ctx -> {
      String type = ctx.request().getHeader("content-type");
      if (type != null && !type.startsWith("application/json")) ctx.request().headers().set("content-type", "application/json");
      ctx.next();
    });
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()));
    router.route("/api/*").handler(authHandler);
    if (!config.auth().metricsOpen()) router.route("/metrics").handler(authHandler);
    new AuthRoutes(api.auth(), signIn, config.auth(), config.http().publicUrl(), authChanged).mount(router);
    new AccountRoutes(api, signIn, authChanged).mount(router);
    new IngestTokenRoutes(api, authChanged).mount(router);
    new DataSourceRoutes(api).mount(router);
    new EventSourceRoutes(api).mount(router);
    new TaskRoutes(api).mount(router);
    new EventRoutes(api, depth == null ? () -> 0 : depth::queued, config.queue().maxWaiting(),
        config.http().defaultEventsPerSecond()).mount(router);
    new ResultRoutes(api).mount(router);
    new AlertRoutes(api, new AlertSender(new OutboundClient(vertx, readers.outbound()))).mount(router);
    new DiscrepancyRoutes(new DiscrepancyRepository(pool), cache).mount(router);
    new OpsRoutes(new DeadLetterRepository(pool), activity.metrics(), pool, rocketmq, cache).mount(router);
    new LiveRoutes(vertx, activity, depth, rocketmq, cache, authHandler::callerNow).mount(router);
    new ReportRoutes(new Reports(new ReportRepository(pool)), cache).mount(router);
    router.route("/api/*").handler(ctx -> ctx.fail(404));
    router.route().failureHandler(ApiErrors::handle);
    router.route("/*").handler(StaticHandler.create("webroot"));
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(config.http().port(), config.http().host())
        .onSuccess(s -> server = s);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
