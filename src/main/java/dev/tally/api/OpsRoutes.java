package dev.tally.api;

import dev.tally.ops.Metrics;
import dev.tally.store.DeadLetterRepository;
import io.vertx.ext.web.Router;

/** Dead letters and the Prometheus metrics. */
final class OpsRoutes {
  private final DeadLetterRepository deadLetters;
  private final Metrics metrics;

  OpsRoutes(DeadLetterRepository deadLetters, Metrics metrics) {
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  void mount(Router router) {
    router.get("/api/v1/dead-letters").handler(ctx -> {
      String topic = ctx.request().getParam("topic");
      String cursor = ctx.request().getParam("cursor");
      Http.respond(ctx, 200, deadLetters.list(topic == null || topic.isBlank() ? null : topic,
          Http.intParam(ctx, "limit", 50, 1, 500), cursor == null || cursor.isBlank() ? null : cursor));
    });
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.prometheusText()));
  }
}
