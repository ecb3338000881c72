package dev.tally.api;

import dev.tally.auth.Role;
import dev.tally.model.Discrepancy;
import dev.tally.model.DiscrepancyState;
import dev.tally.model.Json;
import dev.tally.model.ValidationException;
import dev.tally.store.ConfigCache;
import dev.tally.store.DiscrepancyRepository;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * GET /api/v1/discrepancies (filters taskId, state, key, from/to on openedAt; newest first, cursor paging),
 * GET /api/v1/discrepancies/{id} (with history and FAIL result ids), PUT /api/v1/discrepancies/{id}/triage.
 */
final class DiscrepancyRoutes {
  static final int MAX_COMMENT = 2000;

  private final DiscrepancyRepository discrepancies;
  private final ConfigCache cache;

  /** {@code cache}: the tasks, whose teams the discrepancies belong to. */
  DiscrepancyRoutes(DiscrepancyRepository discrepancies, ConfigCache cache) {
    this.discrepancies = discrepancies;
    this.cache = cache;
  }

  void mount(Router router) {
    router.get("/api/v1/discrepancies").handler(this::list);
    router.get("/api/v1/discrepancies/:id").handler(ctx -> {
      String id = ctx.pathParam("id");
      Http.respond(ctx, 200, Http.found(discrepancies.get(id), "discrepancy", id).map(d -> {
        Access.requireOnTaskTeam(ctx, cache.teamOfTask(d.discrepancy().taskId()), Role.VIEWER, "discrepancy", id);
        return d;
      }));
    });
    router.put("/api/v1/discrepancies/:id/triage").handler(this::triage);
  }

  private void list(RoutingContext ctx) {
    String state = text(ctx, "state");
    String taskId = text(ctx, "taskId");
    Http.respond(ctx, 200, discrepancies.list(new DiscrepancyRepository.Query(taskId,
        state == null ? null : state(state, "state"), text(ctx, "key"), Http.instant(ctx, "from"),
        Http.instant(ctx, "to"), Http.intParam(ctx, "limit", 50, 1, 500), text(ctx, "cursor"),
        Access.taskScope(ctx, cache, taskId))));
  }

  private void triage(RoutingContext ctx) {
    Discrepancy.Triage in = Json.readInput(Http.body(ctx), Discrepancy.Triage.class);
    DiscrepancyState state = state(Http.requireText(in.state(), "state"), "state");
    String comment = in.comment() == null || in.comment().isBlank() ? null : in.comment().trim();
    if (comment != null && comment.length() > MAX_COMMENT) {
      throw new ValidationException("comment", "too long", "at most " + MAX_COMMENT + " characters");
    }
    String id = ctx.pathParam("id");
    Future<Discrepancy> changed = Http.found(discrepancies.find(id), "discrepancy", id)
        .compose(d -> {
          Access.requireOnTaskTeam(ctx, cache.teamOfTask(d.taskId()), Role.OPERATOR, "discrepancy", id);
          return discrepancies.triage(id, state, comment, System.currentTimeMillis());
        })
        .recover(err -> Future.failedFuture(err instanceof DiscrepancyRepository.Closed
            ? new ApiErrors.Conflict(err.getMessage()) : err));
    Http.respond(ctx, 200, Http.found(changed, "discrepancy", id));
  }

  private static DiscrepancyState state(String code, String field) {
    DiscrepancyState s = DiscrepancyState.parse(code);
    if (s == null) throw new ValidationException(field, "unknown state", DiscrepancyState.known());
    return s;
  }

  private static String text(RoutingContext ctx, String param) {
    String v = ctx.request().getParam(param);
    return v == null || v.isBlank() ? null : v.trim();
  }
}
