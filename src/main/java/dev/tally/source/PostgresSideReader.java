package dev.tally.source;

import dev.tally.model.DataSource;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;

/**
 * A PostgreSQL side: {@code SELECT "f1", "f2" FROM "table" WHERE (<where>) LIMIT 2} on a reactive pg pool, each
 * {@code #{x}} a {@code $n} parameter typed after its column (see {@link SqlSideReader}, {@link PostgresDialect}).
 * With {@code tls}: VERIFY_CA against {@code tlsCaFile}, or REQUIRE (the JVM's trust store) without one.
 */
public final class PostgresSideReader extends SqlSideReader {
  public static final int DEFAULT_PORT = 5432;

  public PostgresSideReader(Vertx vertx, DataSource dataSource) {
    super(vertx, dataSource, PostgresDialect.INSTANCE, PgBuilder.pool(), connectOptions(dataSource));
  }

  static PgConnectOptions connectOptions(DataSource dataSource) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(dataSource.host() == null ? "127.0.0.1" : dataSource.host())
        .setPort(dataSource.port() == null ? DEFAULT_PORT : dataSource.port())
        .setUser(dataSource.user() == null ? "postgres" : dataSource.user())
        .setPassword(dataSource.password() == null ? "" : dataSource.password())
        .setDatabase(dataSource.database() == null || dataSource.database().isBlank() ? "postgres" : dataSource.database())
        // a task's SELECT text is the same on every read: prepared once per connection, not per read
        .setCachePreparedStatements(true);
    // every session starts read-only with a statement time-out: no extra round trip per read
    connect.addProperty("default_transaction_read_only", "on")
        .addProperty("statement_timeout", Long.toString(dataSource.timeoutOrDefault()));
    if (dataSource.tlsOn()) {
      connect.setSslMode(SqlSettings.hasCa(dataSource) ? SslMode.VERIFY_CA : SslMode.REQUIRE)
          .setSslOptions(SqlSettings.sslOptions(dataSource));
    } else {
      connect.setSslMode(SslMode.DISABLE);
    }
    return connect;
  }
}
