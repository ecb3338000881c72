package dev.tally.it;

import static dev.tally.store.StoreFixture.await;

import dev.tally.auth.PasswordHasher;
import dev.tally.auth.Role;
import dev.tally.auth.Tokens;
import dev.tally.config.TallyConfig;
import dev.tally.store.AuthRepository;
import dev.tally.store.Db;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.Map;

/**
 * Users, teams and tokens written straight into a node's store (the same tables the API writes), for tests of
 * what each role may do that should not depend on the user-management API.
 */
public final class AuthFixture implements AutoCloseable {
  private final Pool pool;
  private final AuthRepository auth;

  public AuthFixture(Vertx vertx, TallyConfig.Store store) throws Exception {
    pool = await(Db.open(vertx, store));
    auth = new AuthRepository(pool);
  }

  public void team(String id) throws Exception {
    await(auth.createTeam(id, "Team " + id));
  }

  /** A user with these roles (and owner or not) and a personal API token; answers the plain token. */
  public String userToken(String username, boolean owner, Map<String, Role> roles) throws Exception {
    String userId = await(auth.createUser(username, PasswordHasher.hash("password of " + username), owner));
    for (Map.Entry<String, Role> role : roles.entrySet()) await(auth.setRole(userId, role.getKey(), role.getValue()));
    String token = Tokens.generate(Tokens.API);
    await(auth.createApiToken(userId, "test", token, null));
    return token;
  }

  /** An ingestion token of an event source; answers the plain token. */
  public String ingestToken(String eventSourceId) throws Exception {
    String token = Tokens.generate(Tokens.INGEST);
    await(auth.createIngestToken(eventSourceId, "test", token));
    return token;
  }

  @Override
  public void close() throws Exception {
    await(pool.close());
  }
}
