package dev.tally.api;

import dev.tally.auth.Caller;
import dev.tally.auth.Role;
import dev.tally.auth.Teams;
import dev.tally.auth.UserRules;
import dev.tally.model.Json;
import dev.tally.model.TeamOwned;
import dev.tally.model.ValidationException;
import dev.tally.store.AuthRepository;
import dev.tally.store.AuthRepository.Team;
import dev.tally.store.AuthRepository.User;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Teams and users: what an owner manages. Everyone signed in may list their own teams. */
final class AccountRoutes {
  private final ApiContext api;
  private final AuthRepository auth;
  private final SignIn signIn;
  private final Runnable changed;

  record TeamRequest(String id, String name) {
  }

  record TeamView(String id, String name, String role) {
  }

  record UserRequest(String username, String password, Boolean owner, Boolean disabled, Map<String, String> roles) {
  }

  AccountRoutes(ApiContext api, SignIn signIn, Runnable changed) {
    this.api = api;
    this.auth = api.auth();
    this.signIn = signIn;
    this.changed = changed;
  }

  void mount(Router router) {
    router.get("/api/v1/teams").handler(this::listTeams);
    router.post("/api/v1/teams").handler(this::createTeam);
    router.put("/api/v1/teams/:id").handler(this::renameTeam);
    router.delete("/api/v1/teams/:id").handler(this::deleteTeam);
    router.get("/api/v1/users").handler(ctx -> {
      Access.requireOwner(ctx);
      Http.respond(ctx, 200, auth.users().map(l -> Map.of("items", l)));
    });
    router.post("/api/v1/users").handler(this::createUser);
    router.get("/api/v1/users/:id").handler(ctx -> {
      Access.requireOwner(ctx);
      Http.respond(ctx, 200, existingUser(ctx.pathParam("id")));
    });
    router.put("/api/v1/users/:id").handler(this::updateUser);
    router.delete("/api/v1/users/:id").handler(this::deleteUser);
  }

  private void listTeams(RoutingContext ctx) {
    Caller caller = Access.caller(ctx);
    Http.respond(ctx, 200, auth.teams().map(teams -> {
      List<TeamView> items = new ArrayList<>();
      for (Team t : teams) {
        if (caller.allTeams()) items.add(new TeamView(t.id(), t.name(), null));
        else if (caller.roles().containsKey(t.id())) items.add(new TeamView(t.id(), t.name(), caller.roles().get(t.id()).json()));
      }
      return Map.of("items", items);
    }));
  }

  private void createTeam(RoutingContext ctx) {
    Access.requireOwner(ctx);
    TeamRequest in = Json.readInput(Http.body(ctx), TeamRequest.class);
    String id = Http.requireText(in.id(), "id");
    if (!Teams.ID.matcher(id).matches()) throw new ValidationException("id", "invalid team id", "lower-case letters, digits, _ and -, at most 64");
    String name = teamName(in.name());
    Http.respond(ctx, 201, auth.createTeam(id, name)
        .recover(err -> teamExists(id).compose(exists -> Future.failedFuture(exists ? new ApiErrors.Conflict("team " + id + " exists") : err)))
        .map(v -> new TeamView(id, name, null)));
  }

  private void renameTeam(RoutingContext ctx) {
    Access.requireOwner(ctx);
    String id = ctx.pathParam("id");
    TeamRequest in = Json.readInput(Http.body(ctx), TeamRequest.class);
    if (in.id() != null && !in.id().equals(id)) throw new ValidationException("id", "a team's id cannot change");
    String name = teamName(in.name());
    Http.respond(ctx, 200, auth.renameTeam(id, name).compose(found -> found ? Future.succeededFuture(new TeamView(id, name, null))
        : Future.failedFuture(new ApiErrors.NotFound("team", id))));
  }

  private void deleteTeam(RoutingContext ctx) {
    Access.requireOwner(ctx);
    String id = ctx.pathParam("id");
    if (id.equals(Teams.DEFAULT)) throw new ApiErrors.Conflict("the default team cannot be deleted");
    Http.respond(ctx, 204, teamExists(id).compose(exists -> {
      if (!exists) return Future.failedFuture(new ApiErrors.NotFound("team", id));
      return Future.all(api.config().eventSources(), api.config().dataSources(), api.config().tasks(), api.alerts().channels());
    }).compose(all -> {
      List<String> owned = new ArrayList<>();
      String[] kinds = {"event source", "data source", "task", "alert channel"};
      for (int i = 0; i < kinds.length; i++) {
        for (TeamOwned item : all.<List<? extends TeamOwned>>resultAt(i)) {
          if (Teams.of(item.team()).equals(id)) owned.add(kinds[i] + " " + item.id());
        }
      }
      if (!owned.isEmpty()) return Future.failedFuture(new ApiErrors.Conflict("team " + id + " still has " + owned));
      return auth.deleteTeam(id).onSuccess(v -> changed.run()).mapEmpty();
    }));
  }

  private void createUser(RoutingContext ctx) {
    Access.requireOwner(ctx);
    UserRequest in = Json.readInput(Http.body(ctx), UserRequest.class);
    String badName = UserRules.badUsername(in.username());
    if (badName != null) throw new ValidationException("username", "invalid username", badName);
    if (in.disabled() != null) throw new ValidationException("disabled", "a new user is enabled", "disable them with PUT afterwards");
    Http.respond(ctx, 201, roles(in.roles())
        .compose(roles -> signIn.hashNew(in.password(), "password")
            .compose(hash -> auth.createUser(in.username(), hash, Boolean.TRUE.equals(in.owner()), roles)))
        .recover(err -> auth.accountByUsername(in.username()).compose(taken -> Future.failedFuture(taken != null
            ? new ApiErrors.Conflict("username " + in.username() + " is taken") : err)))
        .compose(auth::user));
  }

  private void updateUser(RoutingContext ctx) {
    Access.requireOwner(ctx);
    String actor = Access.caller(ctx).userId();
    UserRequest in = Json.readInput(Http.body(ctx), UserRequest.class);
    if (in.username() != null) throw new ValidationException("username", "a username cannot change");
    Http.respond(ctx, 200, existingUser(ctx.pathParam("id"))
        .compose(user -> auth.activeOwners().compose(owners -> {
          String refused = UserRules.refusedChange(actor, user.id(), user.owner() && !user.disabled(), in.owner(), in.disabled(), owners);
          if (refused != null) return Future.failedFuture(new ApiErrors.Conflict(refused));
          Future<Map<String, Role>> roles = in.roles() == null ? Future.succeededFuture(null) : roles(in.roles());
          // decided again once the owners are locked: a concurrent change may have demoted another owner since
          return roles.compose(r -> (in.password() == null ? Future.<String>succeededFuture(null) : signIn.hashNew(in.password(), "password"))
              .compose(hash -> auth.updateUser(user.id(), in.owner(), in.disabled(), hash, r, (isOwner, now) ->
                  UserRules.refusedChange(actor, user.id(), isOwner, in.owner(), in.disabled(), now))))
              .recover(AccountRoutes::conflictIfRefused);
        }).onSuccess(v -> changed.run()).compose(v -> auth.user(user.id()))));
  }

  private void deleteUser(RoutingContext ctx) {
    Access.requireOwner(ctx);
    String actor = Access.caller(ctx).userId();
    // decided once the owners are locked (nothing costly comes first, unlike a change with a new password)
    Http.respond(ctx, 204, existingUser(ctx.pathParam("id")).compose(user -> auth.deleteUser(user.id(),
            (isOwner, owners) -> UserRules.refusedDelete(actor, user.id(), isOwner, owners))
        .recover(AccountRoutes::conflictIfRefused).onSuccess(v -> changed.run()).mapEmpty()));
  }

  private static <T> Future<T> conflictIfRefused(Throwable err) {
    return Future.failedFuture(err instanceof AuthRepository.Refused ? new ApiErrors.Conflict(err.getMessage()) : err);
  }

  private Future<User> existingUser(String id) {
    return Http.found(auth.user(id), "user", id);
  }

  private Future<Boolean> teamExists(String id) {
    return auth.teams().map(teams -> teams.stream().anyMatch(t -> t.id().equals(id)));
  }

  /** {teamId: "viewer|operator|admin"} checked against the roles and the teams that exist; 400 naming roles.<team>. */
  private Future<Map<String, Role>> roles(Map<String, String> requested) {
    if (requested == null || requested.isEmpty()) return Future.succeededFuture(Map.of());
    Map<String, Role> roles = new LinkedHashMap<>();
    requested.forEach((team, text) -> {
      Role role = Role.parse(text);
      if (role == null) throw new ValidationException("roles." + team, "unknown role", "viewer, operator or admin");
      roles.put(team, role);
    });
    return auth.teams().compose(teams -> {
      Set<String> known = teams.stream().map(Team::id).collect(Collectors.toSet());
      for (String team : roles.keySet()) {
        if (!known.contains(team)) return Future.failedFuture(new ValidationException("roles." + team, "no such team"));
      }
      return Future.succeededFuture(roles);
    });
  }

  private static String teamName(String name) {
    String n = Http.requireText(name, "name").strip();
    if (n.length() > 200) throw new ValidationException("name", "too long", "at most 200 characters");
    return n;
  }
}
