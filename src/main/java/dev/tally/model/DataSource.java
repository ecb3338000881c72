package dev.tally.model;

import java.util.Map;

/**
 * A store Tally reads from. {@code password} is write-only: the API never returns it.
 * MYSQL: host, port, database, user, password. REDIS: host, port, password, redisDb.
 * HTTP: baseUrl, headers. {@code timeoutMs} bounds every read.
 */
public record DataSource(String id, String name, DataSourceKind kind,
                         String host, Integer port, String database, String user, String password,
                         Integer redisDb, String baseUrl, Map<String, String> headers,
                         Integer timeoutMs, Integer poolSize, long createdAt, long updatedAt) {
  public static final int DEFAULT_TIMEOUT_MS = 5000;

  public DataSource {
    headers = headers == null ? Map.of() : headers;
  }

  /** Never shows the password: a data source may end up in a log line. */
  @Override
  public String toString() {
    return "DataSource[id=" + id + ", name=" + name + ", kind=" + kind + ", host=" + host + ", port=" + port
        + ", database=" + database + ", user=" + user + ", password=" + (password == null || password.isEmpty() ? "" : "***")
        + ", baseUrl=" + baseUrl + "]";
  }

  public int timeoutOrDefault() {
    return timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
  }
}
