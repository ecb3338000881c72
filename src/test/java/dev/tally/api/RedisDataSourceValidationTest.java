package dev.tally.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.Json;
import dev.tally.model.RedisMode;
import dev.tally.model.ValidationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DataSourceRoutes.validate for REDIS data sources: each bad setting is refused, naming its field. */
class RedisDataSourceValidationTest {
  private static DataSource redis(RedisMode mode, String host, Integer port, List<String> hosts, Integer db,
                                  String keyPrefix, String masterName, Boolean tls, String caFile) {
    return new DataSource("r", "redis", DataSourceKind.REDIS, host, port, null, null, "pw", db, null, null,
        null, null, hosts, null, tls, caFile, keyPrefix, mode, masterName, 0L, 0L);
  }

  private static DataSource standalone(String host) {
    return redis(null, host, null, null, null, null, null, null, null);
  }

  private static DataSource cluster(List<String> hosts, Integer db) {
    return redis(RedisMode.CLUSTER, null, null, hosts, db, null, null, null, null);
  }

  private static DataSource sentinel(List<String> hosts, String masterName) {
    return redis(RedisMode.SENTINEL, null, null, hosts, null, null, masterName, null, null);
  }

  private static DataSource prefixed(String keyPrefix) {
    return redis(null, "h", null, null, null, keyPrefix, null, null, null);
  }

  private static ValidationException refused(DataSource ds) {
    return assertThrows(ValidationException.class, () -> DataSourceRoutes.validate(ds));
  }

  private static void accepted(DataSource ds) {
    assertDoesNotThrow(() -> DataSourceRoutes.validate(ds));
  }

  @Test
  void standaloneNeedsAHostAndNoHostsList() {
    accepted(standalone("127.0.0.1"));
    accepted(standalone("redis-1.cache.internal"));
    accepted(standalone("::1"));
    assertEquals("host", refused(standalone(null)).field());
    assertEquals("host", refused(standalone(" ")).field());
    assertEquals("host", refused(standalone("user:pw@evil")).field());
    assertEquals("host", refused(standalone("h/1")).field());
    assertEquals("hosts", refused(redis(RedisMode.STANDALONE, "h", null, List.of("a:1"), null, null, null, null, null)).field());
    assertEquals("redisDb", refused(redis(null, "h", null, null, 16, null, null, null, null)).field());
    assertEquals("redisDb", refused(redis(null, "h", null, null, -1, null, null, null, null)).field());
    accepted(redis(null, "h", 6380, null, 15, null, null, null, null));
  }

  @Test
  void clusterNeedsHostPortSeedsAndOnlyDatabaseZero() {
    accepted(cluster(List.of("127.0.0.1:17001"), null));
    accepted(cluster(List.of("n1.example:7000", "[fd00::1]:7001"), 0));
    assertEquals("hosts", refused(cluster(List.of(), null)).field());
    ValidationException noPort = refused(cluster(List.of("n1:7000", "n2"), null));
    assertEquals("hosts[1]", noPort.field());
    assertEquals("is not host:port", noPort.getMessage());
    assertEquals("hosts[0]", refused(cluster(List.of("n1:70000"), null)).field());
    assertEquals("hosts[0]", refused(cluster(List.of("redis://n1:7000"), null)).field());
    ValidationException db = refused(cluster(List.of("n1:7000"), 1));
    assertEquals("redisDb", db.field());
    assertEquals("Redis Cluster has only database 0", db.getMessage());
    assertEquals("host", refused(redis(RedisMode.CLUSTER, "n1", null, List.of("n1:7000"), null, null, null, null, null)).field());
    assertEquals("port", refused(redis(RedisMode.CLUSTER, null, 7000, List.of("n1:7000"), null, null, null, null, null)).field());
    assertEquals("masterName", refused(redis(RedisMode.CLUSTER, null, null, List.of("n1:7000"), null, null, "m", null, null)).field());
  }

  @Test
  void sentinelNeedsSentinelsAndAMasterName() {
    accepted(sentinel(List.of("127.0.0.1:26380"), "tally-master"));
    accepted(redis(RedisMode.SENTINEL, null, null, List.of("s:26379"), 5, null, "m", null, null));
    assertEquals("hosts", refused(sentinel(List.of(), "m")).field());
    assertEquals("hosts[0]", refused(sentinel(List.of("s1"), "m")).field());
    assertEquals("masterName", refused(sentinel(List.of("s:26379"), null)).field());
    assertEquals("masterName", refused(sentinel(List.of("s:26379"), " ")).field());
    assertEquals("masterName", refused(sentinel(List.of("s:26379"), "my master")).field());
    assertEquals("redisDb", refused(redis(RedisMode.SENTINEL, null, null, List.of("s:26379"), 16, null, "m", null, null)).field());
  }

  @Test
  void keyPrefixIsShortPrintableTextWithoutSpaces() {
    accepted(prefixed("shop:v2:"));
    accepted(prefixed("{orders}:"));
    accepted(prefixed(""));
    accepted(prefixed("x".repeat(128)));
    assertEquals("keyPrefix", refused(prefixed("x".repeat(129))).field());
    assertEquals("keyPrefix", refused(prefixed("shop v2:")).field());
    assertEquals("keyPrefix", refused(prefixed("shop:\t")).field());
    assertEquals("keyPrefix", refused(prefixed("shop:\r\nDEL x")).field());
    assertEquals("keyPrefix", refused(prefixed("shop:\u0000")).field());
    assertEquals("keyPrefix", refused(prefixed("shop:\u00a0")).field());
    assertEquals("keyPrefix", refused(prefixed("shop:\u200b")).field());
  }

  @Test
  void tlsCaFileMustBeReadableAndNeedsTls(@TempDir Path dir) throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    accepted(redis(null, "h", null, null, null, null, null, true, ca.toString()));
    accepted(redis(null, "h", null, null, null, null, null, true, null));
    assertEquals("tlsCaFile", refused(redis(null, "h", null, null, null, null, null, null, ca.toString())).field());
    ValidationException missing = refused(redis(null, "h", null, null, null, null, null, true, dir.resolve("nope.pem").toString()));
    assertEquals("tlsCaFile", missing.field());
  }

  @Test
  void theReadmeExamplesAreAccepted() {
    for (String json : List.of(
        "{\"id\":\"cache\",\"name\":\"order cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\",\"port\":16379,"
            + "\"password\":\"tally-redis-pw\",\"redisDb\":3,\"keyPrefix\":\"shop:\"}",
        "{\"id\":\"cache-cluster\",\"name\":\"order cache (cluster)\",\"kind\":\"REDIS\",\"redisMode\":\"CLUSTER\","
            + "\"hosts\":[\"127.0.0.1:17001\",\"127.0.0.1:17002\"],\"keyPrefix\":\"shop:\"}",
        "{\"id\":\"cache-ha\",\"name\":\"order cache (sentinel)\",\"kind\":\"REDIS\",\"redisMode\":\"SENTINEL\","
            + "\"hosts\":[\"127.0.0.1:26380\"],\"masterName\":\"tally-master\",\"redisDb\":0}")) {
      accepted(Json.readInput(json.getBytes(StandardCharsets.UTF_8), DataSource.class));
    }
  }

  @Test
  void errorsNeverCarryThePassword() {
    ValidationException e = refused(cluster(List.of("n1:7000"), 3));
    assertEquals(-1, (e.getMessage() + e.detail()).indexOf("pw"));
  }
}
