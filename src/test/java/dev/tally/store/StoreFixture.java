package dev.tally.store;

import dev.tally.config.TallyConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

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

  public static TallyConfig.Store mysql(String database) {
    return new TallyConfig.Store("mysql", "unused", "127.0.0.1", 3306, database, "root", "", 4);
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
