package dev.tally.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path dir;

  private TallyConfig load(Map<String, String> env, String... args) {
    return ConfigLoader.load(ConfigLoader.CommandLine.parse(args), env);
  }

  private String file(String yaml) throws Exception {
    Path f = dir.resolve("tally.yaml");
    Files.writeString(f, yaml);
    return "--config=" + f;
  }

  @Test
  void defaultsNeedNoFileAndNoServer() throws Exception {
    TallyConfig c = load(Map.of(), file(""));
    assertEquals(8080, c.http().port());
    assertEquals("h2", c.store().kind());
    assertEquals("./data", c.store().h2Path());
    assertEquals("local", c.queue().kind());
  }

  @Test
  void fileThenEnvironmentThenFlagsEachOverrideTheOneBefore() throws Exception {
    String config = file("http:\n  port: 9000\nstore:\n  kind: mysql\n  mysql:\n    database: fromfile\n");
    TallyConfig fromFile = load(Map.of(), config);
    assertEquals(9000, fromFile.http().port());
    assertEquals("mysql", fromFile.store().kind());
    assertEquals("fromfile", fromFile.store().mysqlDatabase());

    TallyConfig fromEnv = load(Map.of("TALLY_HTTP_PORT", "9100", "TALLY_STORE_MYSQL_DATABASE", "fromenv",
        "TALLY_QUEUE_MAX_IN_FLIGHT", "7"), config);
    assertEquals(9100, fromEnv.http().port());
    assertEquals("fromenv", fromEnv.store().mysqlDatabase());
    assertEquals(7, fromEnv.queue().maxInFlight());

    TallyConfig fromFlag = load(Map.of("TALLY_HTTP_PORT", "9100"), config, "--http.port=9200", "--store.kind", "h2");
    assertEquals(9200, fromFlag.http().port());
    assertEquals("h2", fromFlag.store().kind());
  }

  @Test
  void environmentNamesFollowTheKeys() {
    assertEquals("TALLY_HTTP_PORT", new ConfigKey("http.port", "", "", false).envName());
    assertEquals("TALLY_STORE_MYSQL_POOL_SIZE", new ConfigKey("store.mysql.poolSize", "", "", false).envName());
    assertEquals("TALLY_KAFKA_BOOTSTRAP_SERVERS", new ConfigKey("kafka.bootstrapServers", "", "", false).envName());
  }

  @Test
  void mistakesAreNamed() throws Exception {
    assertTrue(assertThrows(ConfigException.class, () -> load(Map.of(), "--http.prot=1")).getMessage().contains("http.prot"));
    assertTrue(assertThrows(ConfigException.class, () -> load(Map.of(), "--http.port=eighty")).getMessage().contains("http.port"));
    assertTrue(assertThrows(ConfigException.class, () -> load(Map.of(), "--store.kind=oracle")).getMessage().contains("h2, mysql"));
    String typo = file("stroe:\n  kind: h2\n");
    assertTrue(assertThrows(ConfigException.class, () -> load(Map.of(), typo)).getMessage().contains("stroe.kind"));
    assertThrows(ConfigException.class, () -> load(Map.of(), "--config=" + dir.resolve("missing.yaml")));
  }

  @Test
  void eventLoopsAreOnePerCoreUnlessSetAndTheJournalIsOnUnlessTurnedOff() throws Exception {
    TallyConfig defaults = load(Map.of(), file(""));
    assertEquals(0, defaults.eventLoops());
    assertEquals(Runtime.getRuntime().availableProcessors(), defaults.eventLoopThreads());
    assertTrue(defaults.queue().journal());
    TallyConfig set = load(Map.of("TALLY_VERTX_EVENT_LOOPS", "3"), "--queue.journal=false");
    assertEquals(3, set.eventLoopThreads());
    assertFalse(set.queue().journal());
    assertTrue(assertThrows(ConfigException.class, () -> load(Map.of(), "--vertx.eventLoops=-1")).getMessage()
        .contains("vertx.eventLoops"));
    assertTrue(assertThrows(ConfigException.class, () -> load(Map.of(), "--queue.journal=maybe")).getMessage()
        .contains("queue.journal"));
  }

  @Test
  void theDefaultEventRateIsNoneUnlessSet() throws Exception {
    assertEquals(0, load(Map.of(), file("")).http().defaultEventsPerSecond());
    assertEquals(50, load(Map.of("TALLY_EVENTS_MAX_PER_SECOND", "50")).http().defaultEventsPerSecond());
    assertTrue(assertThrows(ConfigException.class, () -> load(Map.of(), "--events.maxPerSecond=-5")).getMessage()
        .contains("events.maxPerSecond"));
  }

  @Test
  void thePasswordNeverAppearsInTheStoreSettingsText() {
    TallyConfig c = load(Map.of("TALLY_STORE_MYSQL_PASSWORD", "hunter2-secret"));
    assertEquals("hunter2-secret", c.store().mysqlPassword());
    assertFalse(c.store().toString().contains("hunter2"));
    assertFalse(c.toString().contains("hunter2"));
  }
}
