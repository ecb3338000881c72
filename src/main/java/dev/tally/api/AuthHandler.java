package dev.tally.api;

import dev.tally.auth.Caller;
import dev.tally.auth.Tokens;
import dev.tally.config.TallyConfig;
import dev.tally.store.AuthRepository;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Puts the request's {@link Caller} on it, or ends it with 401. In open mode every request is {@link Caller#OPEN}.
 * Otherwise: {@code Authorization: Bearer tly_...} is a personal API token, {@code Bearer tle_...} an ingestion
 * token, which is let through to {@code POST /api/v1/events/<its source>} only.
 */
final class AuthHandler implements Handler<RoutingContext> {
  static final String CALLER = "tally.caller";
  private static final String EVENTS = "/api/v1/events/";
  private final TallyConfig.Auth settings;
  private final AuthRepository auth;

  AuthHandler(TallyConfig.Auth settings, AuthRepository auth) {
    this.settings = settings;
    this.auth = auth;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (settings.open()) {
      ctx.put(CALLER, Caller.OPEN);
      ctx.next();
      return;
    }
    resolve(ctx).onSuccess(caller -> {
      if (caller == null) {
        ctx.fail(new ApiErrors.Unauthenticated("sign in, or send Authorization: Bearer <token>"));
      } else if (caller.kind() == Caller.Kind.INGEST && !mayIngest(ctx, caller)) {
        ctx.fail(new ApiErrors.Forbidden("an ingestion token may only POST events to its own event source"));
      } else {
        ctx.put(CALLER, caller);
        ctx.next();
      }
    }).onFailure(ctx::fail);
  }

  private Future<Caller> resolve(RoutingContext ctx) {
    String header = ctx.request().getHeader("authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return Future.succeededFuture(null);
    String token = header.substring(7).strip();
    if (token.startsWith(Tokens.API)) return auth.callerOfApiToken(token);
    if (token.startsWith(Tokens.INGEST)) return auth.callerOfIngestToken(token);
    return Future.succeededFuture(null);
  }

  private static boolean mayIngest(RoutingContext ctx, Caller caller) {
    return ctx.request().method() == HttpMethod.POST && ctx.request().path().equals(EVENTS + caller.eventSourceId());
  }
}
