package dev.tally.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.auth.Role;
import dev.tally.bus.Addresses;
import dev.tally.bus.Delivery;
import dev.tally.bus.Messages.TryRequest;
import dev.tally.dispatch.TaskVariables;
import dev.tally.model.AlertChannel;
import dev.tally.model.ApiCheck;
import dev.tally.model.DataSource;
import dev.tally.model.Event;
import dev.tally.model.EventSource;
import dev.tally.model.FieldPair;
import dev.tally.model.Json;
import dev.tally.model.Result;
import dev.tally.model.SideSpec;
import dev.tally.model.Strategy;
import dev.tally.model.Task;
import dev.tally.model.ValidationException;
import dev.tally.ops.alert.AlertRules;
import dev.tally.repair.CallbackRules;
import dev.tally.source.SideSpecValidator;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** /api/v1/tasks: CRUD, "try it" and per-task stats. */
final class TaskRoutes {
  private static final String PATH = "/api/v1/tasks";
  /** An HTTP token (RFC 9110). */
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private final ApiContext api;

  TaskRoutes(ApiContext api) {
    this.api = api;
  }

  void mount(Router router) {
    router.post(PATH).handler(this::create);
    router.get(PATH).handler(ctx -> Http.respond(ctx, 200, api.config().tasks()
        .map(l -> Map.of("items", Access.visible(ctx, l, Task::team).stream().map(TaskRoutes::view).toList()))));
    router.get(PATH + "/:id").handler(ctx -> Http.respond(ctx, 200, existing(ctx, Role.VIEWER).map(TaskRoutes::view)));
    router.put(PATH + "/:id").handler(this::update);
    router.delete(PATH + "/:id").handler(this::delete);
    router.post(PATH + "/:id/try").handler(this::tryOnce);
    router.get(PATH + "/:id/stats").handler(ctx -> Http.respond(ctx, 200,
        existing(ctx, Role.VIEWER).compose(t -> new StatsQuery(api.results()).run(ctx, t.id()))));
  }

  /** The task of the path, if the caller holds {@code role} in its team (404 if they cannot see it, else 403). */
  private Future<Task> existing(RoutingContext ctx, Role role) {
    String id = ctx.pathParam("id");
    return Http.found(api.config().task(id), "task", id).map(t -> {
      Access.requireOn(ctx, t.team(), role, "task", id);
      return t;
    });
  }

  private void create(RoutingContext ctx) {
    byte[] body = Http.body(ctx);
    Task in = Json.readInput(body, Task.class);
    long now = System.currentTimeMillis();
    Http.respond(ctx, 201, api.teams().forCreate(ctx, TeamRules.requested(body)).compose(team -> {
      Task task = validate(ApiHeaders.keepStored(in, null).withIdentity(Http.idOrNew(in.id(), "id"), now, now).withTeam(team));
      return alertChannelsExist(task).compose(v -> api.config().task(task.id()))
          .compose(clash -> clash != null
              ? Future.failedFuture(new ApiErrors.Conflict("task " + task.id() + " already exists"))
              : api.config().insert(task))
          .compose(v -> api.configChanged("task", task.id()))
          .map(v -> view(task));
    }));
  }

  /** Nothing refers to a task, so it may move to any team where the caller is admin (its sources must follow). */
  private void update(RoutingContext ctx) {
    byte[] body = Http.body(ctx);
    Task in = Json.readInput(body, Task.class);
    Http.respond(ctx, 200, existing(ctx, Role.ADMIN).compose(old -> api.teams()
        .forUpdate(ctx, old.team(), TeamRules.requested(body), "task " + old.id(), List::of)
        .compose(team -> {
          Task task = validate(keepSecret(ApiHeaders.keepStored(in, old), old).withIdentity(old.id(), old.createdAt(),
              System.currentTimeMillis()).withTeam(team));
          return alertChannelsExist(task).compose(v -> api.config().update(task))
              .compose(v -> api.configChanged("task", task.id())).map(v -> view(task));
        })));
  }

  private void delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Http.respond(ctx, 204, existing(ctx, Role.ADMIN).compose(t -> api.config().deleteTask(id)).compose(v -> api.configChanged("task", id)));
  }

  /** Runs the task once on the event in the body; nothing is stored. */
  private void tryOnce(RoutingContext ctx) {
    byte[] body = Http.body(ctx);
    Http.respond(ctx, 200, existing(ctx, Role.OPERATOR).compose(task -> {
      Event event = EventInput.parseOne(EventInput.tree(body), task.eventSourceId(), "");
      String missing = TaskVariables.firstMissing(task, event.data());
      if (missing != null) {
        throw new ValidationException("data." + missing, "missing template variable", "the task needs '" + missing + "'");
      }
      return api.vertx().eventBus().<Result>request(Addresses.COMPARE_TRY, new TryRequest(task, event), Delivery.LOCAL).map(Message::body);
    }));
  }

  /** The API's view of a task: the callback without its secret, plus whether one is set; header values masked. */
  static ObjectNode view(Task t) {
    ObjectNode node = Json.MAPPER.valueToTree(ApiHeaders.view(t));
    if (node.get("callback") instanceof ObjectNode callback) {
      callback.remove("secret");
      callback.put("secretSet", t.callback().secret() != null && !t.callback().secret().isEmpty());
    }
    return node;
  }

  /** An update without the callback's secret keeps the stored one: clients never get it back to resend it. */
  private static Task keepSecret(Task in, Task old) {
    if (in.callback() == null || in.callback().secret() != null || old.callback() == null) return in;
    return in.withCallback(in.callback().withSecret(old.callback().secret()));
  }

  /** Every channel of the task's alert policy exists and is in the task's team. */
  private Future<Void> alertChannelsExist(Task t) {
    if (t.alert() == null) return Future.succeededFuture();
    return api.alerts().channels().compose(channels -> {
      Map<String, AlertChannel> known = channels.stream().collect(java.util.stream.Collectors.toMap(AlertChannel::id, c -> c));
      for (int i = 0; i < t.alert().channelIds().size(); i++) {
        String id = t.alert().channelIds().get(i);
        AlertChannel channel = known.get(id);
        if (channel == null) {
          return Future.failedFuture(new ValidationException("alert.channelIds[" + i + "]", "unknown alert channel", id));
        }
        TeamRules.sameTeam(t.team(), channel.team(), "alert.channelIds[" + i + "]", id);
      }
      return Future.succeededFuture();
    });
  }

  private Task validate(Task t) {
    Http.requireText(t.name(), "name");
    Http.requireText(t.eventSourceId(), "eventSourceId");
    EventSource source = api.cache().eventSource(t.eventSourceId());
    if (source == null) throw new ValidationException("eventSourceId", "unknown event source", t.eventSourceId());
    TeamRules.sameTeam(t.team(), source.team(), "eventSourceId", source.id());
    if (t.alert() != null) AlertRules.validate(t.alert());
    switch (t.type()) {
      case CONFIG -> validateConfig(t);
      case API -> validateApi(t);
    }
    for (int i = 0; i < t.entityKey().size(); i++) Http.requireText(t.entityKey().get(i), "entityKey[" + i + "]");
    validateStrategy(t.strategy());
    // the target of a suggested repair is the right side; an API task has none
    DataSource right = t.right() == null ? null : api.cache().dataSource(t.right().dataSourceId());
    Task checked = t.withCallback(CallbackRules.validate(t.callback(), right == null ? null : right.kind()));
    if (checked.callback() != null) Http.requireAllowed(api.readers().outbound(), checked.callback().url(), "callback.url");
    if (checked.api() != null) Http.requireAllowed(api.readers().outbound(), checked.api().url(), "api.url");
    return checked;
  }

  private void validateConfig(Task t) {
    if (t.api() != null) throw new ValidationException("api", "not allowed", "only an API task calls an endpoint; a CONFIG task compares left and right");
    validateSide(t.left(), "left", t.team());
    validateSide(t.right(), "right", t.team());
    SideSpecValidator.validatePair(t.left(), t.right());
    if (t.compare().isEmpty()) throw new ValidationException("compare", "required", "at least one field pair");
    for (int i = 0; i < t.compare().size(); i++) {
      FieldPair p = t.compare().get(i);
      if (p == null) throw new ValidationException("compare[" + i + "]", "required");
      Http.requireText(p.left(), "compare[" + i + "].left");
      if (p.tolerance() != null && p.tolerance() < 0) throw new ValidationException("compare[" + i + "].tolerance", "must not be negative");
      if (p.zone() != null) {
        try {
          java.time.ZoneId.of(p.zone());
        } catch (RuntimeException e) {
          throw new ValidationException("compare[" + i + "].zone", "unknown time zone", p.zone());
        }
      }
    }
  }

  /** An API task: the endpoint reads and compares, so there are no sides and no field pairs. */
  private static void validateApi(Task t) {
    if (t.left() != null) throw new ValidationException("left", "not allowed", "an API task's endpoint reads the sides itself");
    if (t.right() != null) throw new ValidationException("right", "not allowed", "an API task's endpoint reads the sides itself");
    if (!t.compare().isEmpty()) throw new ValidationException("compare", "not allowed", "an API task's endpoint compares");
    ApiCheck check = t.api();
    if (check == null) throw new ValidationException("api", "required", "the endpoint that compares: {\"url\": \"https://...\"}");
    Http.requireHttpUrl(check.url(), "api.url");
    if (check.timeoutMs() != null && (check.timeoutMs() < 1 || check.timeoutMs() > ApiCheck.MAX_TIMEOUT_MS)) {
      throw new ValidationException("api.timeoutMs", "out of range", "1 to " + ApiCheck.MAX_TIMEOUT_MS);
    }
    check.headers().forEach((name, value) -> {
      if (!HEADER_NAME.matcher(name).matches()) throw new ValidationException("api.headers." + name, "invalid header name");
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new ValidationException("api.headers." + name, "invalid header value", "no line breaks");
      }
    });
  }

  private void validateSide(SideSpec side, String field, String team) {
    if (side == null) throw new ValidationException(field, "required");
    Http.requireText(side.dataSourceId(), field + ".dataSourceId");
    DataSource ds = api.cache().dataSource(side.dataSourceId());
    if (ds == null) throw new ValidationException(field + ".dataSourceId", "unknown data source", side.dataSourceId());
    TeamRules.sameTeam(team, ds.team(), field + ".dataSourceId", ds.id());
    SideSpecValidator.validate(ds.kind(), side, field);
  }

  private void validateStrategy(Strategy s) {
    if (s.delayMs() < 0) throw new ValidationException("strategy.delayMs", "must not be negative");
    if (s.sampleRate() < 0 || s.sampleRate() > 1) throw new ValidationException("strategy.sampleRate", "out of range", "0 to 1");
    if (s.rateLimit() != null && s.rateLimit() < 0) throw new ValidationException("strategy.rateLimit", "must not be negative");
    if (s.retry().onFail() < 0 || s.retry().onFail() > 100) throw new ValidationException("strategy.retry.onFail", "out of range", "0 to 100");
    if (s.retry().onError() < 0 || s.retry().onError() > 100) throw new ValidationException("strategy.retry.onError", "out of range", "0 to 100");
    if (s.retry().backoffMs() < 0) throw new ValidationException("strategy.retry.backoffMs", "must not be negative");
    for (int i = 0; i < s.order().size(); i++) {
      if (!api.chain().names().contains(s.order().get(i))) {
        throw new ValidationException("strategy.order[" + i + "]", "unknown filter", "known: " + api.chain().names());
      }
    }
  }
}
