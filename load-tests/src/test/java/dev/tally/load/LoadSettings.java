package dev.tally.load;

import java.time.Duration;

/**
 * What a simulation run is pointed at and how hard it pushes: system properties ({@code -Dname=value}) with
 * defaults small enough for a shared 2-core machine. The token may also come from the environment (TALLY_TOKEN).
 */
record LoadSettings(
    String url, String token, String prefix, int entities, int mismatchEvery,
    double rate, double rampRate, double batchRate, double rampBatchRate, int batchSize, Duration duration,
    int adminUsers, int p99Ms, int batchP99Ms, int adminP99Ms,
    String mysqlHost, int mysqlPort, String mysqlUser, String mysqlPassword, String mysqlDatabase,
    String redisHost, int redisPort) {

  static LoadSettings fromSystemProperties() {
    String token = property("tally.token", System.getenv().getOrDefault("TALLY_TOKEN", ""));
    if (token.isBlank()) {
      throw new IllegalStateException("no token: pass -Dtally.token=tly_... or set TALLY_TOKEN (curl -u admin:PASS -XPOST "
          + "<tally>/api/v1/auth/tokens -d '{\"name\":\"gatling\"}')");
    }
    String prefix = property("prefix", "gatling");
    if (!prefix.matches("[a-z][a-z0-9_]{0,30}")) {
      throw new IllegalStateException("-Dprefix must be a-z, 0-9 or _ (it names a MySQL table and Tally ids): " + prefix);
    }
    double rate = number("rate", 20);
    double batchRate = number("batchRate", 2);
    return new LoadSettings(
        stripSlash(property("tally.url", "http://127.0.0.1:8080")), token, prefix,
        (int) number("entities", 10_000), (int) number("mismatchEvery", 100),
        rate, number("rampRate", rate * 2.5), batchRate, number("rampBatchRate", batchRate * 2.5),
        (int) number("batchSize", 100), Duration.ofSeconds((long) number("duration", 60)),
        (int) number("adminUsers", 10), (int) number("p99", 200), (int) number("batchP99", 500),
        (int) number("adminP99", 1000),
        property("mysql.host", "127.0.0.1"), (int) number("mysql.port", 3306), property("mysql.user", "root"),
        property("mysql.password", ""), property("mysql.database", "test"),
        property("redis.host", "127.0.0.1"), (int) number("redis.port", 6379));
  }

  String eventSourceId() {
    return prefix + "-events";
  }

  String taskId() {
    return prefix + "-check";
  }

  String table() {
    return prefix + "_items";
  }

  String redisKey(long id) {
    return prefix + ":item:" + id;
  }

  /** Every mismatchEvery-th entity differs between MySQL and Redis, so its checks FAIL. */
  boolean mismatched(long id) {
    return mismatchEvery > 0 && id % mismatchEvery == 0;
  }

  private static String property(String name, String fallback) {
    String value = System.getProperty(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static double number(String name, double fallback) {
    String value = property(name, null);
    if (value == null) return fallback;
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("-D" + name + " is not a number: " + value);
    }
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
