package dev.tally.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.auth.Role;
import dev.tally.model.AlertChannel;
import dev.tally.model.AlertDelivery;
import dev.tally.model.Json;
import dev.tally.model.Task;
import dev.tally.model.ValidationException;
import dev.tally.ops.alert.AlertMessages;
import dev.tally.ops.alert.AlertRules;
import dev.tally.ops.alert.AlertSender;
import dev.tally.store.AlertRepository;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;

/** /api/v1/alert-channels (CRUD and a test message) and /api/v1/alert-deliveries. */
final class AlertRoutes {
  private static final String CHANNELS = "/api/v1/alert-channels";
  private static final String DELIVERIES = "/api/v1/alert-deliveries";

  private final ApiContext api;
  private final AlertRepository alerts;
  private final AlertSender sender;

  AlertRoutes(ApiContext api, AlertSender sender) {
    this.api = api;
    this.alerts = api.alerts();
    this.sender = sender;
  }

  void mount(Router router) {
    router.post(CHANNELS).handler(this::create);
    router.get(CHANNELS).handler(ctx -> Http.respond(ctx, 200, alerts.channels()
        .map(l -> page(Access.visible(ctx, l, AlertChannel::team).stream().map(AlertRoutes::view).toList(), null))));
    router.get(CHANNELS + "/:id").handler(ctx -> Http.respond(ctx, 200, existing(ctx, Role.VIEWER).map(AlertRoutes::view)));
    router.put(CHANNELS + "/:id").handler(this::update);
    router.delete(CHANNELS + "/:id").handler(this::delete);
    router.post(CHANNELS + "/:id/test").handler(this::test);
    router.get(DELIVERIES).handler(this::deliveries);
  }

  /** The API's view of a channel: everything but the url, plus whether one is set. */
  static ObjectNode view(AlertChannel c) {
    ObjectNode node = Json.MAPPER.valueToTree(c);
    node.remove("url");
    node.put("urlSet", c.url() != null && !c.url().isEmpty());
    return node;
  }

  /** {"items", "nextCursor"}, the cursor null on the last page (the mapper would otherwise leave it out). */
  private static ObjectNode page(List<ObjectNode> items, String nextCursor) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.putArray("items").addAll(items);
    out.put("nextCursor", nextCursor);
    return out;
  }

  /** The channel of the path, if the caller holds {@code role} in its team (404 if they cannot see it, else 403). */
  private Future<AlertChannel> existing(RoutingContext ctx, Role role) {
    String id = ctx.pathParam("id");
    return Http.found(alerts.channel(id), "alert channel", id).map(c -> {
      Access.requireOn(ctx, c.team(), role, "alert channel", id);
      return c;
    });
  }

  private void create(RoutingContext ctx) {
    byte[] body = Http.body(ctx);
    AlertChannel in = Json.readInput(body, AlertChannel.class);
    long now = System.currentTimeMillis();
    Http.respond(ctx, 201, api.teams().forCreate(ctx, TeamRules.requested(body)).compose(team -> {
      AlertChannel channel = AlertRules.validate(in.withIdentity(Http.idOrNew(in.id(), "id"), strip(in.url()), now, now).withTeam(team));
      Http.requireAllowed(api.readers().outbound(), channel.url(), "url");
      return alerts.channel(channel.id())
          .compose(clash -> clash != null
              ? Future.failedFuture(new ApiErrors.Conflict("alert channel " + channel.id() + " already exists"))
              : alerts.insert(channel))
          .map(v -> view(channel));
    }));
  }

  private void update(RoutingContext ctx) {
    byte[] body = Http.body(ctx);
    AlertChannel in = Json.readInput(body, AlertChannel.class);
    Http.respond(ctx, 200, existing(ctx, Role.ADMIN).compose(old -> api.teams()
        .forUpdate(ctx, old.team(), TeamRules.requested(body), "alert channel " + old.id(), () -> users(old.id()))
        .compose(team -> {
          // an absent url keeps the stored one: clients never get it back to resend it
          String url = in.url() != null ? strip(in.url()) : old.url();
          AlertChannel channel = AlertRules.validate(in.withIdentity(old.id(), url, old.createdAt(), System.currentTimeMillis())
              .withTeam(team));
          Http.requireAllowed(api.readers().outbound(), channel.url(), "url");
          return alerts.update(channel).map(v -> view(channel));
        })));
  }

  /** The tasks whose alert policy names this channel. */
  private List<String> users(String channelId) {
    return api.cache().tasks().stream().filter(t -> t.alert() != null && t.alert().channelIds().contains(channelId))
        .map(Task::id).sorted().toList();
  }

  private void delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Http.respond(ctx, 204, existing(ctx, Role.ADMIN).compose(c -> api.config().tasks()).compose(tasks -> {
      List<String> users = tasks.stream().filter(t -> t.alert() != null && t.alert().channelIds().contains(id)).map(Task::id).toList();
      if (!users.isEmpty()) return Future.failedFuture(new ApiErrors.Conflict("alert channel " + id + " is used by tasks " + users));
      return alerts.deleteChannel(id).mapEmpty();
    }));
  }

  /** Sends a test message now and answers how it went. */
  private void test(RoutingContext ctx) {
    Http.respond(ctx, 200, existing(ctx, Role.OPERATOR)
        .compose(c -> sender.send(c, AlertMessages.test(c.kind(), c.name(), System.currentTimeMillis())))
        .map(outcome -> {
          ObjectNode node = Json.MAPPER.createObjectNode();
          node.put("ok", outcome.ok());
          node.put("statusCode", outcome.statusCode());
          node.put("error", outcome.error());
          node.put("tookMs", outcome.tookMs());
          return node;
        }));
  }

  private void deliveries(RoutingContext ctx) {
    String status = ctx.request().getParam("status");
    AlertDelivery.Status parsed = null;
    if (status != null && !status.isBlank()) {
      try {
        parsed = AlertDelivery.Status.valueOf(status.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ValidationException("status", "unknown status", "one of " + List.of(AlertDelivery.Status.values()));
      }
    }
    int limit = Http.intParam(ctx, "limit", 50, 1, 500);
    String taskId = param(ctx, "taskId");
    Http.respond(ctx, 200, alerts.deliveries(param(ctx, "channelId"), taskId, Access.taskScope(ctx, api.cache(), taskId),
            parsed, limit, param(ctx, "cursor"))
        .map(p -> page(p.items().stream().map(AlertRoutes::view).toList(), p.nextCursor())));
  }

  /** A delivery with lastError and sentAt always present (null until there is one). */
  static ObjectNode view(AlertDelivery d) {
    ObjectNode node = Json.MAPPER.valueToTree(d);
    if (d.lastError() == null) node.putNull("lastError");
    if (d.sentAt() == null) node.putNull("sentAt");
    return node;
  }

  private static String param(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static String strip(String url) {
    return url == null ? null : url.strip();
  }
}
