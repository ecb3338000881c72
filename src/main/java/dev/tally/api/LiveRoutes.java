package dev.tally.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.model.Json;
import dev.tally.ops.Activity;
import dev.tally.ops.RateWindow;
import dev.tally.queue.QueueDepth;
import dev.tally.queue.RocketMqJobQueue;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * GET /api/v1/live: server-sent events, one {@code event: stats} a second with this node's rates over the last
 * few seconds and its job queue. Each node reports only its own work.
 */
final class LiveRoutes {
  static final long EVERY_MS = 1000;

  private final Vertx vertx;
  private final Activity activity;
  private final QueueDepth depth;
  private final RocketMqJobQueue rocketmq;

  /** {@code depth} for the local queue, {@code rocketmq} for RocketMQ (one of them is null). */
  LiveRoutes(Vertx vertx, Activity activity, QueueDepth depth, RocketMqJobQueue rocketmq) {
    this.vertx = vertx;
    this.activity = activity;
    this.depth = depth;
    this.rocketmq = rocketmq;
  }

  /** jobsWaiting and jobsDue are null with RocketMQ: those jobs are in the broker, not on this node. */
  record Stats(long at, double eventsPerSec, double resultsPerSec, double failuresPerSec,
               @JsonInclude(JsonInclude.Include.ALWAYS) Integer jobsWaiting,
               @JsonInclude(JsonInclude.Include.ALWAYS) Integer jobsDue, int jobsInFlight, List<RateWindow.TaskRate> perTask) {
  }

  void mount(Router router) {
    router.get("/api/v1/live").handler(ctx -> {
      HttpServerResponse response = ctx.response()
          .setChunked(true)
          .putHeader("content-type", "text/event-stream")
          .putHeader("cache-control", "no-cache")
          .putHeader("x-accel-buffering", "no");
      send(response);
      long timer = vertx.setPeriodic(EVERY_MS, id -> send(response));
      response.closeHandler(v -> vertx.cancelTimer(timer));
      response.exceptionHandler(err -> vertx.cancelTimer(timer));
    });
  }

  private void send(HttpServerResponse response) {
    if (response.closed() || response.ended()) return;
    response.write("event: stats\ndata: " + Json.write(stats()) + "\n\n");
  }

  Stats stats() {
    RateWindow.Rates r = activity.rates();
    boolean local = rocketmq == null;
    return new Stats(System.currentTimeMillis(), r.eventsPerSec(), r.resultsPerSec(), r.failuresPerSec(),
        local ? depth.queued() : null, local ? depth.due() : null, local ? depth.inFlight() : rocketmq.inFlightCount(),
        r.perTask());
  }
}
