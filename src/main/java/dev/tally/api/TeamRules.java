package dev.tally.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.auth.Caller;
import dev.tally.auth.Role;
import dev.tally.auth.Teams;
import dev.tally.model.Json;
import dev.tally.model.ValidationException;
import dev.tally.store.AuthRepository;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/**
 * Which team a configuration object written through the API belongs to. A create names its team, or gets the
 * only team where the caller is admin (an owner's, or open mode's, default: "default"); an update may move an
 * object to another team only when the caller is admin in both and nothing of the old team refers to it.
 */
final class TeamRules {
  private final AuthRepository auth;

  TeamRules(AuthRepository auth) {
    this.auth = auth;
  }

  /** The team the request body names; null when it names none (the records read an absent team as "default"). */
  static String requested(byte[] body) {
    JsonNode team;
    try {
      team = Json.MAPPER.readTree(body).path("team");
    } catch (java.io.IOException e) {
      throw new ValidationException(null, "not a JSON document", e.getMessage());
    }
    return team.isTextual() && !team.asText().isBlank() ? team.asText().strip() : null;
  }

  /** The team of a new object: 403 unless the caller is admin there, 400 if it is unknown or must be named. */
  Future<String> forCreate(RoutingContext ctx, String requested) {
    Caller caller = Access.caller(ctx);
    if (requested != null) return existingAdminTeam(ctx, requested);
    if (caller.allTeams()) return Future.succeededFuture(Teams.DEFAULT);
    Set<String> admin = caller.teams(Role.ADMIN);
    if (admin.isEmpty()) throw new ApiErrors.Forbidden("needs role admin in a team");
    if (admin.size() > 1) throw new ValidationException("team", "required", "you are admin in " + admin + ": name one");
    return Future.succeededFuture(admin.iterator().next());
  }

  /**
   * The team of an updated object now in {@code current} (the caller is admin there). Another team needs the
   * caller to be admin there too, and {@code referrers} (what of the current team uses the object) to be empty.
   */
  Future<String> forUpdate(RoutingContext ctx, String current, String requested, String what,
                           java.util.function.Supplier<List<String>> referrers) {
    if (requested == null || requested.equals(current)) return Future.succeededFuture(current);
    return existingAdminTeam(ctx, requested).map(team -> {
      List<String> users = referrers.get();
      if (!users.isEmpty()) {
        throw new ApiErrors.Conflict(what + " cannot move to team " + team + ": used by " + users + " of team " + current);
      }
      return team;
    });
  }

  private Future<String> existingAdminTeam(RoutingContext ctx, String team) {
    if (!Teams.ID.matcher(team).matches()) throw new ValidationException("team", "invalid team id", team);
    Access.require(ctx, team, Role.ADMIN);
    return auth.teamExists(team).map(exists -> {
      if (!exists) throw new ValidationException("team", "unknown team", team);
      return team;
    });
  }

  /** A referenced object ({@code field}) must be in {@code team}, else 400 naming the field. */
  static void sameTeam(String team, String otherTeam, String field, String id) {
    if (!Teams.of(team).equals(Teams.of(otherTeam))) {
      throw new ValidationException(field, "in another team", id + " is not in team " + Teams.of(team));
    }
  }
}
