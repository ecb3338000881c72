package dev.tally.store;

import dev.tally.config.TallyConfig;
import dev.tally.model.AlertPolicy;
import dev.tally.model.Result;
import dev.tally.secrets.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/** Opens a migrated store of either kind for a test: a fresh H2 directory, or a fresh MariaDB database. */
public final class StoreFixture {
  private StoreFixture() {
  }

  public static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  public static TallyConfig.Store h2() throws Exception {
    Path dir = Files.createTempDirectory("tally-h2-");
    return new TallyConfig.Store("h2", dir.toString(), "127.0.0.1", 3306, "unused", "root", "", 4);
  }

  /** A MariaDB store; its secrets key is a file shared by every node of this JVM (as a cluster's must be). */
  public static TallyConfig.Store mysql(String database) {
    return new TallyConfig.Store("mysql", "unused", "127.0.0.1", 3306, database, "root", "", 4, SHARED_KEY_FILE.toString());
  }

  /** A box with a fresh random key, for repositories opened directly. */
  public static SecretBox secrets() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new SecretBox(key, List.of());
  }

  private static final Path SHARED_KEY_FILE = sharedKeyFile();

  private static Path sharedKeyFile() {
    try {
      Path file = Files.createTempDirectory("tally-key-").resolve("secrets.key");
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
      return file;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The results repository as Tally opens it on this store: on H2, recording in direct transactions (Db.direct). */
  public static ResultRepository results(Vertx vertx, Pool pool, TallyConfig.Store cfg) {
    return results(vertx, pool, cfg, r -> false);
  }

  public static ResultRepository results(Vertx vertx, Pool pool, TallyConfig.Store cfg, Predicate<Result> followed) {
    return results(vertx, pool, cfg, followed, taskId -> null);
  }

  public static ResultRepository results(Vertx vertx, Pool pool, TallyConfig.Store cfg, Predicate<Result> followed,
                                         Function<String, AlertPolicy> alerting) {
    return new ResultRepository(pool, Db.direct(vertx, cfg), followed, alerting);
  }

  public static Pool open(Vertx vertx, TallyConfig.Store cfg) throws Exception {
    if (cfg.kind().equals("mysql")) {
      Pool admin = await(Db.open(vertx, cfg));
      await(admin.query("DROP DATABASE IF EXISTS `" + cfg.mysqlDatabase() + "`").execute());
      await(admin.close());
    }
    Pool pool = await(Db.open(vertx, cfg));
    await(Migrations.apply(pool));
    return pool;
  }
}
