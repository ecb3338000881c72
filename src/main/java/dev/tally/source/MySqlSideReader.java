package dev.tally.source;

import dev.tally.model.DataSource;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.SslMode;

/**
 * A MySQL/MariaDB side: {@code SELECT <fields> FROM <table> WHERE (<where>) LIMIT 2} on a reactive MySQL pool
 * (see {@link SqlSideReader}). With {@code tls} the connection is TLS or nothing: VERIFY_CA against
 * {@code tlsCaFile}, or REQUIRED (the JVM's trust store) without one.
 */
public final class MySqlSideReader extends SqlSideReader {
  public MySqlSideReader(Vertx vertx, DataSource dataSource) {
    super(vertx, dataSource, MySqlDialect.INSTANCE, MySQLBuilder.pool(), connectOptions(dataSource));
  }

  static MySQLConnectOptions connectOptions(DataSource dataSource) {
    MySQLConnectOptions connect = new MySQLConnectOptions()
        .setHost(dataSource.host() == null ? MySQLConnectOptions.DEFAULT_HOST : dataSource.host())
        .setPort(dataSource.port() == null ? MySQLConnectOptions.DEFAULT_PORT : dataSource.port())
        .setUser(dataSource.user() == null ? MySQLConnectOptions.DEFAULT_USER : dataSource.user())
        .setPassword(dataSource.password() == null ? "" : dataSource.password())
        // a task's SELECT text is the same on every read: prepared once per connection, not per read
        .setCachePreparedStatements(true);
    if (dataSource.database() != null && !dataSource.database().isBlank()) connect.setDatabase(dataSource.database());
    if (dataSource.tlsOn()) {
      connect.setSslMode(SqlSettings.hasCa(dataSource) ? SslMode.VERIFY_CA : SslMode.REQUIRED)
          .setSslOptions(SqlSettings.sslOptions(dataSource));
    }
    return connect;
  }
}
