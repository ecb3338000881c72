package dev.tally.ingest.binlog;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tally.model.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The MariaDB with the binlog on for these tests: 127.0.0.1:3307 (MARIADB_BINLOG_PORT), root with an empty
 * password, database test, started by scripts/infra/mariadb-binlog.sh before the tests run.
 */
final class BinlogServer {
  static final String HOST = "127.0.0.1";
  static final int PORT = port();
  static final String DATABASE = "test";

  private BinlogServer() {
  }

  private static int port() {
    String env = System.getenv("MARIADB_BINLOG_PORT");
    return env == null || env.isBlank() ? 3307 : Integer.parseInt(env.trim());
  }

  static Pool pool(Vertx vertx) {
    return MySQLBuilder.pool().with(new PoolOptions().setMaxSize(4))
        .connectingTo(new MySQLConnectOptions().setHost(HOST).setPort(PORT).setUser("root").setPassword("")
            .setDatabase(DATABASE).setCharset("utf8mb4"))
        .using(vertx).build();
  }

  /** Fails (never skips) with what to do when the server is not there or has no row binlog. */
  static void require(Pool pool) {
    Row row;
    try {
      row = pool.query("SELECT @@log_bin, @@binlog_format, @@binlog_row_image").execute()
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).iterator().next();
    } catch (Exception e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      fail("the MariaDB with the binlog on " + HOST + ":" + PORT + " is not answering (" + cause
          + "): start it with scripts/infra/mariadb-binlog.sh start");
      return;
    }
    String settings = row.getValue(0) + " " + row.getValue(1) + " " + row.getValue(2);
    if (!settings.matches("(1|ON|true) ROW FULL")) {
      fail("the MariaDB on " + HOST + ":" + PORT + " has log_bin binlog_format binlog_row_image = " + settings
          + ", the tests need 1 ROW FULL: restart it with scripts/infra/mariadb-binlog.sh");
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("future failed: " + e.getCause().getMessage(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Polls every 20 ms until {@code condition} holds; fails naming {@code what} after {@code timeout}. */
  static void eventually(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static String uniqueName(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** Runs the statements in one transaction on one connection. */
  static void transaction(Pool pool, String... statements) {
    await(pool.withTransaction(conn -> {
      Future<?> chain = Future.succeededFuture();
      for (String sql : statements) chain = chain.compose(v -> conn.query(sql).execute());
      return chain;
    }));
  }

  /** A map that keeps nulls and order: row("id", 1L, "note", null). */
  static Map<String, Object> row(Object... keysAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) out.put((String) keysAndValues[i], keysAndValues[i + 1]);
    return out;
  }

  /** What a test compares: op, data, before. */
  record Change(String op, Map<String, Object> data, Map<String, Object> before) {
    static Change of(Event e) {
      return new Change(e.op(), e.data(), e.before());
    }
  }

  static List<List<Change>> changes(List<List<Event>> batches) {
    List<List<Change>> out = new ArrayList<>();
    for (List<Event> batch : batches) out.add(batch.stream().map(Change::of).toList());
    return out;
  }
}
