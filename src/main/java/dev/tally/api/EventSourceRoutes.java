package dev.tally.api;

import dev.tally.auth.Role;
import dev.tally.ingest.binlog.BinlogStart;
import dev.tally.ingest.format.EventFormats;
import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.EventSource;
import dev.tally.model.EventSourceKind;
import dev.tally.model.Json;
import dev.tally.model.Task;
import dev.tally.model.ValidationException;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/** /api/v1/event-sources: CRUD. */
final class EventSourceRoutes {
  private static final String PATH = "/api/v1/event-sources";
  private final ApiContext api;

  EventSourceRoutes(ApiContext api) {
    this.api = api;
  }

  void mount(Router router) {
    router.post(PATH).handler(this::create);
    router.get(PATH).handler(ctx -> Http.respond(ctx, 200, api.config().eventSources()
        .map(l -> Map.of("items", Access.visible(ctx, l, EventSource::team)))));
    router.get(PATH + "/:id").handler(ctx -> Http.respond(ctx, 200, existing(ctx, Role.VIEWER)));
    router.put(PATH + "/:id").handler(this::update);
    router.delete(PATH + "/:id").handler(this::delete);
  }

  /** The source of the path, if the caller holds {@code role} in its team (404 if they cannot see it, else 403). */
  private Future<EventSource> existing(RoutingContext ctx, Role role) {
    String id = ctx.pathParam("id");
    return Http.found(api.config().eventSource(id), "event source", id).map(es -> {
      Access.requireOn(ctx, es.team(), role, "event source", id);
      return es;
    });
  }

  private void create(RoutingContext ctx) {
    byte[] body = Http.body(ctx);
    EventSource in = Json.readInput(body, EventSource.class);
    long now = System.currentTimeMillis();
    Http.respond(ctx, 201, api.teams().forCreate(ctx, TeamRules.requested(body)).compose(team -> {
      EventSource es = validate(withIdentity(in, Http.idOrNew(in.id(), "id"), team, now, now));
      return api.config().eventSource(es.id())
          .compose(clash -> clash != null
              ? Future.failedFuture(new ApiErrors.Conflict("event source " + es.id() + " already exists"))
              : startPosition(es))
          .compose(v -> api.config().insert(es))
          .compose(v -> api.configChanged("event-source", es.id()))
          .map(es);
    }));
  }

  private void update(RoutingContext ctx) {
    byte[] body = Http.body(ctx);
    EventSource in = Json.readInput(body, EventSource.class);
    Http.respond(ctx, 200, existing(ctx, Role.ADMIN).compose(old -> api.teams()
        .forUpdate(ctx, old.team(), TeamRules.requested(body), "event source " + old.id(),
            () -> api.cache().tasksOf(old.id()).stream().map(Task::id).toList())
        .compose(team -> {
          EventSource es = validate(withIdentity(in, old.id(), team, old.createdAt(), System.currentTimeMillis()));
          return api.config().update(es).compose(v -> api.configChanged("event-source", es.id())).map(es);
        })));
  }

  private void delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Http.respond(ctx, 204, existing(ctx, Role.ADMIN).compose(es -> api.config().tasksOf(id)).compose(tasks -> {
      if (!tasks.isEmpty()) {
        return Future.failedFuture(new ApiErrors.Conflict("event source " + id + " has tasks " + tasks.stream().map(Task::id).toList()));
      }
      return api.config().deleteEventSource(id)
          .compose(v -> api.binlogPositions().delete(id))
          .compose(v -> api.auth().deleteIngestTokensOf(id))
          .compose(v -> api.configChanged("event-source", id));
    }));
  }

  /** A DIRECT source starts reading where the binlog is now; a server that cannot serve it is refused here. */
  private Future<Void> startPosition(EventSource es) {
    if (!es.isDirect()) return Future.succeededFuture();
    DataSource ds = api.cache().dataSource(es.dataSourceId());
    return BinlogStart.current(api.vertx(), ds)
        .recover(err -> Future.failedFuture(new ValidationException("dataSourceId", "cannot read the binlog position",
            String.valueOf(err.getMessage()))))
        .compose(position -> api.binlogPositions().save(es.id(), position));
  }

  private static EventSource withIdentity(EventSource in, String id, String team, long createdAt, long updatedAt) {
    return new EventSource(id, in.name(), in.kind(), in.database(), in.table(), in.topic(), in.topicPattern(), in.format(),
        in.connector(), in.dataSourceId(), in.serverId(), createdAt, updatedAt, in.maxEventsPerSecond(), team);
  }

  private EventSource validate(EventSource es) {
    Http.requireText(es.name(), "name");
    if (es.kind() == null) throw new ValidationException("kind", "required", "one of " + List.of(EventSourceKind.values()));
    if (es.maxEventsPerSecond() != null && es.maxEventsPerSecond() < 1) {
      throw new ValidationException("maxEventsPerSecond", "must be at least 1", "leave it out for no limit");
    }
    if (es.kind() != EventSourceKind.BINLOG) return es;
    Http.requireText(es.database(), "database");
    Http.requireText(es.table(), "table");
    if (es.isKafka()) {
      Http.requireText(es.topic(), "topic");
      if (!EventFormats.NAMES.contains(es.format())) {
        throw new ValidationException("format", "unknown format", "one of " + EventFormats.NAMES);
      }
      if (es.topicPattern()) {
        try {
          java.util.regex.Pattern.compile(es.topic());
        } catch (java.util.regex.PatternSyntaxException e) {
          throw new ValidationException("topic", "not a regular expression", e.getDescription());
        }
      }
    } else if (es.isDirect()) {
      Http.requireText(es.dataSourceId(), "dataSourceId");
      DataSource ds = api.cache().dataSource(es.dataSourceId());
      if (ds == null || ds.kind() != DataSourceKind.MYSQL) {
        throw new ValidationException("dataSourceId", "not a MYSQL data source", "the direct connector reads a MySQL/MariaDB binlog");
      }
      TeamRules.sameTeam(es.team(), ds.team(), "dataSourceId", ds.id());
    } else {
      throw new ValidationException("connector", "unknown connector", "KAFKA or DIRECT");
    }
    return es;
  }
}
