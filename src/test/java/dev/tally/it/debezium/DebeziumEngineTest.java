package dev.tally.it.debezium;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.config.TallyConfig;
import dev.tally.it.ApiClient;
import dev.tally.it.KafkaTopics;
import dev.tally.it.Services;
import dev.tally.it.TallyInProcess;
import dev.tally.model.Json;
import dev.tally.store.StoreFixture;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What a real Debezium emits, not a hand-written imitation: the Debezium embedded engine (MySQL connector) captures
 * a table of the MariaDB with its binlog on (127.0.0.1:3307), and every record it produces, as the JsonConverter
 * printed it (schema envelope, base64 DECIMALs, epoch-millis DATETIMEs, schema-change events, tombstones), is sent
 * unchanged to the Kafka topic a DEBEZIUM event source of Tally reads. Row changes made with SQL are then checked
 * against their Redis copies.
 */
class DebeziumEngineTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  static TallyInProcess tally;
  static ApiClient api;
  static Services services;
  static KafkaTopics kafka;
  static Pool binlogDb;
  static String group;
  static String table;
  static String probeTable;
  static String topic;
  static String topicPrefix;
  static ExecutorService engineThread;
  static DebeziumEngine<ChangeEvent<String, String>> engine;
  static final CompletableFuture<String> engineDone = new CompletableFuture<>();
  /** Every record the engine handed over, in order, once it is on the topic. */
  static final List<ChangeEvent<String, String>> forwarded = new CopyOnWriteArrayList<>();
  static final ConcurrentLinkedQueue<Throwable> forwardFailures = new ConcurrentLinkedQueue<>();
  static final Map<String, Level> quietened = new TreeMap<>();

  @BeforeAll
  static void setUp() throws Exception {
    quieten("io.debezium", "org.apache.kafka", "org.eclipse.jetty", "org.reflections");
    kafka = new KafkaTopics();
    group = "tally-dbz-" + System.nanoTime();
    tally = new TallyInProcess(StoreFixture.h2(), new TallyConfig.Kafka(KafkaTopics.BOOTSTRAP, group, "earliest", 20000));
    api = tally.api;
    services = new Services(tally.vertx);
    binlogDb = MySQLBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(new MySQLConnectOptions().setHost("127.0.0.1").setPort(3307).setUser("root").setPassword("").setDatabase("test"))
        .using(tally.vertx).build();
    table = services.prefix + "_dbz";
    probeTable = services.prefix + "_dbzprobe";
    topicPrefix = services.prefix + "dbz";
    topic = services.prefix + "-debezium";
    sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20), amount DECIMAL(10,2), updated_at DATETIME)");
    sql("CREATE TABLE " + probeTable + " (id BIGINT PRIMARY KEY)");
    kafka.create(topic, 3);
  }

  @AfterAll
  static void tearDown() throws Exception {
    try {
      stopEngine();
    } finally {
      try {
        if (binlogDb != null) {
          sql("DROP TABLE IF EXISTS " + table);
          sql("DROP TABLE IF EXISTS " + probeTable);
          await(binlogDb.close());
        }
      } finally {
        if (services != null) {
          for (int id = 1; id <= 8; id++) services.redis("DEL", services.prefix + ":dbz:" + id);
          services.close();
        }
        if (tally != null) tally.close();
        if (kafka != null) kafka.close();
        quietened.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
      }
    }
  }

  @Test
  void rowChangesCapturedByTheDebeziumEngineAreCheckedAgainstRedis() throws Exception {
    String db = api.create("/api/v1/data-sources", "{\"name\":\"binlog db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"port\":3307,"
        + "\"database\":\"test\",\"user\":\"root\"}").id();
    String cache = api.create("/api/v1/data-sources", "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\"}").id();
    String source = api.create("/api/v1/event-sources", """
        {"name": "debezium", "kind": "BINLOG", "connector": "KAFKA", "topic": "%s", "format": "DEBEZIUM",
         "database": "test", "table": "%s"}
        """.formatted(topic, table)).id();
    // the probe table's changes reach the same topic too: they have an event source (with no task), so they are
    // routed, not dead letters
    api.create("/api/v1/event-sources", """
        {"name": "debezium probe", "kind": "BINLOG", "connector": "KAFKA", "topic": "%s", "format": "DEBEZIUM",
         "database": "test", "table": "%s"}
        """.formatted(topic, probeTable));
    String task = api.create("/api/v1/tasks", """
        {"name": "debezium", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["status", "amount", "updated_at"]},
         "right": {"dataSourceId": "%s", "key": "%s:dbz:#{id}", "valueType": "JSON"},
         "compare": [{"left": "status", "right": "status"},
                     {"left": "amount", "right": "amount", "comparator": "DECIMAL"},
                     {"left": "updated_at", "right": "updatedAt", "comparator": "DATETIME", "zone": "UTC"}],
         "strategy": {"retry": {"onFail": 3, "backoffMs": 300}}}
        """.formatted(source, db, table, cache, services.prefix)).id();

    // the copies in Redis, as an application would have written them
    redisCopy(1, "PAID", "12.5", "2026-01-02T03:04:05Z");      // agrees: 12.50 = 12.5 under DECIMAL, same instant
    redisCopy(2, "NEW", "10", "2026-01-02T03:04:05Z");         // status differs
    redisCopy(3, "SHIPPED", "8", "2026-01-02T03:04:05Z");      // agrees with the row once it is updated
    redisCopy(4, "PAID", "99.99", "2026-03-04T05:06:08Z");     // one second off
    redisCopy(5, "PAID", "20.01", "2026-01-02T03:04:05Z");     // amount differs
    // 6: no copy; the row is deleted, so both sides end up without it
    redisCopy(7, "CANCELLED", "30", "2026-01-02T03:04:05Z");   // the row is deleted, the copy stays
    redisCopy(8, "PAID", "2.5", "2026-01-02T03:04:06Z");       // one second off, before and after the update

    startEngine();
    awaitStreaming();

    sql("INSERT INTO " + table + " VALUES (1, 'PAID', 12.50, '2026-01-02 03:04:05'), (2, 'PAID', 10.00, '2026-01-02 03:04:05'),"
        + " (3, 'NEW', 7.25, '2026-01-02 03:04:05'), (4, 'PAID', 99.99, '2026-03-04 05:06:07'), (5, 'PAID', 20.00, '2026-01-02 03:04:05'),"
        + " (6, 'PAID', 5.00, '2026-01-02 03:04:05'), (7, 'PAID', 30.00, '2026-01-02 03:04:05'), (8, 'NEW', 1.00, '2026-01-02 03:04:05')");
    sql("UPDATE " + table + " SET status = 'SHIPPED', amount = 8.00 WHERE id = 3");
    sql("UPDATE " + table + " SET status = 'PAID', amount = 2.50 WHERE id = 8");
    sql("DELETE FROM " + table + " WHERE id IN (6, 7)");

    // Debezium's own output: 8 creates, 2 updates, 2 deletes each followed by its tombstone
    awaitTrue(() -> tableRecords().size() >= 14, () -> "Debezium records of " + table + ": " + describe(tableRecords()));
    List<String> ops = new ArrayList<>();
    for (ChangeEvent<String, String> r : tableRecords()) ops.add(r.value() == null ? "tombstone" : payload(r).get("op").asText());
    assertEquals(List.of("c", "c", "c", "c", "c", "c", "c", "c", "u", "u", "d", "tombstone", "d", "tombstone"), ops);
    JsonNode firstInsert = Json.MAPPER.readTree(tableRecords().get(0).value());
    assertTrue(firstInsert.has("schema"), "the JsonConverter wrote the schema envelope");
    assertEquals("test", firstInsert.at("/payload/source/db").asText());
    assertEquals("BOI=", firstInsert.at("/payload/after/amount").asText(), "12.50 as Debezium's precise DECIMAL");
    assertEquals(1767323045000L, firstInsert.at("/payload/after/updated_at").asLong(), "DATETIME as io.debezium.time.Timestamp");

    // twelve row changes, twelve verdicts. Each check reads the current state (retried on FAIL, so one that ran
    // before a later change of its row settles on the final state):
    // PASS: insert 1; insert and update 3; insert and delete 6 (gone from both sides)
    // FAIL: insert 2 (status), insert 4 (updated_at), insert 5 (amount), insert and delete 7 (missing on the left),
    //       insert and update 8 (updated_at)
    api.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> total(s) >= 12, DEADLINE);
    // and nothing more to come: every message of the topic committed, no job of the task waiting
    awaitTrue(() -> lag() == 0, () -> "consumer lag on " + topic);
    api.await("/api/v1/jobs?taskId=" + task, j -> j.get("items").isEmpty(), DEADLINE);
    Map<String, String> diffs = new TreeMap<>();
    Map<String, JsonNode> events = new TreeMap<>();
    for (JsonNode r : api.get("/api/v1/results?taskId=" + task + "&status=FAIL&limit=100").body().get("items")) {
      String key = r.get("entityKey").asText() + " " + r.at("/event/op").asText();
      List<String> named = new ArrayList<>();
      for (JsonNode d : r.get("diffs")) {
        named.add(d.get("kind").asText() + ":" + (d.hasNonNull("field") ? d.get("field").asText() : d.get("side").asText()));
      }
      assertEquals(null, diffs.put(key, String.join(",", named)), "one FAIL per row change: " + key);
      events.put(key, r.get("event"));
    }
    JsonNode stats = api.get("/api/v1/tasks/" + task + "/stats?bucket=day").body();
    String seen = stats + "; FAIL diffs: " + diffs;
    assertEquals(5, stats.get("pass").asInt(), seen);
    assertEquals(7, stats.get("fail").asInt(), seen);
    assertEquals(0, stats.get("error").asInt(), seen);
    assertEquals(new TreeMap<>(Map.of(
        "2 INSERT", "mismatch:status",
        "4 INSERT", "mismatch:updated_at",
        "5 INSERT", "mismatch:amount",
        "7 INSERT", "missing:left",
        "7 DELETE", "missing:left",
        "8 INSERT", "mismatch:updated_at",
        "8 UPDATE", "mismatch:updated_at")), diffs);

    // the events Tally made of Debezium's records: DECIMAL and DATETIME decoded by the schema, the row before an
    // update, the row as it was for a delete
    JsonNode insert2 = events.get("2 INSERT").get("data");
    assertDecimal("10.00", insert2.get("amount"));
    assertEquals("2026-01-02T03:04:05", insert2.get("updated_at").asText(), insert2.toString());
    assertEquals("PAID", insert2.get("status").asText());
    JsonNode update8 = events.get("8 UPDATE");
    assertDecimal("2.50", update8.at("/data/amount"));
    assertEquals("PAID", update8.at("/data/status").asText(), update8.toString());
    assertDecimal("1.00", update8.at("/before/amount"));
    assertEquals("NEW", update8.at("/before/status").asText(), update8.toString());
    JsonNode delete7 = events.get("7 DELETE").get("data");
    assertEquals(7, delete7.get("id").asInt(), delete7.toString());
    assertDecimal("30.00", delete7.get("amount"));

    // every record Debezium wrote (row changes of both tables, schema changes, tombstones) was understood
    assertTrue(forwarded.stream().anyMatch(r -> r.destination().equals(topicPrefix) && r.value().contains("\"ddl\"")),
        "the snapshot's schema-change events went to the topic as well");
    JsonNode dead = api.get("/api/v1/dead-letters?topic=" + topic).body();
    assertEquals(0, dead.get("total").asInt(), dead.toString());
    assertTrue(forwardFailures.isEmpty(), "sending to Kafka: " + forwardFailures);
  }

  // ---------------------------------------------------------------------------------------------------------------

  static void startEngine() throws Exception {
    Properties props = new Properties();
    try (InputStream in = DebeziumEngineTest.class.getResourceAsStream("/debezium/mysql-connector.properties")) {
      assertNotNull(in, "debezium/mysql-connector.properties on the test classpath");
      props.load(in);
    }
    props.setProperty("name", "tally-it-" + topicPrefix);
    // a replica id of its own: the server is 1, Tally's direct binlog readers pick theirs
    props.setProperty("database.server.id", Integer.toString(100_000 + ThreadLocalRandom.current().nextInt(800_000)));
    props.setProperty("topic.prefix", topicPrefix);
    props.setProperty("table.include.list", "test\\." + table + ",test\\." + probeTable);

    engine = DebeziumEngine.create(io.debezium.engine.format.Json.class)
        .using(props)
        .using((success, message, error) -> {
          if (success) {
            engineDone.complete(message);
          } else {
            engineDone.completeExceptionally(error != null ? error : new IllegalStateException(message));
          }
        })
        .notifying(DebeziumEngineTest::forward)
        .build();
    engineThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "debezium-engine"));
    engineThread.execute(engine);
  }

  /** Sends the record to Tally's topic as Debezium printed it: key and value untouched, a tombstone as a null value. */
  static void forward(ChangeEvent<String, String> record) {
    try {
      kafka.send(topic, record.key(), record.value());
      forwarded.add(record);
    } catch (Exception e) {
      forwardFailures.add(e);
    }
  }

  /**
   * Waits until the connector follows the binlog: inserts probe rows until the engine hands one over. Every change
   * made after that is in the binlog after the connector's position, so none is missed.
   */
  static void awaitStreaming() throws Exception {
    long end = System.nanoTime() + DEADLINE.toNanos();
    String probeTopic = topicPrefix + ".test." + probeTable;
    for (int id = 1; ; id++) {
      if (engineDone.isDone()) throw new AssertionError("the Debezium engine stopped: " + engineOutcome());
      sql("INSERT INTO " + probeTable + " VALUES (" + id + ")");
      long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (System.nanoTime() < wait) {
        if (forwarded.stream().anyMatch(r -> r.destination().equals(probeTopic))) return;
        LockSupport.parkNanos(50_000_000);
      }
      if (System.nanoTime() > end) throw new AssertionError("the Debezium engine did not stream within " + DEADLINE);
    }
  }

  static void stopEngine() throws Exception {
    if (engine == null) return;
    engine.close();
    engineThread.shutdown();
    assertTrue(engineThread.awaitTermination(60, TimeUnit.SECONDS), "the Debezium engine stops");
    assertTrue(engineDone.isDone(), "the engine reported its end");
    engineDone.get(0, TimeUnit.SECONDS); // throws if it ended with an error
  }

  static String engineOutcome() {
    try {
      return engineDone.getNow("running");
    } catch (Exception e) {
      return e.toString();
    }
  }

  static List<ChangeEvent<String, String>> tableRecords() {
    String tableTopic = topicPrefix + ".test." + table;
    return forwarded.stream().filter(r -> r.destination().equals(tableTopic)).toList();
  }

  static JsonNode payload(ChangeEvent<String, String> record) {
    try {
      return Json.MAPPER.readTree(record.value()).get("payload");
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + record.value(), e);
    }
  }

  static String describe(List<ChangeEvent<String, String>> records) {
    List<String> out = new ArrayList<>();
    for (ChangeEvent<String, String> r : records) out.add(r.value() == null ? "tombstone" : payload(r).path("op").asText("?"));
    return out + "; engine: " + engineOutcome() + "; send failures: " + forwardFailures;
  }

  static void redisCopy(int id, String status, String amount, String updatedAt) throws Exception {
    services.redis("SET", services.prefix + ":dbz:" + id,
        "{\"status\":\"" + status + "\",\"amount\":" + amount + ",\"updatedAt\":\"" + updatedAt + "\"}");
  }

  static void sql(String statement) throws Exception {
    await(binlogDb.query(statement).execute());
  }

  static long lag() {
    try {
      return kafka.lag(group, topic);
    } catch (Exception e) {
      return -1;
    }
  }

  static int total(JsonNode stats) {
    return stats.get("pass").asInt() + stats.get("fail").asInt() + stats.get("error").asInt();
  }

  static void assertDecimal(String expected, JsonNode actual) {
    assertNotNull(actual, "a value for " + expected);
    assertEquals(0, new BigDecimal(expected).compareTo(new BigDecimal(actual.asText())), expected + " vs " + actual);
  }

  static void awaitTrue(BooleanSupplier condition, java.util.function.Supplier<String> what) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("not within " + DEADLINE + ": " + what.get());
      LockSupport.parkNanos(50_000_000);
    }
  }

  static void quieten(String... loggers) {
    for (String name : loggers) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      quietened.put(name, logger.getLevel());
      logger.setLevel(Level.WARN);
    }
  }
}
