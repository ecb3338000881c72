package dev.tally.store;

import dev.tally.config.TallyConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Path;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Opens the store's {@link Pool}: H2 (in MySQL mode, so one SQL dialect serves both) through the JDBC pool,
 * which runs JDBC on worker threads, or MySQL/MariaDB through the reactive client.
 */
public final class Db {
  private Db() {
  }

  public static Future<Pool> open(Vertx vertx, TallyConfig.Store cfg) {
    PoolOptions pool = new PoolOptions().setMaxSize(cfg.poolSize()).setName("tally-store");
    if (cfg.kind().equals("h2")) {
      return Future.succeededFuture(JDBCPool.pool(vertx, h2DataSource(cfg), pool));
    }
    return createMySqlDatabase(vertx, cfg).map(v -> MySQLBuilder.pool().with(pool)
        .connectingTo(mysqlOptions(cfg).setDatabase(cfg.mysqlDatabase())).using(vertx).build());
  }

  /** The embedded store's {@link DirectTransactions} (for the results writer), or null for a MySQL store. */
  public static DirectTransactions direct(Vertx vertx, TallyConfig.Store cfg) {
    return cfg.kind().equals("h2") ? new DirectTransactions(vertx, h2DataSource(cfg)) : null;
  }

  static JdbcDataSource h2DataSource(TallyConfig.Store cfg) {
    JdbcDataSource ds = new JdbcDataSource();
    // WRITE_DELAY=0: a commit is on disk before it is acknowledged, so a 202 survives kill -9.
    // QUERY_CACHE_SIZE: parsed statements kept per connection (H2's default of 8 is fewer than the hot path uses)
    ds.setURL("jdbc:h2:file:" + Path.of(cfg.h2Path()).toAbsolutePath().resolve("tally")
        + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;WRITE_DELAY=0;QUERY_CACHE_SIZE=64");
    ds.setUser("sa");
    ds.setPassword("");
    return ds;
  }

  private static MySQLConnectOptions mysqlOptions(TallyConfig.Store cfg) {
    return new MySQLConnectOptions().setHost(cfg.mysqlHost()).setPort(cfg.mysqlPort())
        .setUser(cfg.mysqlUser()).setPassword(cfg.mysqlPassword()).setCharset("utf8mb4")
        .setCachePreparedStatements(true);
  }

  private static Future<Void> createMySqlDatabase(Vertx vertx, TallyConfig.Store cfg) {
    if (!cfg.mysqlDatabase().matches("[A-Za-z0-9_]+")) {
      return Future.failedFuture("store.mysql.database must be letters, digits and _");
    }
    Pool bootstrap = MySQLBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(mysqlOptions(cfg)).using(vertx).build();
    return bootstrap.query("CREATE DATABASE IF NOT EXISTS `" + cfg.mysqlDatabase() + "` CHARACTER SET utf8mb4").execute()
        .<Void>mapEmpty()
        .eventually(bootstrap::close);
  }
}
