package dev.tally.api;

import dev.tally.auth.Caller;
import dev.tally.auth.Tokens;
import dev.tally.auth.TtlCache;
import dev.tally.auth.UsageClock;
import dev.tally.config.TallyConfig;
import dev.tally.store.AuthRepository;
import dev.tally.store.AuthRepository.Resolved;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the request's {@link Caller} on it, or ends it with 401. In open mode every request is {@link Caller#OPEN}.
 * Otherwise: {@code Authorization: Bearer tly_...} is a personal API token, {@code Bearer tle_...} an ingestion
 * token, which is let through to {@code POST /api/v1/events/<its source>} only; the cookie {@code tally_session}
 * is an admin console session, whose writes must echo its CSRF token in {@code X-CSRF-Token}. HTTP Basic is taken
 * on {@code POST /api/v1/auth/tokens} only, so a script can mint its first token. What a secret stands for is
 * cached {@link #CACHE_MS} at most, and forgotten at once on {@link #forget}.
 */
final class AuthHandler implements Handler<RoutingContext> {
  static final String CALLER = "tally.caller";
  static final String SESSION_COOKIE = "tally_session";
  static final String CSRF_HEADER = "x-csrf-token";
  static final long CACHE_MS = 5_000;
  private static final Logger LOG = LoggerFactory.getLogger(AuthHandler.class);
  private static final String EVENTS = "/api/v1/events/";
  private static final String TOKENS = "/api/v1/auth/tokens";
  /** What anyone may call: how to sign in, and the first owner's setup. */
  private static final Set<String> PUBLIC = Set.of("GET /api/v1/auth/status", "POST /api/v1/auth/login", "POST /api/v1/auth/logout",
      "POST /api/v1/setup");
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  private final TallyConfig.Auth settings;
  private final AuthRepository auth;
  private final SignIn signIn;
  private final TtlCache<Resolved> cache = new TtlCache<>(CACHE_MS);
  private final UsageClock usage = new UsageClock(UsageClock.ONE_MINUTE);

  AuthHandler(TallyConfig.Auth settings, AuthRepository auth, SignIn signIn) {
    this.settings = settings;
    this.auth = auth;
    this.signIn = signIn;
  }

  /** Drops every cached caller: a token was revoked, a user or a role changed. */
  void forget() {
    cache.clear();
  }

  /**
   * The request's caller as of now, for an answer that outlives its request (the live stream): null once its token
   * is revoked or expired, its session ended or its user disabled; a changed role shows in the caller at once.
   */
  Future<Caller> callerNow(RoutingContext ctx) {
    if (settings.open()) return Future.succeededFuture(Caller.OPEN);
    return resolve(ctx).map(caller -> caller == null || caller.kind() == Caller.Kind.INGEST ? null : caller);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (settings.open()) {
      ctx.put(CALLER, Caller.OPEN);
      ctx.next();
      return;
    }
    if (PUBLIC.contains(ctx.request().method().name() + " " + ctx.request().path())) {
      ctx.next();
      return;
    }
    resolve(ctx).onSuccess(caller -> {
      if (caller == null) {
        ctx.fail(new ApiErrors.Unauthenticated("sign in, or send Authorization: Bearer <token>"));
      } else if (caller.kind() == Caller.Kind.INGEST && !mayIngest(ctx, caller)) {
        ctx.fail(new ApiErrors.Forbidden("an ingestion token may only POST events to its own event source"));
      } else if (caller.csrfToken() != null && !SAFE.contains(ctx.request().method())
          && !Tokens.same(caller.csrfToken(), ctx.request().getHeader(CSRF_HEADER))) {
        ctx.fail(new ApiErrors.Forbidden("missing or wrong X-CSRF-Token"));
      } else {
        ctx.put(CALLER, caller);
        ctx.next();
      }
    }).onFailure(ctx::fail);
  }

  private Future<Caller> resolve(RoutingContext ctx) {
    String header = ctx.request().getHeader("authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = header.substring(7).strip();
      if (token.startsWith(Tokens.API)) return cached(token, auth::callerOfApiToken);
      if (token.startsWith(Tokens.INGEST)) return cached(token, auth::callerOfIngestToken);
      return Future.succeededFuture(null);
    }
    if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
      if (ctx.request().method() != HttpMethod.POST || !ctx.request().path().equals(TOKENS)) {
        return Future.failedFuture(new ApiErrors.Unauthenticated("HTTP Basic is accepted on POST " + TOKENS + " only; send a Bearer token"));
      }
      return basic(header.substring(6).strip());
    }
    Cookie session = ctx.request().getCookie(SESSION_COOKIE);
    if (session != null && session.getValue().startsWith(Tokens.SESSION)) return cached(session.getValue(), auth::callerOfSession);
    return Future.succeededFuture(null);
  }

  private Future<Caller> basic(String encoded) {
    String pair;
    try {
      pair = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(null);
    }
    int colon = pair.indexOf(':');
    if (colon < 0) return Future.succeededFuture(null);
    return signIn.verify(pair.substring(0, colon), pair.substring(colon + 1))
        .compose(account -> auth.callerOf(account.id(), account.username(), account.owner()));
  }

  private Future<Caller> cached(String token, java.util.function.Function<String, Future<Resolved>> lookup) {
    String key = Tokens.hash(token);
    long now = System.currentTimeMillis();
    Resolved hit = cache.get(key, now);
    Future<Resolved> resolved = hit != null ? Future.succeededFuture(hit) : lookup.apply(token).onSuccess(r -> {
      if (r != null) cache.put(key, r, now);
    });
    return resolved.map(r -> {
      if (r == null) return null;
      if (r.tokenId() != null && usage.due(r.tokenId(), now)) {
        auth.touch(r.caller().kind(), r.tokenId(), now).onFailure(err -> LOG.debug("last use of a token not stored: {}", err.getMessage()));
      }
      return r.caller();
    });
  }

  private static boolean mayIngest(RoutingContext ctx, Caller caller) {
    return ctx.request().method() == HttpMethod.POST && ctx.request().path().equals(EVENTS + caller.eventSourceId());
  }
}
