package dev.tally.store;

import dev.tally.auth.Caller;
import dev.tally.auth.Role;
import dev.tally.auth.Tokens;
import dev.tally.model.Ids;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every write goes through {@link Writes} (an explicit transaction): on H2 a pooled connection may come back with
 * autocommit off, and a plain write on it would stay invisible to every other connection.
 *
 * <p>Teams, users, memberships and the hashed tokens that stand for them (see V7__auth.sql). Plain tokens never
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
    return Writes.execute(pool, "INSERT INTO teams (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)", Tuple.of(id, name, now, now)).mapEmpty();
  }

  /** Whether a team with this id exists. */
  public Future<Boolean> teamExists(String id) {
    return pool.preparedQuery("SELECT 1 FROM teams WHERE id = ?").execute(Tuple.of(id)).map(rows -> rows.size() > 0);
  }

  /** A new user with an already hashed password; answers the user id. */
  public Future<String> createUser(String username, String passwordHash, boolean owner) {
    String id = Ids.timeOrdered();
    long now = System.currentTimeMillis();
    return Writes.execute(pool, "INSERT INTO users (id, username, password_hash, owner, disabled, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, 0, ?, ?)", Tuple.of(id, username, passwordHash, owner ? 1 : 0, now, now)).map(id);
  }

  /** Gives {@code userId} {@code role} in {@code teamId} (replacing the role held there), or removes it when null. */
  public Future<Void> setRole(String userId, String teamId, Role role) {
    return Writes.transaction(pool, conn -> {
      Future<?> removed = conn.preparedQuery("DELETE FROM memberships WHERE user_id = ? AND team_id = ?")
          .execute(Tuple.of(userId, teamId));
      if (role == null) return removed.mapEmpty();
      return removed.compose(v -> conn.preparedQuery("INSERT INTO memberships (user_id, team_id, role) VALUES (?, ?, ?)")
          .execute(Tuple.of(userId, teamId, role.json()))).mapEmpty();
    });
  }

  /** Stores a personal API token of {@code userId} (the plain token is the caller's to show once); answers its id. */
  public Future<String> createApiToken(String userId, String name, String plainToken, Long expiresAt) {
    String id = Ids.timeOrdered();
    return Writes.execute(pool, "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)", Tuple.of(id, userId, name, Tokens.hash(plainToken), System.currentTimeMillis(), expiresAt)).map(id);
  }

  /** Stores an ingestion token of an event source; answers its id. */
  public Future<String> createIngestToken(String eventSourceId, String name, String plainToken) {
    String id = Ids.timeOrdered();
    return Writes.execute(pool, "INSERT INTO ingest_tokens (id, event_source_id, name, token_hash, created_at)"
            + " VALUES (?, ?, ?, ?, ?)", Tuple.of(id, eventSourceId, name, Tokens.hash(plainToken), System.currentTimeMillis())).map(id);
  }

  /** A caller and the id of the stored token that stands for it (null for a session). */
  public record Resolved(Caller caller, String tokenId) {
  }

  /** The user a personal API token stands for; null when the token is unknown, expired, or its user disabled. */
  public Future<Resolved> callerOfApiToken(String plainToken) {
    return pool.preparedQuery("SELECT u.id, u.username, u.owner, t.id FROM api_tokens t JOIN users u ON u.id = t.user_id"
            + " WHERE t.token_hash = ? AND u.disabled = 0 AND (t.expires_at IS NULL OR t.expires_at > ?)")
        .execute(Tuple.of(Tokens.hash(plainToken), System.currentTimeMillis()))
        .compose(rows -> {
          if (rows.size() == 0) return Future.succeededFuture(null);
          Row row = rows.iterator().next();
          String tokenId = row.getString(3);
          return callerOf(row.getString(0), row.getString(1), row.getInteger(2) != 0).map(c -> new Resolved(c, tokenId));
        });
  }

  /** The event source an ingestion token is for; null when unknown. */
  public Future<Resolved> callerOfIngestToken(String plainToken) {
    return pool.preparedQuery("SELECT event_source_id, id FROM ingest_tokens WHERE token_hash = ?")
        .execute(Tuple.of(Tokens.hash(plainToken)))
        .map(rows -> {
          if (rows.size() == 0) return null;
          Row row = rows.iterator().next();
          return new Resolved(Caller.ingest(row.getString(0)), row.getString(1));
        });
  }

  /** The user of a live session, carrying the session's CSRF token; null when unknown, expired, or the user disabled. */
  public Future<Resolved> callerOfSession(String plainToken) {
    return pool.preparedQuery("SELECT u.id, u.username, u.owner, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id"
            + " WHERE s.token_hash = ? AND u.disabled = 0 AND s.expires_at > ?")
        .execute(Tuple.of(Tokens.hash(plainToken), System.currentTimeMillis()))
        .compose(rows -> {
          if (rows.size() == 0) return Future.succeededFuture(null);
          Row row = rows.iterator().next();
          String csrf = row.getString(3);
          return callerOf(row.getString(0), row.getString(1), row.getInteger(2) != 0).map(c -> new Resolved(c.withSession(csrf), null));
        });
  }

  /** Records that a token was used; callers throttle this, it is not meant for every request. */
  public Future<Void> touch(Caller.Kind kind, String tokenId, long now) {
    String table = kind == Caller.Kind.INGEST ? "ingest_tokens" : "api_tokens";
    return Writes.execute(pool, "UPDATE " + table + " SET last_used_at = ? WHERE id = ?", Tuple.of(now, tokenId)).mapEmpty();
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

  // ---- first owner and setup tokens

  /** True while the store holds no user at all. */
  public Future<Boolean> noUser() {
    return pool.query("SELECT COUNT(*) FROM users").execute().map(rows -> rows.iterator().next().getLong(0) == 0);
  }

  /**
   * The first owner, made in one transaction with the store's single {@code first_owner} row: of several nodes or
   * setup requests racing, one wins and the others fail on its primary key. Deletes every setup token.
   */
  public Future<String> createFirstOwner(String username, String passwordHash) {
    String id = Ids.timeOrdered();
    long now = System.currentTimeMillis();
    return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO first_owner (id, user_id, created_at) VALUES (1, ?, ?)")
        .execute(Tuple.of(id, now))
        .compose(v -> conn.preparedQuery("INSERT INTO users (id, username, password_hash, owner, disabled, created_at, updated_at)"
            + " VALUES (?, ?, ?, 1, 0, ?, ?)").execute(Tuple.of(id, username, passwordHash, now, now)))
        .compose(v -> conn.query("DELETE FROM setup_tokens").execute())
        .map(id));
  }

  public Future<Void> createSetupToken(String plainToken) {
    return Writes.execute(pool, "INSERT INTO setup_tokens (token_hash, created_at) VALUES (?, ?)", Tuple.of(Tokens.hash(plainToken), System.currentTimeMillis())).mapEmpty();
  }

  /** Setup tokens left once a user exists (printed by a node that lost the race) are of no use. */
  public Future<Void> deleteSetupTokens() {
    return Writes.execute(pool, "DELETE FROM setup_tokens", Tuple.tuple()).mapEmpty();
  }

  public Future<Boolean> setupTokenValid(String plainToken) {
    return pool.preparedQuery("SELECT 1 FROM setup_tokens WHERE token_hash = ?").execute(Tuple.of(Tokens.hash(plainToken)))
        .map(rows -> rows.size() > 0);
  }

  // ---- accounts and sessions

  /** A user as stored, password hash included: for signing in, never for an answer. */
  public record Account(String id, String username, String passwordHash, boolean owner, boolean disabled) {
  }

  public Future<Account> accountByUsername(String username) {
    return account("username", username);
  }

  public Future<Account> accountById(String id) {
    return account("id", id);
  }

  private Future<Account> account(String column, String value) {
    return pool.preparedQuery("SELECT id, username, password_hash, owner, disabled FROM users WHERE " + column + " = ?")
        .execute(Tuple.of(value))
        .map(rows -> {
          if (rows.size() == 0) return null;
          Row r = rows.iterator().next();
          return new Account(r.getString(0), r.getString(1), r.getString(2), r.getInteger(3) != 0, r.getInteger(4) != 0);
        });
  }

  public Future<Void> createSession(String userId, String plainToken, String csrfToken, long expiresAt) {
    return Writes.execute(pool, "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)", Tuple.of(Tokens.hash(plainToken), userId, csrfToken, System.currentTimeMillis(), expiresAt)).mapEmpty();
  }

  /** Removes a session, and every expired one while at it. */
  public Future<Void> deleteSession(String plainToken) {
    return Writes.execute(pool, "DELETE FROM sessions WHERE token_hash = ? OR expires_at < ?", Tuple.of(Tokens.hash(plainToken), System.currentTimeMillis())).mapEmpty();
  }

  /** Deletes every session that expired before {@code now} (the retention sweep); answers how many. */
  public Future<Integer> deleteExpiredSessions(long now) {
    return Writes.execute(pool, "DELETE FROM sessions WHERE expires_at < ?", Tuple.of(now)).map(r -> r.rowCount());
  }

  public Future<Void> setPassword(String userId, String passwordHash) {
    return Writes.execute(pool, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", Tuple.of(passwordHash, System.currentTimeMillis(), userId)).mapEmpty();
  }

  // ---- personal API tokens and ingestion tokens (listed without any secret)

  public record TokenInfo(String id, String name, Long createdAt, Long expiresAt, Long lastUsedAt) {
  }

  public Future<List<TokenInfo>> apiTokensOf(String userId) {
    return pool.preparedQuery("SELECT id, name, created_at, expires_at, last_used_at FROM api_tokens WHERE user_id = ? ORDER BY id")
        .execute(Tuple.of(userId)).map(rows -> tokenInfos(rows, true));
  }

  /** Deletes a token of {@code userId}; false when they have no such token. */
  public Future<Boolean> deleteApiToken(String userId, String tokenId) {
    return Writes.execute(pool, "DELETE FROM api_tokens WHERE id = ? AND user_id = ?", Tuple.of(tokenId, userId))
        .map(r -> r.rowCount() > 0);
  }

  public Future<List<TokenInfo>> ingestTokensOf(String eventSourceId) {
    return pool.preparedQuery("SELECT id, name, created_at, last_used_at FROM ingest_tokens WHERE event_source_id = ? ORDER BY id")
        .execute(Tuple.of(eventSourceId)).map(rows -> tokenInfos(rows, false));
  }

  public Future<Boolean> deleteIngestToken(String eventSourceId, String tokenId) {
    return Writes.execute(pool, "DELETE FROM ingest_tokens WHERE id = ? AND event_source_id = ?", Tuple.of(tokenId, eventSourceId))
        .map(r -> r.rowCount() > 0);
  }

  public Future<Void> deleteIngestTokensOf(String eventSourceId) {
    return Writes.execute(pool, "DELETE FROM ingest_tokens WHERE event_source_id = ?", Tuple.of(eventSourceId)).mapEmpty();
  }

  private static List<TokenInfo> tokenInfos(RowSet<Row> rows, boolean expiring) {
    List<TokenInfo> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(expiring ? new TokenInfo(r.getString(0), r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4))
          : new TokenInfo(r.getString(0), r.getString(1), r.getLong(2), null, r.getLong(3)));
    }
    return out;
  }

  // ---- teams

  public record Team(String id, String name) {
  }

  public Future<List<Team>> teams() {
    return pool.query("SELECT id, name FROM teams ORDER BY id").execute().map(rows -> {
      List<Team> out = new ArrayList<>();
      rows.forEach(r -> out.add(new Team(r.getString(0), r.getString(1))));
      return out;
    });
  }

  public Future<Boolean> renameTeam(String id, String name) {
    return Writes.execute(pool, "UPDATE teams SET name = ?, updated_at = ? WHERE id = ?", Tuple.of(name, System.currentTimeMillis(), id)).map(r -> r.rowCount() > 0);
  }

  /** Deletes a team and every role held in it. */
  public Future<Boolean> deleteTeam(String id) {
    return pool.withTransaction(conn -> conn.preparedQuery("DELETE FROM memberships WHERE team_id = ?").execute(Tuple.of(id))
        .compose(v -> conn.preparedQuery("DELETE FROM teams WHERE id = ?").execute(Tuple.of(id)))
        .map(r -> r.rowCount() > 0));
  }

  // ---- users

  /** A user as the API shows it: no password hash. */
  public record User(String id, String username, boolean owner, boolean disabled, Map<String, Role> roles) {
  }

  public Future<List<User>> users() {
    return pool.query("SELECT id, username, owner, disabled FROM users ORDER BY username").execute()
        .compose(users -> pool.query("SELECT user_id, team_id, role FROM memberships").execute().map(memberships -> {
          Map<String, Map<String, Role>> roles = new HashMap<>();
          memberships.forEach(m -> {
            Role role = Role.parse(m.getString(2));
            if (role != null) roles.computeIfAbsent(m.getString(0), k -> new TreeMap<>()).put(m.getString(1), role);
          });
          List<User> out = new ArrayList<>();
          users.forEach(u -> out.add(new User(u.getString(0), u.getString(1), u.getInteger(2) != 0, u.getInteger(3) != 0,
              roles.getOrDefault(u.getString(0), Map.of()))));
          return out;
        }));
  }

  public Future<User> user(String id) {
    return users().map(all -> all.stream().filter(u -> u.id().equals(id)).findFirst().orElse(null));
  }

  /** How many enabled owners there are. */
  public Future<Long> activeOwners() {
    return pool.query("SELECT COUNT(*) FROM users WHERE owner = 1 AND disabled = 0").execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** A new user with their roles, in one transaction; fails on the unique index when the username is taken. */
  public Future<String> createUser(String username, String passwordHash, boolean owner, Map<String, Role> roles) {
    String id = Ids.timeOrdered();
    long now = System.currentTimeMillis();
    return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO users (id, username, password_hash, owner, disabled,"
            + " created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?)").execute(Tuple.of(id, username, passwordHash, owner ? 1 : 0, now, now))
        .compose(v -> insertRoles(conn, id, roles)).map(id));
  }

  /**
   * Decides, inside the transaction that changes a user, whether the change may go ahead: {@code targetIsOwner}
   * whether the user is an enabled owner now, {@code activeOwners} how many enabled owners there are now. Answers
   * why not, or null.
   */
  public interface OwnerCheck {
    String refusal(boolean targetIsOwner, long activeOwners);
  }

  /** A change refused by its {@link OwnerCheck}; nothing was written. */
  public static final class Refused extends RuntimeException {
    Refused(String reason) {
      super(reason);
    }
  }

  /**
   * Changes what is given (null: unchanged); {@code roles} replaces every role the user holds. {@code check} sees
   * the owners as they are once locked, so two concurrent changes (each demoting one of the last two owners) are
   * decided one after the other and the second is refused.
   */
  public Future<Void> updateUser(String id, Boolean owner, Boolean disabled, String passwordHash, Map<String, Role> roles,
                                 OwnerCheck check) {
    return pool.withTransaction(conn -> checkOwners(conn, id, check)
        .compose(v -> conn.preparedQuery("UPDATE users SET owner = COALESCE(?, owner), disabled = COALESCE(?, disabled),"
            + " password_hash = COALESCE(?, password_hash), updated_at = ? WHERE id = ?")
        .execute(Tuple.of(owner == null ? null : owner ? 1 : 0, disabled == null ? null : disabled ? 1 : 0, passwordHash,
            System.currentTimeMillis(), id)))
        .compose(v -> roles == null ? Future.succeededFuture()
            : conn.preparedQuery("DELETE FROM memberships WHERE user_id = ?").execute(Tuple.of(id)).compose(d -> insertRoles(conn, id, roles)))
        .compose(v -> disabled == Boolean.TRUE
            ? conn.preparedQuery("DELETE FROM sessions WHERE user_id = ?").execute(Tuple.of(id)).mapEmpty()
            : Future.<Void>succeededFuture()));
  }

  /** Deletes a user with their roles, tokens and sessions, if {@code check} (see {@link #updateUser}) allows. */
  public Future<Boolean> deleteUser(String id, OwnerCheck check) {
    return pool.withTransaction(conn -> {
      Future<?> chain = checkOwners(conn, id, check);
      for (String table : List.of("memberships", "api_tokens", "sessions")) {
        chain = chain.compose(v -> conn.preparedQuery("DELETE FROM " + table + " WHERE user_id = ?").execute(Tuple.of(id)));
      }
      return chain.compose(v -> conn.preparedQuery("DELETE FROM users WHERE id = ?").execute(Tuple.of(id))).map(r -> r.rowCount() > 0);
    });
  }

  /**
   * Locks the rows of every enabled owner and of the user {@code id} until the transaction ends, then asks
   * {@code check}; a concurrent change of owners waits here for this one and then sees what it did.
   */
  private static Future<Void> checkOwners(SqlConnection conn, String id, OwnerCheck check) {
    return conn.preparedQuery("SELECT id, owner, disabled FROM users WHERE (owner = 1 AND disabled = 0) OR id = ? FOR UPDATE")
        .execute(Tuple.of(id)).compose(rows -> {
          long owners = 0;
          boolean targetIsOwner = false;
          for (Row r : rows) {
            boolean active = r.getInteger(1) != 0 && r.getInteger(2) == 0;
            if (active) owners++;
            if (r.getString(0).equals(id)) targetIsOwner = active;
          }
          String refusal = check.refusal(targetIsOwner, owners);
          return refusal == null ? Future.<Void>succeededFuture() : Future.failedFuture(new Refused(refusal));
        });
  }

  private static Future<Void> insertRoles(SqlConnection conn, String userId, Map<String, Role> roles) {
    if (roles.isEmpty()) return Future.succeededFuture();
    List<Tuple> batch = new ArrayList<>();
    new LinkedHashMap<>(roles).forEach((team, role) -> batch.add(Tuple.of(userId, team, role.json())));
    return conn.preparedQuery("INSERT INTO memberships (user_id, team_id, role) VALUES (?, ?, ?)").executeBatch(batch).mapEmpty();
  }
}
