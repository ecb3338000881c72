package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.RedisMode;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Data source settings to client options, per mode: plain objects, no server. */
class RedisSourceOptionsTest {
  static DataSource redis(RedisMode mode, String host, Integer port, List<String> hosts, Integer db, String password,
                          Boolean tls, String caFile, String keyPrefix, String masterName) {
    return new DataSource("r", "redis", DataSourceKind.REDIS, host, port, null, null, password, db, null, null,
        1500, null, hosts, null, tls, caFile, keyPrefix, mode, masterName, 0L, 0L);
  }

  @Test
  void standaloneIsOneEndpointWithItsDatabase() {
    RedisOptions options = RedisSourceOptions.options(redis(null, "cache.local", 6380, null, 3, null, null, null, null, null), 4);
    assertEquals(RedisClientType.STANDALONE, options.getType());
    assertEquals(List.of("redis://cache.local:6380/3"), options.getEndpoints());
    assertEquals(4, options.getMaxPoolSize());
    assertEquals(1500, options.getNetClientOptions().getConnectTimeout());
    assertFalse(options.getNetClientOptions().isSsl());
    assertNull(options.getPassword());
  }

  @Test
  void standaloneDefaultsToPort6379AndBracketsIpv6() {
    assertEquals(List.of("redis://127.0.0.1:6379"),
        RedisSourceOptions.options(redis(RedisMode.STANDALONE, "127.0.0.1", null, null, null, null, null, null, null, null), 4).getEndpoints());
    assertEquals(List.of("redis://[::1]:6379/0"),
        RedisSourceOptions.options(redis(RedisMode.STANDALONE, "::1", null, null, 0, null, null, null, null, null), 4).getEndpoints());
  }

  @Test
  void clusterSeedsEveryHostAndSelectsNoDatabase() {
    RedisOptions options = RedisSourceOptions.options(redis(RedisMode.CLUSTER, null, null,
        List.of("10.0.0.1:7000", "10.0.0.2:7001", "[fd00::3]:7002"), 0, "pw", null, null, null, null), 4);
    assertEquals(RedisClientType.CLUSTER, options.getType());
    assertEquals(List.of("redis://10.0.0.1:7000", "redis://10.0.0.2:7001", "redis://[fd00::3]:7002"), options.getEndpoints());
    assertEquals("pw", options.getPassword());
  }

  @Test
  void sentinelAsksTheSentinelsForTheMasterAndSelectsOnIt() {
    RedisOptions options = RedisSourceOptions.options(redis(RedisMode.SENTINEL, null, null,
        List.of("s1:26379", "s2:26379"), 2, null, null, null, null, "orders"), 4);
    assertEquals(RedisClientType.SENTINEL, options.getType());
    assertEquals(List.of("redis://s1:26379/2", "redis://s2:26379/2"), options.getEndpoints());
    assertEquals("orders", options.getMasterName());
    assertEquals(RedisRole.MASTER, options.getRole());
  }

  @Test
  void passwordAndUserAreOptionsNeverPartOfAnEndpoint() {
    DataSource ds = new DataSource("r", "redis", DataSourceKind.REDIS, "h", 6379, null, "reader", "p@ss/w:rd", 0, null, null,
        null, 7, null, null, null, null, null, null, null, 0L, 0L);
    RedisOptions options = RedisSourceOptions.options(ds, 4);
    assertEquals("p@ss/w:rd", options.getPassword());
    assertEquals("reader", options.getUser());
    assertEquals(7, options.getMaxPoolSize());
    assertEquals(List.of("redis://h:6379/0"), options.getEndpoints());
    assertFalse(RedisSourceOptions.address(ds).contains("p@ss"));
  }

  @Test
  void tlsUsesRedissVerifiesHostNamesAndTrustsTheCaFile() {
    RedisOptions options = RedisSourceOptions.options(redis(RedisMode.CLUSTER, null, null, List.of("n1:7000"), null, null,
        true, "/etc/tally/redis-ca.pem", null, null), 4);
    assertEquals(List.of("rediss://n1:7000"), options.getEndpoints());
    assertTrue(options.getNetClientOptions().isSsl());
    assertEquals("HTTPS", options.getNetClientOptions().getHostnameVerificationAlgorithm());
    PemTrustOptions trust = (PemTrustOptions) options.getNetClientOptions().getTrustOptions();
    assertEquals(List.of("/etc/tally/redis-ca.pem"), trust.getCertPaths());

    RedisOptions jvmTrust = RedisSourceOptions.options(redis(null, "h", null, null, null, null, true, null, null, null), 4);
    assertEquals(List.of("rediss://h:6379"), jvmTrust.getEndpoints());
    assertNull(jvmTrust.getNetClientOptions().getTrustOptions());
  }

  @Test
  void addressNamesTheModeAndNodesForErrors() {
    assertEquals("cache:6379", RedisSourceOptions.address(redis(null, "cache", null, null, null, null, null, null, null, null)));
    assertEquals("cluster a:1,b:2", RedisSourceOptions.address(redis(RedisMode.CLUSTER, null, null, List.of("a:1", "b:2"), null,
        null, null, null, null, null)));
    assertEquals("master m via sentinels s:26379", RedisSourceOptions.address(redis(RedisMode.SENTINEL, null, null,
        List.of("s:26379"), null, null, null, null, null, "m")));
  }

  @Test
  void keyPrefixIsALiteralBeforeTheRenderedKey() {
    assertEquals("shop:v2:order:7", RedisSourceOptions.key(redis(null, "h", null, null, null, null, null, null, "shop:v2:", null), "order:7"));
    assertEquals("order:7", RedisSourceOptions.key(redis(null, "h", null, null, null, null, null, null, null, null), "order:7"));
  }
}
