package dev.tally.api;

import dev.tally.auth.Role;
import dev.tally.bus.Addresses;
import dev.tally.bus.Delivery;
import dev.tally.bus.Messages.RerunReply;
import dev.tally.bus.Messages.RerunRequest;
import dev.tally.model.Ids;
import dev.tally.model.Result;
import dev.tally.model.Status;
import dev.tally.model.Task;
import dev.tally.model.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;

/**
 * GET /api/v1/results (newest first, cursor paging), /api/v1/results/{id}, POST /api/v1/results/{id}/rerun, and
 * the waiting jobs. A result or job belongs to its task's team.
 */
final class ResultRoutes {
  /** Marks a re-run's event id: {@code <original event id>~rerun-<time-ordered id>}. */
  static final String RERUN = "~rerun-";
  /** Event ids are at most 128 characters; a re-check appends ":recheck" (8), the re-run mark and id take 31. */
  private static final int MAX_RERUN_BASE = 128 - 8 - RERUN.length() - 24;

  private final ApiContext api;

  ResultRoutes(ApiContext api) {
    this.api = api;
  }

  void mount(Router router) {
    router.get("/api/v1/results").handler(this::list);
    router.get("/api/v1/jobs").handler(ctx -> {
      String taskId = text(ctx, "taskId");
      Http.respond(ctx, 200, api.jobs().list(taskId, Access.taskScope(ctx, api.cache(), taskId),
          Http.intParam(ctx, "limit", 100, 1, 1000)).map(items -> Map.of("items", items)));
    });
    router.get("/api/v1/results/:id").handler(ctx -> Http.respond(ctx, 200, existing(ctx, Role.VIEWER)));
    router.post("/api/v1/results/:id/rerun").handler(this::rerun);
  }

  /** The result of the path, if the caller holds {@code role} in its task's team (404 if they cannot see it, else 403). */
  private Future<Result> existing(RoutingContext ctx, Role role) {
    String id = ctx.pathParam("id");
    return Http.found(api.results().get(id), "result", id).map(r -> {
      Access.requireOnTaskTeam(ctx, api.cache().teamOfTask(r.taskId()), role, "result", id);
      return r;
    });
  }

  private void list(RoutingContext ctx) {
    String status = ctx.request().getParam("status");
    Status parsed = null;
    if (status != null && !status.isBlank()) {
      try {
        parsed = Status.valueOf(status.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ValidationException("status", "unknown status", "PASS, FAIL or ERROR");
      }
    }
    String taskId = text(ctx, "taskId");
    Http.respond(ctx, 200, api.results().list(taskId, Access.taskScope(ctx, api.cache(), taskId), parsed,
        Http.instant(ctx, "from"), Http.instant(ctx, "to"), Http.intParam(ctx, "limit", 50, 1, 500), text(ctx, "cursor")));
  }

  /** Queues the result's task once more on the result's stored event; its verdict will be a result of its own. */
  private void rerun(RoutingContext ctx) {
    Http.respond(ctx, 202, existing(ctx, Role.OPERATOR).compose(r -> {
      if (r.event() == null) throw new ApiErrors.Conflict("result " + r.id() + " has no stored event to run again");
      Task task = api.cache().task(r.taskId());
      if (task == null) throw new ApiErrors.Conflict("task " + r.taskId() + " no longer exists");
      if (!task.enabled()) throw new ApiErrors.Conflict("task " + task.id() + " is disabled");
      return api.vertx().eventBus()
          .<RerunReply>request(Addresses.JOBS_RERUN, new RerunRequest(task.id(), r.event(), rerunEventId(r.eventId())), Delivery.LOCAL)
          .map(Message::body);
    }));
  }

  /** A new event id for a re-run of {@code eventId}: the original id (without an earlier re-run's mark), marked. */
  static String rerunEventId(String eventId) {
    int mark = eventId.indexOf(RERUN);
    String base = mark < 0 ? eventId : eventId.substring(0, mark);
    if (base.length() > MAX_RERUN_BASE) base = base.substring(0, MAX_RERUN_BASE);
    return base + RERUN + Ids.timeOrdered();
  }

  private static String text(RoutingContext ctx, String param) {
    String v = ctx.request().getParam(param);
    return v == null || v.isBlank() ? null : v.trim();
  }
}
