package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.config.TallyConfig;
import dev.tally.store.StoreFixture;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Row changes reach Tally through a real Kafka broker in the formats CDC tools print (Canal flat messages,
 * Maxwell, Debezium with its schema envelope, Tally's native JSON), with garbage mixed in.
 */
class KafkaIngestTest {
  static TallyInProcess tally;
  static ApiClient api;
  static Services services;
  static KafkaTopics kafka;
  static String table;
  static String mysql;
  static String redis;

  @BeforeAll
  static void setUp() throws Exception {
    kafka = new KafkaTopics();
    tally = new TallyInProcess(StoreFixture.h2(),
        new TallyConfig.Kafka(KafkaTopics.BOOTSTRAP, "tally-it-" + System.nanoTime(), "earliest", 20000));
    api = tally.api;
    services = new Services(tally.vertx);
    table = services.prefix + "_korders";
    services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20), amount DECIMAL(10,2), updated_at DATETIME)",
        "INSERT INTO " + table + " VALUES (1, 'PAID', 12.50, '2026-01-02 03:04:05'), (2, 'PAID', 10.00, '2026-01-02 03:04:05')");
    mysql = api.create("/api/v1/data-sources", "{\"name\":\"db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"database\":\"test\",\"user\":\"root\"}").id();
    redis = api.create("/api/v1/data-sources", "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\"}").id();
    services.redis("SET", services.prefix + ":k:1", "{\"status\":\"PAID\",\"amount\":12.5,\"updatedAt\":\"2026-01-02T03:04:05Z\"}");
    services.redis("SET", services.prefix + ":k:2", "{\"status\":\"NEW\",\"amount\":10,\"updatedAt\":\"2026-01-02T03:04:05Z\"}");
  }

  @AfterAll
  static void tearDown() throws Exception {
    services.sql("DROP TABLE IF EXISTS " + table);
    services.close();
    tally.close();
    kafka.close();
  }

  /** An event source on its own topic in {@code format}, and a task comparing the row with its Redis copy. */
  static String[] sourceAndTask(String format) throws Exception {
    String topic = services.prefix + "-" + format.toLowerCase();
    kafka.create(topic, 3);
    String source = api.create("/api/v1/event-sources", """
        {"name": "%s", "kind": "BINLOG", "connector": "KAFKA", "topic": "%s", "format": "%s", "database": "test", "table": "%s"}
        """.formatted(format, topic, format, table)).id();
    String task = api.create("/api/v1/tasks", """
        {"name": "%s", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["status", "amount", "updated_at"]},
         "right": {"dataSourceId": "%s", "key": "%s:k:#{id}", "valueType": "JSON"},
         "compare": [{"left": "status", "right": "status"},
                     {"left": "amount", "right": "amount", "comparator": "DECIMAL"},
                     {"left": "updated_at", "right": "updatedAt", "comparator": "DATETIME"}]}
        """.formatted(format, source, mysql, table, redis, services.prefix)).id();
    return new String[] {topic, task};
  }

  static JsonNode verdicts(String task, int total) throws Exception {
    return api.await("/api/v1/tasks/" + task + "/stats?bucket=day",
        s -> s.get("pass").asInt() + s.get("fail").asInt() + s.get("error").asInt() >= total, Duration.ofSeconds(60));
  }

  static void assertOnePassOneFail(JsonNode stats) {
    assertEquals(1, stats.get("pass").asInt(), stats.toString());
    assertEquals(1, stats.get("fail").asInt(), stats.toString());
    assertEquals(0, stats.get("error").asInt(), stats.toString());
  }

  @Test
  void canalFlatMessagesWithGarbageAroundThem() throws Exception {
    String[] t = sourceAndTask("CANAL");
    String canal = """
        {"data":[{"id":"1","status":"PAID","amount":"12.50","updated_at":"2026-01-02 03:04:05"},
                 {"id":"2","status":"PAID","amount":"10.00","updated_at":"2026-01-02 03:04:05"}],
         "database":"test","es":1767323045000,"id":7,"isDdl":false,
         "mysqlType":{"id":"bigint(20)","status":"varchar(20)","amount":"decimal(10,2)","updated_at":"datetime"},
         "old":null,"pkNames":["id"],"sql":"","sqlType":{"id":-5,"status":12,"amount":3,"updated_at":93},
         "table":"%s","ts":1767323045123,"type":"INSERT"}""".formatted(table);
    String ddl = """
        {"data":null,"database":"test","es":1767323045000,"id":8,"isDdl":true,"mysqlType":null,"old":null,"pkNames":null,
         "sql":"ALTER TABLE %s ADD COLUMN note VARCHAR(10)","sqlType":null,"table":"%s","ts":1767323045200,"type":"ALTER"}""".formatted(table, table);
    kafka.send(t[0], "g", "\u0000\u0001 definitely not json");
    kafka.send(t[0], "1", canal);
    kafka.send(t[0], "t", canal.substring(0, 60));
    kafka.send(t[0], "d", ddl);
    kafka.send(t[0], "u", canal.replace("\"table\":\"" + table + "\"", "\"table\":\"unknown_table\""));

    assertOnePassOneFail(verdicts(t[1], 2));
    JsonNode dead = api.await("/api/v1/dead-letters?topic=" + t[0], d -> d.get("total").asInt() >= 3, Duration.ofSeconds(30));
    assertEquals(3, dead.get("total").asInt(), dead.toString());
    String reasons = dead.get("items").toString();
    assertTrue(reasons.contains("test.unknown_table"), reasons);
    assertTrue(dead.at("/items/0/offset").isNumber());
    assertTrue(api.get("/metrics").text().contains("tally_dead_letters_total"));
  }

  @Test
  void maxwellMessages() throws Exception {
    String[] t = sourceAndTask("MAXWELL");
    kafka.send(t[0], "1", """
        {"database":"test","table":"%s","type":"insert","ts":1767323045,"xid":940752,"commit":true,
         "data":{"id":1,"status":"PAID","amount":12.50,"updated_at":"2026-01-02 03:04:05"}}""".formatted(table));
    kafka.send(t[0], "2", """
        {"database":"test","table":"%s","type":"update","ts":1767323046,"xid":940753,"commit":true,
         "data":{"id":2,"status":"PAID","amount":10.00,"updated_at":"2026-01-02 03:04:05"},"old":{"status":"NEW"}}""".formatted(table));
    assertOnePassOneFail(verdicts(t[1], 2));
  }

  @Test
  void debeziumMessagesWithTheSchemaEnvelopeAndATombstone() throws Exception {
    String[] t = sourceAndTask("DEBEZIUM");
    String row = """
        {"type":"struct","optional":true,"name":"dbserver1.test.orders.Value","field":"%s","fields":[
          {"type":"int64","optional":false,"field":"id"},
          {"type":"string","optional":true,"field":"status"},
          {"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,
           "parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"amount"},
          {"type":"int64","optional":true,"name":"io.debezium.time.Timestamp","version":1,"field":"updated_at"}]}""";
    String schema = """
        {"type":"struct","optional":false,"name":"dbserver1.test.orders.Envelope","version":1,"fields":[%s,%s,
          {"type":"struct","optional":false,"name":"io.debezium.connector.mysql.Source","field":"source","fields":[
            {"type":"string","optional":false,"field":"connector"},{"type":"string","optional":false,"field":"name"},
            {"type":"int64","optional":false,"field":"ts_ms"},{"type":"string","optional":true,"field":"db"},
            {"type":"string","optional":true,"field":"table"}]},
          {"type":"string","optional":false,"field":"op"},{"type":"int64","optional":true,"field":"ts_ms"}]}"""
        .formatted(row.formatted("before"), row.formatted("after"));
    // 12.50 is the unscaled 1250 (0x04E2, base64 BOI=); 10.00 is 1000 (0x03E8, A+g=); 2026-01-02 03:04:05 as Timestamp millis
    String insert = """
        {"schema":%s,"payload":{"before":null,
          "after":{"id":1,"status":"PAID","amount":"BOI=","updated_at":1767323045000},
          "source":{"connector":"mysql","name":"dbserver1","ts_ms":1767323045000,"db":"test","table":"%s"},
          "op":"c","ts_ms":1767323045100}}""".formatted(schema, table);
    String update = """
        {"schema":%s,"payload":{"before":{"id":2,"status":"NEW","amount":"A+g=","updated_at":1767323045000},
          "after":{"id":2,"status":"PAID","amount":"A+g=","updated_at":1767323045000},
          "source":{"connector":"mysql","name":"dbserver1","ts_ms":1767323046000,"db":"test","table":"%s"},
          "op":"u","ts_ms":1767323046100}}""".formatted(schema, table);
    kafka.send(t[0], "1", insert);
    kafka.send(t[0], "1", null);
    kafka.send(t[0], "2", update);
    assertOnePassOneFail(verdicts(t[1], 2));
  }

  @Test
  void nativeMessages() throws Exception {
    String[] t = sourceAndTask("NATIVE");
    kafka.send(t[0], "1", "[{\"id\":\"n1\",\"op\":\"UPDATE\",\"database\":\"test\",\"table\":\"" + table + "\",\"data\":{\"id\":1}},"
        + "{\"id\":\"n2\",\"op\":\"UPDATE\",\"database\":\"test\",\"table\":\"" + table + "\",\"data\":{\"id\":2}}]");
    assertOnePassOneFail(verdicts(t[1], 2));
  }
}
