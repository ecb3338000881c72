package dev.tally.api;

import dev.tally.model.Discrepancy;
import dev.tally.model.DiscrepancyState;
import dev.tally.model.Json;
import dev.tally.model.ValidationException;
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

  DiscrepancyRoutes(DiscrepancyRepository discrepancies) {
    this.discrepancies = discrepancies;
  }

  void mount(Router router) {
    router.get("/api/v1/discrepancies").handler(this::list);
    router.get("/api/v1/discrepancies/:id").handler(ctx -> Http.respond(ctx, 200,
        Http.found(discrepancies.get(ctx.pathParam("id")), "discrepancy", ctx.pathParam("id"))));
    router.put("/api/v1/discrepancies/:id/triage").handler(this::triage);
  }

  private void list(RoutingContext ctx) {
    String state = text(ctx, "state");
    Http.respond(ctx, 200, discrepancies.list(new DiscrepancyRepository.Query(text(ctx, "taskId"),
        state == null ? null : state(state, "state"), text(ctx, "key"), Http.instant(ctx, "from"),
        Http.instant(ctx, "to"), Http.intParam(ctx, "limit", 50, 1, 500), text(ctx, "cursor"))));
  }

  private void triage(RoutingContext ctx) {
    Discrepancy.Triage in = Json.readInput(Http.body(ctx), Discrepancy.Triage.class);
    DiscrepancyState state = state(Http.requireText(in.state(), "state"), "state");
    String comment = in.comment() == null || in.comment().isBlank() ? null : in.comment().trim();
    if (comment != null && comment.length() > MAX_COMMENT) {
      throw new ValidationException("comment", "too long", "at most " + MAX_COMMENT + " characters");
    }
    String id = ctx.pathParam("id");
    Future<Discrepancy> changed = discrepancies.triage(id, state, comment, System.currentTimeMillis())
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
