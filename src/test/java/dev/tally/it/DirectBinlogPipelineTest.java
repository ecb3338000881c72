package dev.tally.it;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Row changes made with SQL on a MariaDB with its binlog on (127.0.0.1:3307, started by the test script)
 * reach Tally through its own binlog reader, without Kafka, and are checked against Redis.
 */
class DirectBinlogPipelineTest {
  static TallyInProcess tally;
  static ApiClient api;
  static Services services;
  static Pool binlogDb;
  static String table;

  @BeforeAll
  static void setUp() throws Exception {
    tally = new TallyInProcess();
    api = tally.api;
    services = new Services(tally.vertx);
    binlogDb = MySQLBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(new MySQLConnectOptions().setHost("127.0.0.1").setPort(3307).setUser("root").setPassword("").setDatabase("test"))
        .using(tally.vertx).build();
    table = services.prefix + "_direct";
    sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20), amount DECIMAL(10,2), updated_at DATETIME)");
  }

  @AfterAll
  static void tearDown() throws Exception {
    sql("DROP TABLE IF EXISTS " + table);
    await(binlogDb.close());
    services.close();
    tally.close();
  }

  static void sql(String statement) throws Exception {
    await(binlogDb.query(statement).execute());
  }

  @Test
  void rowChangesMadeWithSqlAreCheckedThroughTheBinlog() throws Exception {
    String db = api.create("/api/v1/data-sources", "{\"name\":\"binlog db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"port\":3307,"
        + "\"database\":\"test\",\"user\":\"root\"}").id();
    String cache = api.create("/api/v1/data-sources", "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\"}").id();
    String source = api.create("/api/v1/event-sources", """
        {"name": "direct", "kind": "BINLOG", "connector": "DIRECT", "dataSourceId": "%s", "database": "test", "table": "%s"}
        """.formatted(db, table)).id();
    String task = api.create("/api/v1/tasks", """
        {"name": "direct", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["status", "amount", "updated_at"]},
         "right": {"dataSourceId": "%s", "key": "%s:d:#{id}", "valueType": "JSON"},
         "compare": [{"left": "status", "right": "status"},
                     {"left": "amount", "right": "amount", "comparator": "DECIMAL"},
                     {"left": "updated_at", "right": "updatedAt", "comparator": "DATETIME"}],
         "strategy": {"retry": {"onFail": 3, "backoffMs": 300}}}
        """.formatted(source, db, table, cache, services.prefix)).id();
    services.redis("SET", services.prefix + ":d:1", "{\"status\":\"PAID\",\"amount\":12.5,\"updatedAt\":\"2026-01-02T03:04:05Z\"}");
    services.redis("SET", services.prefix + ":d:2", "{\"status\":\"NEW\",\"amount\":7,\"updatedAt\":\"2026-01-02T03:04:05Z\"}");

    // made right after the event source exists: its start position was taken when it was created
    sql("INSERT INTO " + table + " VALUES (1, 'NEW', 12.50, '2026-01-02 03:04:05'), (2, 'PAID', 7.00, '2026-01-02 03:04:05')");
    sql("UPDATE " + table + " SET status = 'PAID' WHERE id = 1");
    sql("DELETE FROM " + table + " WHERE id = 2");

    // four row changes: insert 1 and 2 in one transaction, the update of 1, the delete of 2. Each check reads the
    // current state: 1 ends agreeing under DECIMAL and DATETIME; 2 differs on status, then is gone from the table
    JsonNode stats = api.await("/api/v1/tasks/" + task + "/stats?bucket=day",
        s -> s.get("pass").asInt() + s.get("fail").asInt() + s.get("error").asInt() >= 4, Duration.ofSeconds(60));
    assertEquals(0, stats.get("error").asInt(), stats.toString());
    Map<String, Integer> failsByKey = new HashMap<>();
    for (JsonNode r : api.get("/api/v1/results?taskId=" + task + "&status=FAIL").body().get("items")) {
      failsByKey.merge(r.get("entityKey").asText(), 1, Integer::sum);
    }
    assertTrue(failsByKey.getOrDefault("2", 0) >= 1, "entity 2 disagrees: " + failsByKey);
    assertEquals(null, failsByKey.get("1"), "entity 1 agrees under DECIMAL and DATETIME: " + stats);
  }

  @Test
  void aServerWithoutABinlogIsRefusedWhenTheEventSourceIsCreated() throws Exception {
    String noBinlog = api.create("/api/v1/data-sources", "{\"name\":\"main db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"port\":3306,"
        + "\"database\":\"test\",\"user\":\"root\"}").id();
    ApiClient.Response refused = api.post("/api/v1/event-sources", """
        {"name": "nope", "kind": "BINLOG", "connector": "DIRECT", "dataSourceId": "%s", "database": "test", "table": "t"}
        """.formatted(noBinlog));
    // the machine's main MariaDB may or may not have its binlog on; either way the answer is a clear one
    if (refused.status() == 400) {
      assertEquals("dataSourceId", refused.body().get("field").asText(), refused.text());
    } else {
      assertEquals(201, refused.status(), refused.text());
    }
  }
}
