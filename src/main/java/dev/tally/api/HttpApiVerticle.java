package dev.tally.api;

import dev.tally.config.TallyConfig;
import dev.tally.source.SideReaders;
import dev.tally.ops.Metrics;
import dev.tally.ops.alert.AlertSender;
import dev.tally.store.AlertRepository;
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
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.sqlclient.Pool;
import java.util.Map;

/** The REST API v1, health endpoints and the admin SPA. */
public final class HttpApiVerticle extends VerticleBase {
  private static final long MAX_BODY_BYTES = 16L * 1024 * 1024;

  private final TallyConfig config;
  private final Pool pool;
  private final ConfigCache cache;
  private final SideReaders readers;
  private final StrategyChain chain;
  private final Metrics metrics;
  private HttpServer server;

  public HttpApiVerticle(TallyConfig config, Pool pool, ConfigCache cache, SideReaders readers, StrategyChain chain,
                         Metrics metrics) {
    this.config = config;
    this.pool = pool;
    this.cache = cache;
    this.readers = readers;
    this.chain = chain;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    ApiContext api = new ApiContext(vertx, new ConfigRepository(pool), cache, readers, new ResultRepository(pool),
        new JobRepository(pool), new BinlogPositionRepository(pool), chain,
        config.maxEventsPerPost(), new AlertRepository(pool));
    Router router = Router.router(vertx);
    // the API speaks only JSON: curl -d and many clients label JSON as a form, which must not be form-decoded
    router.route("/api/*").handler(ctx -> {
      String type = ctx.request().getHeader("content-type");
      if (type != null && !type.startsWith("application/json")) ctx.request().headers().set("content-type", "application/json");
      ctx.next();
    });
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    new DataSourceRoutes(api).mount(router);
    new EventSourceRoutes(api).mount(router);
    new TaskRoutes(api).mount(router);
    new EventRoutes(api).mount(router);
    new ResultRoutes(api).mount(router);
    new AlertRoutes(api, new AlertSender(WebClient.create(vertx, new WebClientOptions().setUserAgent("Tally")
        .setFollowRedirects(false)))).mount(router);
    new DiscrepancyRoutes(new DiscrepancyRepository(pool)).mount(router);
    new OpsRoutes(new DeadLetterRepository(pool), metrics).mount(router);
    router.get("/health").handler(ctx -> Http.json(ctx, 200, Map.of("status", "UP")));
    router.get("/ready").handler(ctx -> pool.query("SELECT 1").execute()
        .onSuccess(r -> Http.json(ctx, 200, Map.of("status", "READY")))
        .onFailure(err -> Http.json(ctx, 503, Map.of("status", "NOT_READY", "store", String.valueOf(err.getMessage())))));
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
