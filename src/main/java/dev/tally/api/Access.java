package dev.tally.api;

import dev.tally.auth.Caller;
import dev.tally.auth.Role;
import dev.tally.auth.Teams;
import dev.tally.model.Task;
import dev.tally.store.ConfigCache;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/** What the caller of a request may do; the route classes ask here before acting. */
final class Access {
  private Access() {
  }

  /** The caller {@link AuthHandler} put on the request. */
  static Caller caller(RoutingContext ctx) {
    Caller caller = ctx.get(AuthHandler.CALLER);
    if (caller == null) throw new ApiErrors.Unauthenticated("sign in, or send Authorization: Bearer <token>");
    return caller;
  }

  /** Fails the request with 403 unless the caller holds at least {@code role} in {@code team}. */
  static void require(RoutingContext ctx, String team, Role role) {
    String t = Teams.of(team);
    if (!caller(ctx).can(t, role)) throw new ApiErrors.Forbidden("needs role " + role.json() + " in team " + t);
  }

  /** Fails the request with 403 unless the caller is an owner. */
  static void requireOwner(RoutingContext ctx) {
    Caller caller = caller(ctx);
    if (!caller.allTeams()) throw new ApiErrors.Forbidden("needs an owner");
  }

  /** May the caller see things of {@code team} at all? */
  static boolean sees(RoutingContext ctx, String team) {
    return caller(ctx).can(Teams.of(team), Role.VIEWER);
  }

  /** The items whose team the caller may see. */
  static <T> List<T> visible(RoutingContext ctx, List<T> items, Function<T, String> team) {
    Caller caller = caller(ctx);
    if (caller.allTeams()) return items;
    return items.stream().filter(i -> caller.can(Teams.of(team.apply(i)), Role.VIEWER)).toList();
  }

  /**
   * For an object of {@code team} asked for by id: 404 when the caller may not see the team at all (no existence
   * leak), 403 when they see it but hold less than {@code role}.
   */
  static void requireOn(RoutingContext ctx, String team, Role role, String what, String id) {
    if (!sees(ctx, team)) throw new ApiErrors.NotFound(what, id);
    require(ctx, team, role);
  }

  /**
   * May the caller see the results, jobs, discrepancies... of a task in {@code taskTeam}? A null team is a task
   * that no longer exists: what it left behind is for owners only.
   */
  static boolean seesTaskTeam(RoutingContext ctx, String taskTeam) {
    Caller caller = caller(ctx);
    return taskTeam == null ? caller.allTeams() : caller.can(taskTeam, Role.VIEWER);
  }

  /** {@link #requireOn} for a thing of a task in {@code taskTeam} (null: a deleted task's, owners only). */
  static void requireOnTaskTeam(RoutingContext ctx, String taskTeam, Role role, String what, String id) {
    if (!seesTaskTeam(ctx, taskTeam)) throw new ApiErrors.NotFound(what, id);
    if (taskTeam != null) require(ctx, taskTeam, role);
  }

  /**
   * The task ids a list may show: null for no restriction (an owner), else the tasks of the caller's teams,
   * narrowed to {@code taskId} when one is asked for (an empty list when that one is not visible).
   */
  static List<String> taskScope(RoutingContext ctx, ConfigCache cache, String taskId) {
    Caller caller = caller(ctx);
    if (caller.allTeams()) return null;
    if (taskId != null) return seesTaskTeam(ctx, cache.teamOfTask(taskId)) ? List.of(taskId) : List.of();
    return cache.tasks().stream().filter(t -> caller.can(t.team(), Role.VIEWER)).map(Task::id).sorted().toList();
  }
}
