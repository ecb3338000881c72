package dev.tally.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.auth.Caller;
import dev.tally.auth.Role;
import dev.tally.model.EventSource;
import dev.tally.model.Json;
import dev.tally.ops.Activity;
import dev.tally.ops.RateWindow;
import dev.tally.queue.QueueDepth;
import dev.tally.queue.RocketMqJobQueue;
import dev.tally.store.ConfigCache;
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

  private final ConfigCache cache;

  /**
   * {@code depth} for the local queue, {@code rocketmq} for RocketMQ (one of them is null); {@code cache}: the tasks
   * and event sources, whose teams decide which figures a caller sees.
   */
  LiveRoutes(Vertx vertx, Activity activity, QueueDepth depth, RocketMqJobQueue rocketmq, ConfigCache cache) {
    this.cache = cache;
    this.vertx = vertx;
    this.activity = activity;
    this.depth = depth;
    this.rocketmq = rocketmq;
  }

  /**
   * jobsWaiting and jobsDue are null with RocketMQ: those jobs are in the broker, not on this node. A caller who
   * sees only some teams gets the rates of their tasks and event sources, and no queue figures (null): the queue
   * holds every team's jobs.
   */
  record Stats(long at, double eventsPerSec, double resultsPerSec, double failuresPerSec,
               @JsonInclude(JsonInclude.Include.ALWAYS) Integer jobsWaiting,
               @JsonInclude(JsonInclude.Include.ALWAYS) Integer jobsDue,
               @JsonInclude(JsonInclude.Include.ALWAYS) Integer jobsInFlight, List<RateWindow.TaskRate> perTask,
               List<RateWindow.SourceRate> perSource) {
  }

  void mount(Router router) {
    router.get("/api/v1/live").handler(ctx -> {
      Caller caller = Access.caller(ctx);
      HttpServerResponse response = ctx.response()
          .setChunked(true)
          .putHeader("content-type", "text/event-stream")
          .putHeader("cache-control", "no-cache")
          .putHeader("x-accel-buffering", "no");
      send(response, caller);
      long timer = vertx.setPeriodic(EVERY_MS, id -> send(response, caller));
      response.closeHandler(v -> vertx.cancelTimer(timer));
      response.exceptionHandler(err -> vertx.cancelTimer(timer));
    });
  }

  private void send(HttpServerResponse response, Caller caller) {
    if (response.closed() || response.ended()) return;
    response.write("event: stats\ndata: " + Json.write(stats(caller)) + "\n\n");
  }

  Stats stats(Caller caller) {
    RateWindow.Rates r = activity.rates();
    long now = System.currentTimeMillis();
    if (caller.allTeams()) {
      boolean local = rocketmq == null;
      return new Stats(now, r.eventsPerSec(), r.resultsPerSec(), r.failuresPerSec(),
          local ? depth.queued() : null, local ? depth.due() : null, local ? depth.inFlight() : rocketmq.inFlightCount(),
          r.perTask(), r.perSource());
    }
    List<RateWindow.TaskRate> tasks = r.perTask().stream().filter(t -> sees(caller, cache.teamOfTask(t.taskId()))).toList();
    List<RateWindow.SourceRate> sources = r.perSource().stream().filter(s -> {
      EventSource source = cache.eventSource(s.eventSourceId());
      return source != null && sees(caller, source.team());
    }).toList();
    return new Stats(now, sources.stream().mapToDouble(RateWindow.SourceRate::eventsPerSec).sum(),
        tasks.stream().mapToDouble(RateWindow.TaskRate::resultsPerSec).sum(),
        tasks.stream().mapToDouble(RateWindow.TaskRate::failuresPerSec).sum(), null, null, null, tasks, sources);
  }

  private static boolean sees(Caller caller, String team) {
    return team != null && caller.can(team, Role.VIEWER);
  }
}
