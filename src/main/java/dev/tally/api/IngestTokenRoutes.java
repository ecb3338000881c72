package dev.tally.api;

import dev.tally.auth.Role;
import dev.tally.auth.Tokens;
import dev.tally.model.EventSource;
import dev.tally.model.Json;
import dev.tally.model.ValidationException;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** An event source's ingestion tokens: each lets a producer POST events to that source and nothing else. */
final class IngestTokenRoutes {
  private static final String PATH = "/api/v1/event-sources/:id/tokens";
  private final ApiContext api;
  private final Runnable changed;

  record TokenRequest(String name) {
  }

  record NewToken(String id, String name, String token) {
  }

  IngestTokenRoutes(ApiContext api, Runnable changed) {
    this.api = api;
    this.changed = changed;
  }

  void mount(Router router) {
    router.get(PATH).handler(ctx -> {
      String id = administered(ctx).id();
      Http.respond(ctx, 200, api.auth().ingestTokensOf(id).map(l -> Map.of("items", l)));
    });
    router.post(PATH).handler(ctx -> {
      String id = administered(ctx).id();
      TokenRequest in = Json.readInput(Http.body(ctx), TokenRequest.class);
      String name = Http.requireText(in.name(), "name");
      if (name.length() > 200) throw new ValidationException("name", "too long", "at most 200 characters");
      String token = Tokens.generate(Tokens.INGEST);
      Http.respond(ctx, 201, api.auth().createIngestToken(id, name, token).map(tokenId -> new NewToken(tokenId, name, token)));
    });
    router.delete(PATH + "/:tokenId").handler(ctx -> {
      String id = administered(ctx).id();
      String tokenId = ctx.pathParam("tokenId");
      Http.respond(ctx, 204, api.auth().deleteIngestToken(id, tokenId).compose(deleted -> {
        if (!deleted) return Future.failedFuture(new ApiErrors.NotFound("token", tokenId));
        changed.run();
        return Future.succeededFuture();
      }));
    });
  }

  /** The path's event source, when the caller is an admin of its team: 404 when unseen, 403 when the role is too low. */
  private EventSource administered(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    EventSource source = api.cache().eventSource(id);
    if (source == null || !Access.sees(ctx, source.team())) throw new ApiErrors.NotFound("event source", id);
    Access.require(ctx, source.team(), Role.ADMIN);
    return source;
  }
}
