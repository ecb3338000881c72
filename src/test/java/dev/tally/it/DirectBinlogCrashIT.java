package dev.tally.it;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The packaged JAR reading the binlog itself: killed with SIGKILL while 5,000 rows are inserted with SQL,
 * restarted: it resumes from the saved position and every row change has exactly one verdict.
 */
class DirectBinlogCrashIT {
  private static final int ROWS = 5000;

  @Test
  void killedMidStreamEveryRowChangeGetsExactlyOneVerdict() throws Exception {
    Path dataDir = Files.createTempDirectory("tally-binlog-crash-");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Vertx vertx = Vertx.vertx();
    Pool binlogDb = MySQLBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(new MySQLConnectOptions().setHost("127.0.0.1").setPort(3307).setUser("root").setPassword("").setDatabase("test"))
        .using(vertx).build();
    String table = "bcrash_" + Long.toHexString(System.nanoTime());
    await(binlogDb.query("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20))").execute());
    Process tally = null;
    try {
      tally = TallyJar.start(dataDir, port);
      ApiClient api = new ApiClient(port);
      String db = api.create("/api/v1/data-sources", "{\"name\":\"binlog db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"port\":3307,"
          + "\"database\":\"test\",\"user\":\"root\"}").id();
      String source = api.create("/api/v1/event-sources", """
          {"name": "direct", "kind": "BINLOG", "connector": "DIRECT", "dataSourceId": "%s", "database": "test", "table": "%s"}
          """.formatted(db, table)).id();
      // the row against itself: every check passes (a read timed out on a loaded machine is retried), so the
      // count is the number of verdicts
      String task = api.create("/api/v1/tasks", """
          {"name": "self", "eventSourceId": "%s",
           "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["status"]},
           "right": {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["status"]},
           "compare": [{"left": "status", "right": "status"}],
           "strategy": {"retry": {"onError": 5, "backoffMs": 1000}}}
          """.formatted(source, db, table, db, table)).id();

      insert(binlogDb, table, 0, 2000);
      api.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= 300, Duration.ofSeconds(60));
      tally.destroyForcibly().waitFor();
      insert(binlogDb, table, 2000, ROWS);

      tally = TallyJar.start(dataDir, port);
      api.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= ROWS, Duration.ofSeconds(120));
      // a last row: the reader goes in binlog order, so once its verdict is in, nothing before it is pending
      await(binlogDb.query("INSERT INTO " + table + " VALUES (" + ROWS + ", 'LAST')").execute());
      JsonNode stats = api.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= ROWS + 1, Duration.ofSeconds(60));
      api.await("/api/v1/jobs", j -> j.get("items").isEmpty(), Duration.ofSeconds(60));
      stats = api.get("/api/v1/tasks/" + task + "/stats?bucket=day").body();
      assertEquals(ROWS + 1, ApiClient.verdicts(stats), "one verdict per row change, no duplicates: " + stats);
    } finally {
      if (tally != null) tally.destroyForcibly().waitFor();
      await(binlogDb.query("DROP TABLE IF EXISTS " + table).execute());
      await(binlogDb.close());
      await(vertx.close());
    }
  }

  /** Rows [from, to) in transactions of 100 rows. */
  private static void insert(Pool db, String table, int from, int to) throws Exception {
    for (int start = from; start < to; start += 100) {
      StringBuilder sql = new StringBuilder("INSERT INTO " + table + " VALUES ");
      for (int id = start; id < Math.min(to, start + 100); id++) sql.append(id == start ? "" : ",").append("(").append(id).append(", 'NEW')");
      await(db.query(sql.toString()).execute());
    }
  }

}
