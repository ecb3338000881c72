package dev.tally.store;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.config.TallyConfig;
import dev.tally.model.AlertChannel;
import dev.tally.model.AlertChannelKind;
import dev.tally.model.ApiCheck;
import dev.tally.model.Callback;
import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.Json;
import dev.tally.model.Task;
import dev.tally.model.TaskType;
import dev.tally.secrets.SecretBox;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Secrets sealed in the store and open to readers; plain rows of before still read; rotation re-encrypts. */
class SecretsAtRestTest extends BothStoresTest {
  static Stream<TallyConfig.Store> stores() throws Exception {
    return Stream.of(StoreFixture.h2(), StoreFixture.mysql("tally_test_secrets"));
  }

  private static byte[] key() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }

  private static DataSource dataSource(String id) {
    return new DataSource(id, "api", DataSourceKind.HTTP, null, null, null, "svc", "pw-SECRET-1", null,
        "http://127.0.0.1:1", Map.of("Authorization", "Bearer hdr-SECRET-2", "X-Ref", "env:PARTNER_TOKEN"), 1000, null, null,
        "api-SECRET-3", null, null, null, null, null, 1L, 1L);
  }

  private static Task task(String id) {
    return new Task(id, "t", "es", TaskType.API, true, null, null, null, null, null,
        new ApiCheck("http://127.0.0.1:1/check", Map.of("X-Api", "apihdr-SECRET-4"), null),
        new Callback("http://127.0.0.1:1/cb", "FAIL", "cb-SECRET-5", null, null, null, null, null), null, 1L, 1L);
  }

  private static final List<String> SECRETS = List.of("pw-SECRET-1", "hdr-SECRET-2", "api-SECRET-3", "apihdr-SECRET-4",
      "cb-SECRET-5", "hook-SECRET-6");

  private static String raw(Pool pool) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (String table : List.of("data_sources", "tasks", "alert_channels")) {
      await(pool.query("SELECT body FROM " + table).execute()).forEach(r -> sb.append(r.getString(0)).append('\n'));
    }
    return sb.toString();
  }

  @ParameterizedTest
  @MethodSource("stores")
  void sealedAtRestOpenToReadersPlainRowsReadAndRotationReEncrypts(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    byte[] oldKey = key();
    SecretBox box = new SecretBox(oldKey, List.of());
    ConfigRepository config = new ConfigRepository(pool, box);
    AlertRepository alerts = new AlertRepository(pool, box);
    await(config.insert(dataSource("ds1")));
    await(config.insert(task("t1")));
    await(alerts.insert(new AlertChannel("c1", "hook", AlertChannelKind.WEBHOOK, "http://127.0.0.1:1/hook?token=hook-SECRET-6", 1L, 1L)));

    String stored = raw(pool);
    SECRETS.forEach(s -> assertFalse(stored.contains(s), s + " in the store: " + stored));
    assertTrue(stored.contains("env:PARTNER_TOKEN"), "a reference is kept as is");
    assertTrue(stored.contains(SecretBox.PREFIX + box.currentKeyId() + ":"));
    assertEquals(dataSource("ds1"), await(config.dataSource("ds1")));
    assertEquals(task("t1"), await(config.task("t1")));
    assertEquals(List.of(dataSource("ds1")), await(config.dataSources()));
    assertEquals("http://127.0.0.1:1/hook?token=hook-SECRET-6", await(alerts.channel("c1")).url());

    // a row written before encryption: still read, and sealed by the re-encryption at start
    await(pool.preparedQuery("UPDATE data_sources SET body = ? WHERE id = ?").execute(Tuple.of(Json.write(dataSource("ds1")), "ds1")));
    assertEquals(dataSource("ds1"), await(config.dataSource("ds1")));
    assertEquals(1, await(config.rewrapSecrets()));
    assertFalse(raw(pool).contains("pw-SECRET-1"));
    assertEquals(0, await(config.rewrapSecrets()), "nothing left to do");

    // rotation: a new current key, the old one still listed; start re-encrypts everything under the new key
    byte[] newKey = key();
    SecretBox rotated = new SecretBox(newKey, List.of(oldKey));
    ConfigRepository config2 = new ConfigRepository(pool, rotated);
    AlertRepository alerts2 = new AlertRepository(pool, rotated);
    assertEquals(dataSource("ds1"), await(config2.dataSource("ds1")), "old-key values read");
    assertEquals(2, await(config2.rewrapSecrets()));
    assertEquals(1, await(alerts2.rewrapSecrets()));
    String rewrapped = raw(pool);
    assertFalse(rewrapped.contains(SecretBox.PREFIX + box.currentKeyId()), rewrapped);
    SECRETS.forEach(s -> assertFalse(rewrapped.contains(s), s));

    // then the old key can go
    SecretBox onlyNew = new SecretBox(newKey, List.of());
    assertEquals(dataSource("ds1"), await(new ConfigRepository(pool, onlyNew).dataSource("ds1")));
    assertEquals(task("t1"), await(new ConfigRepository(pool, onlyNew).task("t1")));
    assertEquals("http://127.0.0.1:1/hook?token=hook-SECRET-6", await(new AlertRepository(pool, onlyNew).channel("c1")).url());
    await(pool.close());
  }
}
