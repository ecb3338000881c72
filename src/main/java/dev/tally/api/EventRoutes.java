package dev.tally.api;

import dev.tally.auth.Caller;
import dev.tally.auth.Role;
import dev.tally.bus.Addresses;
import dev.tally.bus.Delivery;
import dev.tally.bus.Failures;
import dev.tally.bus.Messages.IngestReply;
import dev.tally.bus.Messages.IngestRequest;
import dev.tally.model.Event;
import dev.tally.model.EventSource;
import dev.tally.model.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/** POST /api/v1/events/{eventSourceId}: answered 202 only once every job made from the events is persisted. */
final class EventRoutes {
  private final ApiContext api;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

  private final IntSupplier queued;
  private final int maxWaiting;
  private final int defaultRate;

  /**
   * {@code queued}: the jobs this node's queue holds; at {@code maxWaiting} or more, events are refused with 503.
   * {@code defaultRate}: events a second of a source that sets no rate of its own ({@code events.maxPerSecond}; 0:
   * none).
   */
  EventRoutes(ApiContext api, IntSupplier queued, int maxWaiting, int defaultRate) {
    this.api = api;
    this.queued = queued;
    this.maxWaiting = maxWaiting;
    this.defaultRate = defaultRate;
  }

  /** The source's own rate limit, else the node's default; null: none. */
  private Integer rateOf(EventSource source) {
    if (source.maxEventsPerSecond() != null) return source.maxEventsPerSecond();
    return defaultRate > 0 ? defaultRate : null;
  }

  void mount(Router router) {
    router.post("/api/v1/events/:eventSourceId").handler(this::ingest);
  }

  /**
   * 0 when the source's rate limit {@code rate} (null: none) lets {@code n} events in now (they are counted), else
   * the seconds to wait.
   */
  private long rateWait(EventSource source, Integer rate, int n) {
    if (rate == null) {
      buckets.remove(source.id());
      return 0;
    }
    if (n > rate) {
      throw new ValidationException("events", "more events than the source's rate limit",
          "event source " + source.id() + " takes at most " + rate + " events a second; send smaller batches");
    }
    long now = System.nanoTime();
    TokenBucket bucket = buckets.compute(source.id(), (id, old) -> old != null && old.perSecond() == rate ? old : new TokenBucket(rate, now));
    return bucket.take(n, now);
  }

  private void ingest(RoutingContext ctx) {
    String sourceId = ctx.pathParam("eventSourceId");
    EventSource source = api.cache().eventSource(sourceId);
    if (source == null) throw new ApiErrors.NotFound("event source", sourceId);
    // an ingestion token was checked against the path already; a person needs operator in the source's team
    if (Access.caller(ctx).kind() != Caller.Kind.INGEST) Access.require(ctx, source.team(), Role.OPERATOR);
    List<Event> events = EventInput.parseBatch(Http.body(ctx), sourceId, api.maxEventsPerPost());
    int waiting = queued.getAsInt();
    if (waiting >= maxWaiting) {
      throw new Failures.Unavailable(waiting + " jobs wait in the queue (queue.maxWaiting " + maxWaiting + ")", null);
    }
    Integer rate = rateOf(source);
    long wait = rateWait(source, rate, events.size());
    if (wait > 0) {
      ctx.response().setStatusCode(429).putHeader("retry-after", Long.toString(wait)).putHeader("content-type", "application/json")
          .end(Failures.errorJson(new ValidationException(null, "too many events",
              "event source " + sourceId + " takes at most " + rate + " events a second")));
      return;
    }
    Future<IngestReply> reply = api.vertx().eventBus()
        .<IngestReply>request(Addresses.EVENTS_INGEST, new IngestRequest(sourceId, events), Delivery.LOCAL)
        .map(Message::body)
        // the queue took too long (a broker that is down): some jobs may be queued, so the client sends the same
        // events again, and their ids keep the jobs from being queued twice
        .recover(err -> Future.failedFuture(err instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT
            ? new Failures.Unavailable("the job queue did not answer in time", err) : err));
    Http.respond(ctx, 202, reply.map(r -> r.warnings().isEmpty()
        ? Map.of("eventIds", r.eventIds(), "jobs", r.jobs())
        : Map.of("eventIds", r.eventIds(), "jobs", r.jobs(), "warnings", r.warnings())));
  }
}
