package dev.tally.store;

import dev.tally.auth.Caller;
import dev.tally.auth.Role;
import dev.tally.auth.Tokens;
import dev.tally.model.Ids;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;

/**
 * Teams, users, memberships and the hashed tokens that stand for them (see V7__auth.sql). Plain tokens never
 * reach this class's tables: callers pass them in and only {@link Tokens#hash} is stored or looked up.
 */
public final class AuthRepository {
  private final Pool pool;

  public AuthRepository(Pool pool) {
    this.pool = pool;
  }

  /** A new team. */
  public Future<Void> createTeam(String id, String name) {
    long now = System.currentTimeMillis();
    return pool.preparedQuery("INSERT INTO teams (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)")
        .execute(Tuple.of(id, name, now, now)).mapEmpty();
  }

  /** Whether a team with this id exists. */
  public Future<Boolean> teamExists(String id) {
    return pool.preparedQuery("SELECT 1 FROM teams WHERE id = ?").execute(Tuple.of(id)).map(rows -> rows.size() > 0);
  }

  /** The ids of all teams, sorted. */
  public Future<java.util.List<String>> teams() {
    return pool.query("SELECT id FROM teams ORDER BY id").execute().map(rows -> {
      java.util.List<String> ids = new java.util.ArrayList<>(rows.size());
      rows.forEach(r -> ids.add(r.getString(0)));
      return ids;
    });
  }

  /** A new user with an already hashed password; answers the user id. */
  public Future<String> createUser(String username, String passwordHash, boolean owner) {
    String id = Ids.timeOrdered();
    long now = System.currentTimeMillis();
    return pool.preparedQuery("INSERT INTO users (id, username, password_hash, owner, disabled, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, 0, ?, ?)")
        .execute(Tuple.of(id, username, passwordHash, owner ? 1 : 0, now, now)).map(id);
  }

  /** Gives {@code userId} {@code role} in {@code teamId} (replacing the role held there), or removes it when null. */
  public Future<Void> setRole(String userId, String teamId, Role role) {
    Future<?> removed = pool.preparedQuery("DELETE FROM memberships WHERE user_id = ? AND team_id = ?")
        .execute(Tuple.of(userId, teamId));
    if (role == null) return removed.mapEmpty();
    return removed.compose(v -> pool.preparedQuery("INSERT INTO memberships (user_id, team_id, role) VALUES (?, ?, ?)")
        .execute(Tuple.of(userId, teamId, role.json()))).mapEmpty();
  }

  /** Stores a personal API token of {@code userId} (the plain token is the caller's to show once); answers its id. */
  public Future<String> createApiToken(String userId, String name, String plainToken, Long expiresAt) {
    String id = Ids.timeOrdered();
    return pool.preparedQuery("INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)")
        .execute(Tuple.of(id, userId, name, Tokens.hash(plainToken), System.currentTimeMillis(), expiresAt)).map(id);
  }

  /** Stores an ingestion token of an event source; answers its id. */
  public Future<String> createIngestToken(String eventSourceId, String name, String plainToken) {
    String id = Ids.timeOrdered();
    return pool.preparedQuery("INSERT INTO ingest_tokens (id, event_source_id, name, token_hash, created_at)"
            + " VALUES (?, ?, ?, ?, ?)")
        .execute(Tuple.of(id, eventSourceId, name, Tokens.hash(plainToken), System.currentTimeMillis())).map(id);
  }

  /** The user a personal API token stands for; null when the token is unknown, expired, or its user disabled. */
  public Future<Caller> callerOfApiToken(String plainToken) {
    return pool.preparedQuery("SELECT u.id, u.username, u.owner FROM api_tokens t JOIN users u ON u.id = t.user_id"
            + " WHERE t.token_hash = ? AND u.disabled = 0 AND (t.expires_at IS NULL OR t.expires_at > ?)")
        .execute(Tuple.of(Tokens.hash(plainToken), System.currentTimeMillis()))
        .compose(rows -> {
          if (rows.size() == 0) return Future.succeededFuture(null);
          Row row = rows.iterator().next();
          return callerOf(row.getString(0), row.getString(1), row.getInteger(2) != 0);
        });
  }

  /** The event source an ingestion token is for; null when unknown. */
  public Future<Caller> callerOfIngestToken(String plainToken) {
    return pool.preparedQuery("SELECT event_source_id FROM ingest_tokens WHERE token_hash = ?")
        .execute(Tuple.of(Tokens.hash(plainToken)))
        .map(rows -> rows.size() == 0 ? null : Caller.ingest(rows.iterator().next().getString(0)));
  }

  /** A user with the roles they hold now. */
  public Future<Caller> callerOf(String userId, String username, boolean owner) {
    return pool.preparedQuery("SELECT team_id, role FROM memberships WHERE user_id = ?").execute(Tuple.of(userId))
        .map(rows -> {
          Map<String, Role> roles = new HashMap<>();
          rows.forEach(r -> {
            Role role = Role.parse(r.getString(1));
            if (role != null) roles.put(r.getString(0), role);
          });
          return Caller.user(userId, username, owner, roles);
        });
  }
}
