package dev.tally.api;

import dev.tally.model.EventSource;
import dev.tally.ops.Metrics;
import dev.tally.store.ConfigCache;
import dev.tally.queue.RocketMqJobQueue;
import dev.tally.store.DeadLetterRepository;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Dead letters, the Prometheus metrics, liveness and readiness. */
final class OpsRoutes {
  private static final long CHECK_TIMEOUT_MS = 3000;

  private final DeadLetterRepository deadLetters;
  private final Metrics metrics;
  private final Pool pool;
  private final RocketMqJobQueue rocketmq;

  private final ConfigCache cache;

  /**
   * {@code rocketmq}: the job queue when it is RocketMQ, null for the local queue (whose jobs are in the store);
   * {@code cache}: the event sources, whose teams the dead letters of their topics belong to.
   */
  OpsRoutes(DeadLetterRepository deadLetters, Metrics metrics, Pool pool, RocketMqJobQueue rocketmq, ConfigCache cache) {
    this.cache = cache;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.pool = pool;
    this.rocketmq = rocketmq;
  }

  /** One readiness check: passed, or the reason it did not. */
  record Check(boolean ok, String error) {
  }

  record Readiness(String status, List<String> failed, Map<String, Check> checks) {
  }

  void mount(Router router) {
    router.get("/api/v1/dead-letters").handler(ctx -> {
      String topic = ctx.request().getParam("topic");
      String cursor = ctx.request().getParam("cursor");
      int limit = Http.intParam(ctx, "limit", 50, 1, 500);
      Http.respond(ctx, 200, visibleTopics(ctx).compose(topics -> deadLetters.list(topic == null || topic.isBlank() ? null : topic,
          topics, limit, cursor == null || cursor.isBlank() ? null : cursor)));
    });
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.prometheusText()));
    router.get("/health").handler(ctx -> Http.json(ctx, 200, Map.of("status", "UP")));
    router.get("/ready").handler(this::ready);
  }

  /**
   * The topics whose dead letters the caller may see: those a Kafka event source of their teams reads (by name or
   * pattern); null (all) for an owner.
   */
  private Future<List<String>> visibleTopics(RoutingContext ctx) {
    if (Access.caller(ctx).allTeams()) return Future.succeededFuture(null);
    List<EventSource> sources = Access.visible(ctx, cache.eventSources(), EventSource::team).stream()
        .filter(EventSource::isKafka).toList();
    if (sources.isEmpty()) return Future.succeededFuture(List.of());
    return deadLetters.topics().map(topics -> topics.stream().filter(t -> sources.stream().anyMatch(s -> reads(s, t))).sorted().toList());
  }

  private static boolean reads(EventSource source, String topic) {
    if (!source.topicPattern()) return topic.equals(source.topic());
    try {
      return java.util.regex.Pattern.compile(source.topic()).matcher(topic).matches();
    } catch (java.util.regex.PatternSyntaxException e) {
      return false;
    }
  }

  /** Ready when the store answers and so does the job queue (the local queue's table, or the RocketMQ proxy). */
  private void ready(RoutingContext ctx) {
    Future<Check> store = check(pool.query("SELECT 1 FROM schema_version LIMIT 1").execute().mapEmpty());
    Future<Check> queue = check(rocketmq == null
        ? pool.query("SELECT 1 FROM jobs LIMIT 1").execute().mapEmpty()
        : rocketmq.reachable());
    Future.all(store, queue).onComplete(done -> {
      Map<String, Check> checks = new LinkedHashMap<>();
      checks.put("store", store.result());
      checks.put("queue", queue.result());
      List<String> failed = new ArrayList<>();
      checks.forEach((name, c) -> {
        if (!c.ok()) failed.add(name);
      });
      Http.json(ctx, failed.isEmpty() ? 200 : 503, new Readiness(failed.isEmpty() ? "READY" : "NOT_READY", failed, checks));
    });
  }

  private static Future<Check> check(Future<Void> probe) {
    return probe.timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(v -> new Check(true, null))
        .otherwise(err -> new Check(false, String.valueOf(err.getMessage())));
  }
}
