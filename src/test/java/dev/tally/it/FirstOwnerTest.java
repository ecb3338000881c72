package dev.tally.it;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tally.api.FirstOwner;
import dev.tally.config.TallyConfig;
import dev.tally.store.AuthRepository;
import dev.tally.store.StoreFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The first owner from the environment, on the shared MariaDB store as a cluster has it: several nodes starting at
 * once make exactly one owner, print no setup token, and log no password.
 */
class FirstOwnerTest {
  @Test
  void nodesStartingTogetherMakeOneOwnerFromTheEnvironment() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    Vertx vertx = Vertx.vertx();
    String password = "first-owner-" + System.nanoTime();
    Path file = Files.createTempFile("owner-password-", "");
    Files.writeString(file, password + "\n");
    TallyConfig config = new TallyConfig(new TallyConfig.Http("127.0.0.1", 0), StoreFixture.mysql("tally_test_first_owner"),
        new TallyConfig.Queue("local", 64, 3000), 2, 1000);
    try {
      Pool pool = StoreFixture.open(vertx, config.store());
      for (String table : List.of("users", "memberships", "api_tokens", "sessions", "setup_tokens", "first_owner")) {
        await(pool.query("DELETE FROM " + table).execute());
      }
      Map<String, String> env = Map.of(FirstOwner.ENV_USERNAME, "admin", FirstOwner.ENV_PASSWORD_FILE, file.toString());
      List<Future<Void>> starts = new ArrayList<>();
      for (int node = 0; node < 4; node++) starts.add(FirstOwner.ensure(vertx, config, pool, env, 8080));
      await(Future.all(starts));
      AuthRepository auth = new AuthRepository(pool);
      List<AuthRepository.User> users = await(auth.users());
      assertEquals(1, users.size(), users.toString());
      assertTrue(users.get(0).owner());
      assertEquals(0L, await(pool.query("SELECT COUNT(*) FROM setup_tokens").execute()).iterator().next().getLong(0));
      assertTrue(dev.tally.auth.PasswordHasher.verify(password, await(auth.accountByUsername("admin")).passwordHash()),
          "the password comes from the file, its newline stripped");

      // a later start with another password changes nothing
      await(FirstOwner.ensure(vertx, config, pool, Map.of(FirstOwner.ENV_USERNAME, "admin", FirstOwner.ENV_PASSWORD, "another-password"), 8080));
      assertFalse(dev.tally.auth.PasswordHasher.verify("another-password", await(auth.accountByUsername("admin")).passwordHash()));
      await(pool.close());
    } finally {
      root.detachAppender(logs);
      await(vertx.close());
    }
    StringBuilder log = new StringBuilder();
    for (ILoggingEvent e : List.copyOf(logs.list)) log.append(e.getFormattedMessage()).append('\n');
    assertTrue(log.toString().contains("first owner 'admin' created"), log.toString());
    assertFalse(log.toString().contains(password), "no password in the log");
    assertFalse(log.toString().contains("tsu_"), "no setup token when the environment names the owner");
  }

  @Test
  void aMissingPasswordStopsTheStartWithoutADefault() throws Exception {
    Vertx vertx = Vertx.vertx();
    TallyConfig config = new TallyConfig(new TallyConfig.Http("127.0.0.1", 0), StoreFixture.h2(),
        new TallyConfig.Queue("local", 64, 3000), 2, 1000);
    try {
      Pool pool = StoreFixture.open(vertx, config.store());
      Throwable err = FirstOwner.ensure(vertx, config, pool, Map.of(FirstOwner.ENV_USERNAME, "admin"), 8080)
          .toCompletionStage().toCompletableFuture().handle((v, e) -> e).get();
      assertTrue(String.valueOf(err).contains("TALLY_OWNER_PASSWORD"), String.valueOf(err));
      assertTrue(await(new AuthRepository(pool).noUser()));
      await(pool.close());
    } finally {
      await(vertx.close());
    }
  }
}
