package dev.tally.api;

import dev.tally.bus.Addresses;
import dev.tally.bus.Delivery;
import dev.tally.bus.Failures;
import dev.tally.bus.Messages.IngestReply;
import dev.tally.bus.Messages.IngestRequest;
import dev.tally.model.Event;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/** POST /api/v1/events/{eventSourceId}: answered 202 only once every job made from the events is persisted. */
final class EventRoutes {
  private final ApiContext api;

  EventRoutes(ApiContext api) {
    this.api = api;
  }

  void mount(Router router) {
    router.post("/api/v1/events/:eventSourceId").handler(this::ingest);
  }

  private void ingest(RoutingContext ctx) {
    String sourceId = ctx.pathParam("eventSourceId");
    if (api.cache().eventSource(sourceId) == null) throw new ApiErrors.NotFound("event source", sourceId);
    List<Event> events = EventInput.parseBatch(Http.body(ctx), sourceId, api.maxEventsPerPost());
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
