package dev.tally.api;

import dev.tally.auth.PasswordHasher;
import dev.tally.auth.Tokens;
import dev.tally.auth.UserRules;
import dev.tally.config.ConfigException;
import dev.tally.config.TallyConfig;
import dev.tally.store.AuthRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's first owner, at start while no user exists: from {@code TALLY_OWNER_USERNAME} and
 * {@code TALLY_OWNER_PASSWORD} (or {@code TALLY_OWNER_PASSWORD_FILE}), or else, in closed mode, a one-time setup
 * token printed once in the log for {@code POST /api/v1/setup}. Nodes starting together race safely: one creates
 * the owner, the others find it made. The password is never logged.
 */
public final class FirstOwner {
  public static final String ENV_USERNAME = "TALLY_OWNER_USERNAME";
  public static final String ENV_PASSWORD = "TALLY_OWNER_PASSWORD";
  public static final String ENV_PASSWORD_FILE = "TALLY_OWNER_PASSWORD_FILE";
  private static final Logger LOG = LoggerFactory.getLogger(FirstOwner.class);

  private FirstOwner() {
  }

  /** {@code port}: the HTTP port bound, for the printed curl when http.publicUrl is not set. */
  public static Future<Void> ensure(Vertx vertx, TallyConfig config, Pool pool, Map<String, String> env, int port) {
    AuthRepository auth = new AuthRepository(pool);
    String username = env.get(ENV_USERNAME);
    boolean fromEnv = username != null && !username.isBlank();
    return auth.noUser().compose(none -> {
      if (!none) return auth.deleteSetupTokens();
      if (fromEnv) return fromEnvironment(vertx, auth, username.strip(), env);
      if (config.auth().open()) return Future.succeededFuture();
      return printSetupToken(auth, config.http().publicUrl(port));
    });
  }

  private static Future<Void> fromEnvironment(Vertx vertx, AuthRepository auth, String username, Map<String, String> env) {
    String bad = UserRules.badUsername(username);
    if (bad != null) return Future.failedFuture(new ConfigException(ENV_USERNAME + ": " + bad));
    return vertx.executeBlocking(() -> {
      String password = password(env);
      String weakness = PasswordHasher.weakness(password);
      if (weakness != null) throw new ConfigException("the first owner's password (" + ENV_PASSWORD + "): " + weakness);
      return PasswordHasher.hash(password);
    }, false).compose(hash -> auth.createFirstOwner(username, hash))
        .onSuccess(id -> LOG.info("auth: first owner '{}' created from {}", username, ENV_USERNAME))
        .<Void>mapEmpty()
        // a node starting at the same moment made it: its row won, ours rolled back
        .recover(err -> auth.noUser().compose(none -> {
          if (none) return Future.failedFuture(err);
          LOG.info("auth: the first owner was made by another node");
          return Future.succeededFuture();
        }));
  }

  private static String password(Map<String, String> env) throws Exception {
    String file = env.get(ENV_PASSWORD_FILE);
    if (file != null && !file.isBlank()) return Files.readString(Path.of(file.strip())).strip();
    String password = env.get(ENV_PASSWORD);
    if (password == null || password.isEmpty()) {
      throw new ConfigException(ENV_USERNAME + " is set: set " + ENV_PASSWORD + " or " + ENV_PASSWORD_FILE + " too (there is no default password)");
    }
    return password;
  }

  private static Future<Void> printSetupToken(AuthRepository auth, String baseUrl) {
    String token = Tokens.generate(Tokens.SETUP);
    return auth.createSetupToken(token).onSuccess(v -> LOG.warn("""
        auth: no user exists yet. Create the first owner with this one-time setup token (or restart with \
        {} and {} set):
          curl -XPOST {}/api/v1/setup -H 'content-type: application/json' \\
            -d '{"token":"{}","username":"admin","password":"<at least {} characters>"}'""",
        ENV_USERNAME, ENV_PASSWORD, baseUrl, token, PasswordHasher.MIN_LENGTH));
  }
}
