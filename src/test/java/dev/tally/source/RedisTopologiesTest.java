package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.it.ApiClient;
import dev.tally.it.Services;
import dev.tally.it.TallyInProcess;
import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.RedisMode;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import dev.tally.model.ValueType;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * REDIS data sources against the servers of scripts/infra/redis-topologies.sh (started by scripts/test.sh):
 * a server with a password on 127.0.0.1:16379, a three-master Redis Cluster on 127.0.0.1:17001-17003, and a
 * master on 127.0.0.1:16380 watched by a Sentinel on 127.0.0.1:26380 as {@code tally-master}, and a TLS-only server
 * on 127.0.0.1:16390 whose certificate (IP 127.0.0.1 only) is signed by the script's CA.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisTopologiesTest {
  /** The script's requirepass (REDIS_TOPOLOGIES_PASSWORD's default). */
  static final String PASSWORD = "tally-redis-pw";
  static final List<String> CLUSTER = List.of("127.0.0.1:17001", "127.0.0.1:17002", "127.0.0.1:17003");
  static final List<String> SENTINELS = List.of("127.0.0.1:26380");
  static final String MASTER = "tally-master";
  static final int PASSWORD_DB = 3;
  static final int SENTINEL_DB = 5;
  static final int TLS_PORT = 16390;
  static final String CA_FILE = System.getenv().getOrDefault("TALLY_INFRA_RUN", "/tmp/tally-infra") + "/redis-topologies/tls/ca.pem";

  private final String prefix = "tally:topo:" + UUID.randomUUID() + ":";
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private TallyInProcess tally;
  private Redis passwordAdmin;
  private Redis clusterAdmin;
  private Redis masterAdmin;
  private Redis tlsAdmin;
  private final List<SideReader> readers = new ArrayList<>();

  @BeforeAll
  void setUp() throws Exception {
    logs.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    tally = new TallyInProcess();
    passwordAdmin = Redis.createClient(tally.vertx, new RedisOptions()
        .setConnectionString("redis://127.0.0.1:16379/" + PASSWORD_DB).setPassword(PASSWORD));
    clusterAdmin = Redis.createClient(tally.vertx, new RedisOptions().setType(RedisClientType.CLUSTER)
        .setEndpoints(CLUSTER.stream().map(h -> "redis://" + h).toList()));
    masterAdmin = Redis.createClient(tally.vertx, "redis://127.0.0.1:16380/" + SENTINEL_DB);
    tlsAdmin = Redis.createClient(tally.vertx, new RedisOptions().setConnectionString("rediss://127.0.0.1:" + TLS_PORT)
        .setNetClientOptions(new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
            .setTrustOptions(new PemTrustOptions().addCertPath(CA_FILE))));
  }

  @AfterAll
  void tearDown() throws Exception {
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    for (SideReader r : readers) Await.result(r.close());
    for (Redis admin : List.of(passwordAdmin, clusterAdmin, masterAdmin, tlsAdmin)) {
      // cluster keys live in different slots: one DEL per key
      for (String key : keys(admin)) Await.result(admin.send(Request.cmd(Command.DEL).arg(key)));
    }
    tally.close();
  }

  private List<String> keys(Redis admin) {
    List<String> keys = new ArrayList<>();
    List<Redis> nodes = admin == clusterAdmin
        ? CLUSTER.stream().map(h -> Redis.createClient(tally.vertx, "redis://" + h)).toList() : List.of(admin);
    for (Redis node : nodes) {
      Await.result(node.send(Request.cmd(Command.KEYS).arg(prefix + "*"))).forEach(k -> keys.add(k.toString()));
      if (node != admin) Await.result(node.close());
    }
    return keys;
  }

  private static DataSource redis(RedisMode mode, Integer port, List<String> hosts, Integer db, String password,
                                  String keyPrefix, String masterName) {
    return new DataSource("ds-" + mode, "redis " + mode, DataSourceKind.REDIS, port == null ? null : "127.0.0.1", port,
        null, null, password, db, null, null, 2000, 2, hosts, null, null, null, keyPrefix, mode, masterName, 0L, 0L);
  }

  private static DataSource tls(String host, String caFile) {
    return new DataSource("ds-tls", "redis tls", DataSourceKind.REDIS, host, TLS_PORT, null, null, null, null, null, null,
        2000, 2, null, null, true, caFile, null, null, null, 0L, 0L);
  }

  private SideReader reader(DataSource ds) {
    RedisSourceOptions.validate(ds); // what the API would have checked
    SideReader reader = new RedisSideReader(tally.vertx, ds);
    readers.add(reader);
    return reader;
  }

  private static SideRead read(SideReader reader, String key, ValueType type, Object id) {
    SideSpec spec = new SideSpec("ds", null, null, null, key, type, null, null, null, null);
    return Await.result(reader.read(spec, SideReaderContractTest.event(Map.of("id", id))));
  }

  private static Response send(Redis redis, Command command, String... args) {
    Request request = Request.cmd(command);
    for (String a : args) request.arg(a);
    return Await.result(redis.send(request));
  }

  private void assertNoLogLineHas(String secret) {
    for (ILoggingEvent e : logs.list) {
      assertFalse(e.getFormattedMessage() != null && e.getFormattedMessage().contains(secret), "logged: " + e.getFormattedMessage());
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        assertFalse(String.valueOf(t.getMessage()).contains(secret), "logged: " + t.getMessage());
      }
    }
  }

  @Test
  void standaloneWithPasswordReadsItsDatabaseUnderTheKeyPrefix() {
    send(passwordAdmin, Command.SET, prefix + "order:1", "{\"id\":1,\"status\":\"PAID\"}");
    SideReader reader = reader(redis(RedisMode.STANDALONE, 16379, null, PASSWORD_DB, PASSWORD, prefix, null));
    Await.result(reader.test());

    SideRead read = read(reader, "order:#{id}", ValueType.JSON, 1);
    assertNull(read.error());
    assertEquals(Map.of("id", 1, "status", "PAID"), read.values());
    assertEquals("GET " + prefix + "order:1", read.query());
    assertEquals(List.of(prefix + "order:1"), read.params());
    assertFalse(read(reader, "order:#{id}", ValueType.JSON, 2).found());

    // the same key in database 0 is not there: the index is honoured
    SideReader db0 = reader(redis(RedisMode.STANDALONE, 16379, null, 0, PASSWORD, prefix, null));
    SideRead other = read(db0, "order:#{id}", ValueType.JSON, 1);
    assertNull(other.error());
    assertFalse(other.found());
  }

  /**
   * A password given as a file: reference is read on a worker thread before the first use; the reader then works
   * (reads, and the repair path's {@code ready}); a reference to a missing file fails every read naming it.
   */
  @Test
  void aFileReferencedPasswordIsReadOffTheEventLoop() throws Exception {
    send(passwordAdmin, Command.SET, prefix + "ref:1", "PAID");
    java.nio.file.Path file = java.nio.file.Files.createTempFile("tally-redis-pw", ".txt");
    java.nio.file.Files.writeString(file, PASSWORD + "\n");
    SideReaders made = new SideReaders(tally.vertx);
    try {
      DataSource byRef = redis(RedisMode.STANDALONE, 16379, null, PASSWORD_DB, "file:" + file, prefix, null);
      SideReader reader = made.reader(byRef);
      SideRead read = read(reader, "ref:#{id}", ValueType.STRING, 1);
      assertNull(read.error());
      assertTrue(read.found());
      assertTrue(Await.result(made.ready(byRef)) instanceof RedisSideReader);

      DataSource missing = redis(RedisMode.STANDALONE, 16379, null, PASSWORD_DB, "file:" + file + ".missing", prefix, null);
      String failed = Await.failure(made.create(missing).read(new SideSpec("ds", null, null, null, "ref:#{id}",
          ValueType.STRING, null, null, null, null), SideReaderContractTest.event(Map.of("id", 1)))).getMessage();
      assertTrue(failed.contains(".missing"), failed);
    } finally {
      Await.result(made.close());
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  @Test
  void aWrongOrMissingPasswordFailsTheSideClearlyWithoutShowingIt() {
    String wrong = "wrong-" + UUID.randomUUID();
    SideReader reader = reader(redis(RedisMode.STANDALONE, 16379, null, PASSWORD_DB, wrong, prefix, null));
    SideRead read = read(reader, "order:#{id}", ValueType.STRING, 1);
    assertTrue(read.failed());
    assertTrue(read.error().contains("WRONGPASS") && read.error().contains("127.0.0.1:16379"), read.error());
    assertFalse(read.error().contains(wrong), read.error());
    assertFalse(read.toString().contains(wrong));
    String tested = Await.failure(reader.test()).getMessage();
    assertTrue(tested.contains("WRONGPASS"), tested);
    assertFalse(tested.contains(wrong), tested);

    SideRead none = read(reader(redis(RedisMode.STANDALONE, 16379, null, 0, null, null, null)), "k:#{id}", ValueType.STRING, 1);
    assertTrue(none.error().contains("NOAUTH"), none.error());
    assertNoLogLineHas(wrong);
  }

  @Test
  void clusterReadsKeysSpreadOverEveryMaster() {
    List<Integer> ids = IntStream.rangeClosed(1, 30).boxed().toList();
    for (int id : ids) send(clusterAdmin, Command.SET, prefix + "c:order:" + id, "{\"id\":" + id + "}");
    send(clusterAdmin, Command.HSET, prefix + "c:hash:1", "id", "1", "amount", "12.50");
    // every master holds some of the keys, so the reads below cross slots and nodes
    for (String node : CLUSTER) {
      Redis direct = Redis.createClient(tally.vertx, "redis://" + node);
      try {
        int held = Await.result(direct.send(Request.cmd(Command.KEYS).arg(prefix + "c:order:*"))).size();
        assertTrue(held > 0, node + " holds none of the 30 keys");
      } finally {
        Await.result(direct.close());
      }
    }

    SideReader reader = reader(redis(RedisMode.CLUSTER, null, CLUSTER, null, null, prefix + "c:", null));
    Await.result(reader.test());
    for (int id : ids) {
      SideRead read = read(reader, "order:#{id}", ValueType.JSON, id);
      assertNull(read.error(), read.error());
      assertEquals(Map.of("id", id), read.values());
      assertEquals("GET " + prefix + "c:order:" + id, read.query());
    }
    assertEquals(Map.of("id", "1", "amount", "12.50"), read(reader, "hash:#{id}", ValueType.HASH, 1).values());
    assertFalse(read(reader, "order:#{id}", ValueType.JSON, 31).found());

    // no seed node answers: a failed side that names them, within the time-out
    SideReader unreachable = reader(redis(RedisMode.CLUSTER, null, List.of("127.0.0.1:1", "127.0.0.1:2"), null, null, null, null));
    long start = System.nanoTime();
    SideRead refused = read(unreachable, "order:#{id}", ValueType.JSON, 1);
    assertTrue((System.nanoTime() - start) / 1_000_000 < 3000, "took too long");
    assertEquals("connection refused cluster 127.0.0.1:1,127.0.0.1:2", refused.error());
    assertEquals(refused.error(), Await.failure(unreachable.test()).getMessage());

    // one seed node is enough to find the others
    SideReader oneSeed = reader(redis(RedisMode.CLUSTER, null, List.of(CLUSTER.get(2)), 0, null, prefix + "c:", null));
    for (int id : ids) assertTrue(read(oneSeed, "order:#{id}", ValueType.JSON, id).found(), "key " + id);
  }

  @Test
  void sentinelReadsTheMasterItNamesInItsDatabase() {
    send(masterAdmin, Command.SET, prefix + "s:order:1", "PAID");
    SideReader reader = reader(redis(RedisMode.SENTINEL, null, SENTINELS, SENTINEL_DB, null, prefix + "s:", MASTER));
    Await.result(reader.test());
    SideRead read = read(reader, "order:#{id}", ValueType.STRING, 1);
    assertNull(read.error());
    assertEquals(Map.of("$", "PAID"), read.values());
    assertEquals("GET " + prefix + "s:order:1", read.query());
    assertFalse(read(reader, "order:#{id}", ValueType.STRING, 2).found());

    SideRead db0 = read(reader(redis(RedisMode.SENTINEL, null, SENTINELS, 0, null, prefix + "s:", MASTER)),
        "order:#{id}", ValueType.STRING, 1);
    assertNull(db0.error());
    assertFalse(db0.found(), "database 0 of the master does not have the key");

    // the password goes to the sentinel too; one without requirepass takes any password of the default user
    SideRead withPassword = read(reader(redis(RedisMode.SENTINEL, null, SENTINELS, SENTINEL_DB, "master-only-password", prefix + "s:",
        MASTER)), "order:#{id}", ValueType.STRING, 1);
    assertNull(withPassword.error());
    assertTrue(withPassword.found());

    SideReader unknownMaster = reader(redis(RedisMode.SENTINEL, null, SENTINELS, null, null, null, "no-such-master"));
    SideRead failed = read(unknownMaster, "order:#{id}", ValueType.STRING, 1);
    assertTrue(failed.error().contains("no-such-master"), failed.error());
    assertFalse(failed.error().contains("\n"), failed.error());
    assertTrue(Await.failure(unknownMaster.test()).getMessage().contains("no-such-master"));
  }

  @Test
  void theCatalogListsTheSentinelsMasterAndEveryMasterOfACluster() {
    send(masterAdmin, Command.SET, prefix + "k:order:1", "PAID");
    send(masterAdmin, Command.HSET, prefix + "k:order:2", "status", "PAID");
    Catalog catalog = Await.result(reader(redis(RedisMode.SENTINEL, null, SENTINELS, SENTINEL_DB, null, prefix + "k:", MASTER))
        .catalog(null, "order:"));
    assertTrue(catalog.supported());
    assertEquals(Set.of(new Catalog.Entry("order:1", "string"), new Catalog.Entry("order:2", "hash")), Set.copyOf(catalog.names()));
    assertFalse(catalog.truncated());

    // a cluster: every master is scanned (its keys are spread over them: see clusterReadsKeysSpreadOverEveryMaster)
    Set<Catalog.Entry> expected = new java.util.HashSet<>();
    for (int i = 1; i <= 30; i++) {
      send(clusterAdmin, Command.SET, prefix + "k:item:" + i, "x");
      expected.add(new Catalog.Entry("item:" + i, "string"));
    }
    SideReader cluster = reader(redis(RedisMode.CLUSTER, null, CLUSTER, null, null, prefix + "k:", null));
    Catalog items = Await.result(cluster.catalog(null, "item:"));
    assertEquals(expected, Set.copyOf(items.names()));
    assertFalse(items.truncated());
    assertEquals(List.of(), Await.result(cluster.catalog(null, "nothing:")).names());
  }

  @Test
  void tlsTrustsTheCaFileAndVerifiesTheHostName() {
    send(tlsAdmin, Command.SET, prefix + "t:order:1", "PAID");
    SideReader reader = reader(tls("127.0.0.1", CA_FILE));
    Await.result(reader.test());
    SideRead read = read(reader, prefix + "t:order:#{id}", ValueType.STRING, 1);
    assertNull(read.error());
    assertEquals(Map.of("$", "PAID"), read.values());

    // the JVM's trust store does not know the script's CA
    SideRead untrusted = read(reader(tls("127.0.0.1", null)), prefix + "t:order:#{id}", ValueType.STRING, 1);
    assertTrue(untrusted.error().startsWith("TLS handshake with 127.0.0.1:16390 failed"), untrusted.error());
    // the certificate names 127.0.0.1 only
    SideRead wrongName = read(reader(tls("localhost", CA_FILE)), prefix + "t:order:#{id}", ValueType.STRING, 1);
    assertTrue(wrongName.error().startsWith("TLS handshake with localhost:16390 failed"), wrongName.error());
    // without TLS the server does not answer
    DataSource plain = new DataSource("ds-plain", "plain", DataSourceKind.REDIS, "127.0.0.1", TLS_PORT, null, null, null, null,
        null, null, 1000, 2, null, null, false, null, null, null, null, 0L, 0L);
    assertTrue(read(reader(plain), prefix + "t:order:#{id}", ValueType.STRING, 1).failed());
  }

  @Test
  void aTaskChecksARowAgainstItsCopyInTheClusterThroughTheApi() throws Exception {
    ApiClient api = tally.api;
    try (Services services = new Services(tally.vertx)) {
      String table = services.prefix + "_orders";
      services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20), amount DECIMAL(10,2))",
          "INSERT INTO " + table + " VALUES (1, 'PAID', 12.50), (2, 'PAID', 10.00), (3, 'NEW', 7.00)");
      try {
        ApiClient.Response badDb = api.post("/api/v1/data-sources", "{\"name\":\"c\",\"kind\":\"REDIS\",\"redisMode\":\"CLUSTER\","
            + "\"hosts\":[\"127.0.0.1:17001\"],\"redisDb\":2}");
        assertEquals(400, badDb.status(), badDb.text());
        assertEquals("redisDb", badDb.body().get("field").asText());

        String mysql = api.create("/api/v1/data-sources", "{\"name\":\"shop\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\","
            + "\"port\":3306,\"database\":\"test\",\"user\":\"root\",\"password\":\"\"}").id();
        String cluster = api.create("/api/v1/data-sources", """
            {"name": "order cache cluster", "kind": "REDIS", "redisMode": "CLUSTER",
             "hosts": ["127.0.0.1:17001", "127.0.0.1:17002"], "keyPrefix": "%se2e:"}""".formatted(prefix)).id();
        assertTrue(api.post("/api/v1/data-sources/" + cluster + "/test", "").body().get("ok").asBoolean());
        String source = api.create("/api/v1/event-sources", "{\"name\":\"orders\",\"kind\":\"API\"}").id();
        String task = api.create("/api/v1/tasks", """
            {"name": "orders vs cluster", "eventSourceId": "%s", "type": "CONFIG",
             "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["id", "status", "amount"]},
             "right": {"dataSourceId": "%s", "key": "order:#{id}", "valueType": "JSON"},
             "compare": [{"left": "status", "right": "status"}, {"left": "amount", "right": "amount", "comparator": "DECIMAL"}]}
            """.formatted(source, mysql, table, cluster)).id();
        send(clusterAdmin, Command.SET, prefix + "e2e:order:1", "{\"status\":\"PAID\",\"amount\":12.5}");
        send(clusterAdmin, Command.SET, prefix + "e2e:order:2", "{\"status\":\"NEW\",\"amount\":10}");
        // order 3 has no copy

        ApiClient.Response posted = api.post("/api/v1/events/" + source,
            "[{\"op\":\"UPDATE\",\"data\":{\"id\":1}},{\"op\":\"UPDATE\",\"data\":{\"id\":2}},{\"op\":\"UPDATE\",\"data\":{\"id\":3}}]");
        assertEquals(202, posted.status(), posted.text());
        JsonNode stats = api.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= 3, Duration.ofSeconds(20));
        assertEquals(1, stats.get("pass").asInt(), stats.toString());
        assertEquals(2, stats.get("fail").asInt(), stats.toString());
        assertEquals(0, stats.get("error").asInt(), stats.toString());

        Map<String, JsonNode> byKey = new HashMap<>();
        for (JsonNode r : api.get("/api/v1/results?taskId=" + task).body().get("items")) byKey.put(r.get("entityKey").asText(), r);
        JsonNode mismatch = api.get("/api/v1/results/" + byKey.get("2").get("id").asText()).body();
        assertEquals("GET " + prefix + "e2e:order:2", mismatch.at("/right/query").asText(), mismatch.toString());
        assertEquals("NEW", mismatch.at("/right/values/status").asText());
        assertEquals("missing", byKey.get("3").at("/diffs/0/kind").asText(), byKey.get("3").toString());

        // a wrong password through the API: a clear answer that does not show it
        String wrong = "api-wrong-" + UUID.randomUUID();
        String guarded = api.create("/api/v1/data-sources", "{\"name\":\"guarded\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\","
            + "\"port\":16379,\"password\":\"" + wrong + "\"}").id();
        ApiClient.Response test = api.post("/api/v1/data-sources/" + guarded + "/test", "");
        assertFalse(test.body().get("ok").asBoolean(), test.text());
        assertTrue(test.body().get("error").asText().contains("WRONGPASS"), test.text());
        assertFalse(test.text().contains(wrong), test.text());
        assertFalse(api.get("/api/v1/data-sources/" + guarded).text().contains(wrong));
        assertNoLogLineHas(wrong);
      } finally {
        services.sql("DROP TABLE IF EXISTS " + table);
      }
    }
  }
}
