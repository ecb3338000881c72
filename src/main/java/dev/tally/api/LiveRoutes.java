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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET /api/v1/live: server-sent events, one {@code event: stats} a second with this node's rates over the last
 * few seconds and its job queue. Each node reports only its own work.
 */
final class LiveRoutes {
  static final long EVERY_MS = 1000;
  static final String CLOSED = "event: closed\ndata: {\"reason\":\"signed out, token revoked or expired, or user disabled\"}\n\n";
  private static final Logger LOG = LoggerFactory.getLogger(LiveRoutes.class);

  private final Vertx vertx;
  private final Activity activity;
  private final QueueDepth depth;
  private final RocketMqJobQueue rocketmq;

  private final ConfigCache cache;
  private final Function<RoutingContext, Future<Caller>> callerNow;

  /**
   * {@code depth} for the local queue, {@code rocketmq} for RocketMQ (one of them is null); {@code cache}: the tasks
   * and event sources, whose teams decide which figures a caller sees; {@code callerNow}: the stream's caller as of
   * now, null once it may no longer call ({@link AuthHandler#callerNow}).
   */
  LiveRoutes(Vertx vertx, Activity activity, QueueDepth depth, RocketMqJobQueue rocketmq, ConfigCache cache,
             Function<RoutingContext, Future<Caller>> callerNow) {
    this.cache = cache;
    this.callerNow = callerNow;
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
      long timer = vertx.setPeriodic(EVERY_MS, id -> tick(ctx, response, id));
      response.closeHandler(v -> vertx.cancelTimer(timer));
      response.exceptionHandler(err -> vertx.cancelTimer(timer));
    });
  }

  /**
   * Every frame is for the caller as of now: a stream stays open for hours, and a revoked token, an ended session or
   * a removed role must not go on seeing figures. A stream whose caller is gone ends with {@code event: closed}.
   */
  private void tick(RoutingContext ctx, HttpServerResponse response, long timer) {
    callerNow.apply(ctx)
        .onSuccess(caller -> {
          if (caller != null) {
            send(response, caller);
            return;
          }
          vertx.cancelTimer(timer);
          if (!response.closed() && !response.ended()) response.end(CLOSED);
        })
        // the store did not answer who it is: no frame this second, and the next one asks again
        .onFailure(err -> LOG.debug("live stream: caller not checked: {}", err.getMessage()));
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
