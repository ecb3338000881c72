package dev.tally.api;

import dev.tally.auth.Caller;
import dev.tally.auth.Role;
import dev.tally.auth.Tokens;
import dev.tally.auth.UserRules;
import dev.tally.config.TallyConfig;
import dev.tally.model.Json;
import dev.tally.model.ValidationException;
import dev.tally.store.AuthRepository;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sign-in: status, first-owner setup, login/logout, who am I, password change, personal API tokens. */
final class AuthRoutes {
  private static final int MAX_TOKEN_DAYS = 3650;
  private final AuthRepository auth;
  private final SignIn signIn;
  private final TallyConfig.Auth settings;
  private final boolean secureCookie;
  private final Runnable changed;

  record SetupRequest(String token, String username, String password) {
  }

  record LoginRequest(String username, String password) {
  }

  record PasswordRequest(String current, String password) {
  }

  record TokenRequest(String name, Integer expiresInDays) {
  }

  record NewToken(String id, String name, String token, Long createdAt, Long expiresAt) {
  }

  record TeamRole(String id, String name, String role) {
  }

  record Me(String id, String username, boolean owner, String mode, List<TeamRole> teams, String csrfToken) {
  }

  /** {@code changed}: tells every node that who-may-what changed (a token, a user, a role). */
  AuthRoutes(AuthRepository auth, SignIn signIn, TallyConfig.Auth settings, String publicUrl, Runnable changed) {
    this.auth = auth;
    this.signIn = signIn;
    this.settings = settings;
    this.secureCookie = publicUrl != null && publicUrl.startsWith("https:");
    this.changed = changed;
  }

  void mount(Router router) {
    router.get("/api/v1/auth/status").handler(ctx -> Http.respond(ctx, 200, auth.noUser()
        .map(none -> Map.of("mode", mode(), "setupRequired", none))));
    router.post("/api/v1/setup").handler(this::setup);
    router.post("/api/v1/auth/login").handler(this::login);
    router.post("/api/v1/auth/logout").handler(this::logout);
    router.get("/api/v1/auth/me").handler(ctx -> Http.respond(ctx, 200, me(Access.caller(ctx))));
    router.put("/api/v1/auth/password").handler(this::password);
    router.get("/api/v1/auth/tokens").handler(ctx -> Http.respond(ctx, 200, auth.apiTokensOf(userId(ctx)).map(l -> Map.of("items", l))));
    router.post("/api/v1/auth/tokens").handler(this::createToken);
    router.delete("/api/v1/auth/tokens/:tokenId").handler(ctx -> {
      String tokenId = ctx.pathParam("tokenId");
      Http.respond(ctx, 204, auth.deleteApiToken(userId(ctx), tokenId).compose(deleted -> {
        if (!deleted) return Future.failedFuture(new ApiErrors.NotFound("token", tokenId));
        changed.run();
        return Future.succeededFuture();
      }));
    });
  }

  private String mode() {
    return settings.open() ? "open" : "closed";
  }

  /** The first owner, with the setup token printed at start; refused once any user exists. */
  private void setup(RoutingContext ctx) {
    SetupRequest in = Json.readInput(Http.body(ctx), SetupRequest.class);
    String badName = UserRules.badUsername(in.username());
    if (badName != null) throw new ValidationException("username", "invalid username", badName);
    Future<String> created = auth.noUser().compose(none -> {
      if (!none) return Future.failedFuture(new ApiErrors.Conflict("setup is done: a user exists; sign in instead"));
      return auth.setupTokenValid(in.token() == null ? "" : in.token());
    }).compose(valid -> {
      if (!Boolean.TRUE.equals(valid)) return Future.failedFuture(new ApiErrors.Unauthenticated("unknown setup token; see the node's log"));
      return signIn.hashNew(in.password(), "password");
    }).compose(hash -> auth.createFirstOwner(in.username(), hash)
        // another node's setup or TALLY_OWNER_* won the race
        .recover(err -> auth.noUser().compose(none -> none ? Future.failedFuture(err)
            : Future.failedFuture(new ApiErrors.Conflict("setup is done: a user exists; sign in instead")))));
    Http.respond(ctx, 201, created.compose(auth::user));
  }

  private void login(RoutingContext ctx) {
    LoginRequest in = Json.readInput(Http.body(ctx), LoginRequest.class);
    String session = Tokens.generate(Tokens.SESSION);
    String csrf = Tokens.generate("");
    long expiresAt = System.currentTimeMillis() + settings.sessionHours() * 3_600_000L;
    Future<Map<String, Object>> answer = signIn.verify(in.username(), in.password())
        .compose(account -> auth.createSession(account.id(), session, csrf, expiresAt)
            .compose(v -> auth.user(account.id()))
            .map(user -> {
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("user", user);
              body.put("csrfToken", csrf);
              return body;
            }));
    answer.onSuccess(body -> ctx.response().putHeader("set-cookie", cookie(session, settings.sessionHours() * 3600L)));
    Http.respond(ctx, 200, answer);
  }

  private void logout(RoutingContext ctx) {
    Cookie session = ctx.request().getCookie(AuthHandler.SESSION_COOKIE);
    Future<Void> deleted = session == null ? Future.succeededFuture() : auth.deleteSession(session.getValue()).onSuccess(v -> changed.run());
    ctx.response().putHeader("set-cookie", cookie("", 0));
    Http.respond(ctx, 204, deleted);
  }

  /** The session cookie; {@code Secure} when users reach this server over https (http.publicUrl). */
  private String cookie(String value, long maxAgeSeconds) {
    return AuthHandler.SESSION_COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
        + (secureCookie ? "; Secure" : "");
  }

  private Future<Me> me(Caller caller) {
    return auth.teams().map(teams -> {
      List<TeamRole> mine = new ArrayList<>();
      for (AuthRepository.Team t : teams) {
        Role role = caller.owner() ? Role.ADMIN : caller.roles().get(t.id());
        if (role != null) mine.add(new TeamRole(t.id(), t.name(), role.json()));
      }
      return new Me(caller.userId(), caller.username(), caller.owner(), mode(), mine, caller.csrfToken());
    });
  }

  private void password(RoutingContext ctx) {
    PasswordRequest in = Json.readInput(Http.body(ctx), PasswordRequest.class);
    Caller caller = user(ctx);
    Http.respond(ctx, 204, signIn.verify(caller.username(), in.current())
        .recover(err -> Future.failedFuture(err instanceof ApiErrors.Unauthenticated
            ? new ValidationException("current", "wrong password") : err))
        .compose(account -> signIn.hashNew(in.password(), "password"))
        .compose(hash -> auth.setPassword(caller.userId(), hash)));
  }

  private void createToken(RoutingContext ctx) {
    TokenRequest in = Json.readInput(Http.body(ctx), TokenRequest.class);
    String name = Http.requireText(in.name(), "name");
    if (name.length() > 200) throw new ValidationException("name", "too long", "at most 200 characters");
    Integer days = in.expiresInDays();
    if (days != null && (days < 1 || days > MAX_TOKEN_DAYS)) {
      throw new ValidationException("expiresInDays", "out of range", "1 to " + MAX_TOKEN_DAYS + ", or leave it out for no expiry");
    }
    String userId = userId(ctx);
    String token = Tokens.generate(Tokens.API);
    long now = System.currentTimeMillis();
    Long expiresAt = days == null ? null : now + days * 86_400_000L;
    Http.respond(ctx, 201, auth.createApiToken(userId, name, token, expiresAt)
        .map(id -> new NewToken(id, name, token, now, expiresAt)));
  }

  /** The signed-in user; open mode has none, and tokens and passwords belong to users. */
  private static Caller user(RoutingContext ctx) {
    Caller caller = Access.caller(ctx);
    if (caller.kind() != Caller.Kind.USER) {
      throw new ApiErrors.Forbidden(caller.kind() == Caller.Kind.OPEN ? "open mode has no signed-in user" : "needs a signed-in user");
    }
    return caller;
  }

  private static String userId(RoutingContext ctx) {
    return user(ctx).userId();
  }
}
