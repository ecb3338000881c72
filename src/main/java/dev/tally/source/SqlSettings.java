package dev.tally.source;

import dev.tally.model.DataSource;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/**
 * Connection settings every SQL side shares: pool size and time-outs, and TLS. With {@code tls} and a
 * {@code tlsCaFile} the server's certificate must chain to that PEM CA (the host name is not checked: servers
 * are often reached by an address their certificate does not name); without a CA file, to the JVM's trust store.
 */
final class SqlSettings {
  private SqlSettings() {
  }

  static boolean hasCa(DataSource dataSource) {
    return dataSource.tlsCaFile() != null && !dataSource.tlsCaFile().isBlank();
  }

  /** The TLS options of a data source with {@code tls} on: the CA file's trust, or null trust (the JVM's). */
  static ClientSSLOptions sslOptions(DataSource dataSource) {
    ClientSSLOptions ssl = new ClientSSLOptions().setHostnameVerificationAlgorithm("");
    if (hasCa(dataSource)) ssl.setTrustOptions(new PemTrustOptions().addCertPath(dataSource.tlsCaFile()));
    return ssl;
  }

  /** The connections a SQL or Redis data source gets per node: its {@code poolSize}, else the default. */
  static int connections(DataSource dataSource) {
    return dataSource.poolSize() == null ? SqlSideReader.DEFAULT_POOL_SIZE : dataSource.poolSize();
  }

  static PoolOptions poolOptions(DataSource dataSource) {
    return new PoolOptions()
        .setMaxSize(connections(dataSource))
        .setConnectionTimeout(dataSource.timeoutOrDefault())
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  static NetClientOptions netOptions(DataSource dataSource) {
    return new NetClientOptions().setConnectTimeout(dataSource.timeoutOrDefault());
  }
}
