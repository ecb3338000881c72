package dev.tally.model;

import java.util.List;
import java.util.Map;

/**
 * A store Tally reads from. {@code password} and {@code apiKey} are write-only: the API never returns them.
 * <ul>
 *   <li>MYSQL, POSTGRES: host, port, database, user, password; {@code tls} (with {@code tlsCaFile}, a PEM file
 *       of the CA to trust, else the JVM's).</li>
 *   <li>REDIS: host, port, password, redisDb, {@code keyPrefix} (put before every key of every task), tls;
 *       {@code redisMode} STANDALONE (host, port), CLUSTER ({@code hosts}: seed nodes host:port) or SENTINEL
 *       ({@code hosts}: sentinels host:port, {@code masterName}).</li>
 *   <li>HTTP: baseUrl, headers.</li>
 *   <li>ELASTICSEARCH (Elasticsearch 7/8, OpenSearch 2): {@code hosts} (base URLs, tried in turn), basic auth
 *       with user and password, or {@code apiKey}.</li>
 * </ul>
 * {@code timeoutMs} bounds every read. {@code team}: the team it belongs to (null on sources stored before teams:
 * the default team).
 */
public record DataSource(String id, String name, DataSourceKind kind,
                         String host, Integer port, String database, String user, String password,
                         Integer redisDb, String baseUrl, Map<String, String> headers,
                         Integer timeoutMs, Integer poolSize,
                         List<String> hosts, String apiKey, Boolean tls, String tlsCaFile,
                         String keyPrefix, RedisMode redisMode, String masterName,
                         long createdAt, long updatedAt, String team) implements TeamOwned {
  public static final int DEFAULT_TIMEOUT_MS = 5000;

  /** A data source of the default team. */
  public DataSource(String id, String name, DataSourceKind kind,
                    String host, Integer port, String database, String user, String password,
                    Integer redisDb, String baseUrl, Map<String, String> headers,
                    Integer timeoutMs, Integer poolSize,
                    List<String> hosts, String apiKey, Boolean tls, String tlsCaFile,
                    String keyPrefix, RedisMode redisMode, String masterName,
                    long createdAt, long updatedAt) {
    this(id, name, kind, host, port, database, user, password, redisDb, baseUrl, headers, timeoutMs, poolSize, hosts,
        apiKey, tls, tlsCaFile, keyPrefix, redisMode, masterName, createdAt, updatedAt, null);
  }

  public DataSource {
    team = dev.tally.auth.Teams.of(team);
    headers = headers == null ? Map.of() : headers;
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
  }

  /** The same settings with another id and times. */
  public DataSource withIdentity(String newId, long newCreatedAt, long newUpdatedAt) {
    return new DataSource(newId, name, kind, host, port, database, user, password, redisDb, baseUrl, headers,
        timeoutMs, poolSize, hosts, apiKey, tls, tlsCaFile, keyPrefix, redisMode, masterName, newCreatedAt, newUpdatedAt, team);
  }

  /** The same settings with other secrets: the ones the store seals and the readers resolve. */
  public DataSource withSecrets(String newPassword, String newApiKey, Map<String, String> newHeaders) {
    return new DataSource(id, name, kind, host, port, database, user, newPassword, redisDb, baseUrl, newHeaders,
        timeoutMs, poolSize, hosts, newApiKey, tls, tlsCaFile, keyPrefix, redisMode, masterName, createdAt, updatedAt, team);
  }

  public DataSource withTeam(String newTeam) {
    return new DataSource(id, name, kind, host, port, database, user, password, redisDb, baseUrl, headers,
        timeoutMs, poolSize, hosts, apiKey, tls, tlsCaFile, keyPrefix, redisMode, masterName, createdAt, updatedAt, newTeam);
  }

  public boolean tlsOn() {
    return tls != null && tls;
  }

  /** Never shows the password: a data source may end up in a log line. */
  @Override
  public String toString() {
    return "DataSource[id=" + id + ", name=" + name + ", kind=" + kind + ", host=" + host + ", port=" + port
        + ", database=" + database + ", user=" + user + ", password=" + (password == null || password.isEmpty() ? "" : "***")
        + ", apiKey=" + (apiKey == null || apiKey.isEmpty() ? "" : "***") + ", baseUrl=" + baseUrl + ", hosts=" + hosts + "]";
  }

  public int timeoutOrDefault() {
    return timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
  }
}
