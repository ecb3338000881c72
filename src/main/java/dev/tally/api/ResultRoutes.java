package dev.tally.api;

import dev.tally.model.Status;
import dev.tally.model.ValidationException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** GET /api/v1/results (newest first, cursor paging), /api/v1/results/{id}, and the waiting jobs. */
final class ResultRoutes {
  private final ApiContext api;

  ResultRoutes(ApiContext api) {
    this.api = api;
  }

  void mount(Router router) {
    router.get("/api/v1/results").handler(this::list);
    router.get("/api/v1/jobs").handler(ctx -> {
      String taskId = ctx.request().getParam("taskId");
      Http.respond(ctx, 200, api.jobs().list(taskId == null || taskId.isBlank() ? null : taskId,
          Http.intParam(ctx, "limit", 100, 1, 1000)).map(items -> java.util.Map.of("items", items)));
    });
    router.get("/api/v1/results/:id").handler(ctx -> Http.respond(ctx, 200,
        Http.found(api.results().get(ctx.pathParam("id")), "result", ctx.pathParam("id"))));
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
    String taskId = ctx.request().getParam("taskId");
    String cursor = ctx.request().getParam("cursor");
    Http.respond(ctx, 200, api.results().list(taskId == null || taskId.isBlank() ? null : taskId, parsed,
        Http.instant(ctx, "from"), Http.instant(ctx, "to"), Http.intParam(ctx, "limit", 50, 1, 500),
        cursor == null || cursor.isBlank() ? null : cursor));
  }
}
