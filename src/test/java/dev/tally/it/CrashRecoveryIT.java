package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged JAR, as a user runs it: 500 events accepted with a 5 s delay, the process killed with SIGKILL
 * before any is due, restarted on the same data directory: every event ends with exactly one verdict.
 */
class CrashRecoveryIT {
  private Path dataDir;
  private int port;
  private Process tally;
  private Vertx vertx;
  private Services services;

  @BeforeEach
  void setUp() throws Exception {
    dataDir = Files.createTempDirectory("tally-crash-");
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    vertx = Vertx.vertx();
    services = new Services(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (tally != null) tally.destroyForcibly().waitFor();
    services.sql("DROP TABLE IF EXISTS " + services.prefix + "_crash", "DROP USER IF EXISTS '" + services.prefix + "_ro'@'127.0.0.1'");
    services.close();
    vertx.close();
  }

  /** Starts the JAR; its output is appended to tally.log across restarts. */
  private ApiClient start() throws Exception {
    tally = TallyJar.start(dataDir, port);
    return new ApiClient(port);
  }

  @Test
  void killedBeforeJobsAreDueLosesNone() throws Exception {
    String table = services.prefix + "_crash";
    services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20))");
    // a read-only user with a real password, which must never show in the log or the API
    String user = services.prefix + "_ro";
    String password = "pw-" + services.prefix + "-Secr3t";
    services.sql("CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY '" + password + "'",
        "GRANT SELECT ON test.* TO '" + user + "'@'127.0.0.1'");
    ApiClient api = start();
    String source = api.create("/api/v1/event-sources", "{\"name\":\"crash\",\"kind\":\"API\"}").id();
    String mysql = api.create("/api/v1/data-sources", "{\"name\":\"db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\","
        + "\"database\":\"test\",\"user\":\"" + user + "\",\"password\":\"" + password + "\"}").id();
    String redis = api.create("/api/v1/data-sources", "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\"}").id();
    String task = api.create("/api/v1/tasks", """
        {"name": "crash", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["status"]},
         "right": {"dataSourceId": "%s", "key": "%s:crash:#{id}", "valueType": "STRING"},
         "compare": [{"left": "status", "right": "$"}],
         "strategy": {"delayMs": 5000, "retry": {"onError": 5, "backoffMs": 1000}}}
        """.formatted(source, mysql, table, redis, services.prefix)).id();

    for (int batch = 0; batch < 5; batch++) {
      StringBuilder events = new StringBuilder("[");
      for (int i = 0; i < 100; i++) {
        int id = batch * 100 + i;
        events.append(i == 0 ? "" : ",").append("{\"id\":\"e").append(id).append("\",\"op\":\"UPDATE\",\"data\":{\"id\":").append(id).append("}}");
      }
      ApiClient.Response r = api.post("/api/v1/events/" + source, events.append("]").toString());
      assertEquals(202, r.status(), r.text());
    }
    tally.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no flush
    assertThrows(java.io.IOException.class, () -> api.get("/health"), "the node is down");

    ApiClient restarted = start();
    JsonNode stats = restarted.await("/api/v1/tasks/" + task + "/stats?bucket=day",
        s -> s.get("pass").asLong() + s.get("fail").asLong() + s.get("error").asLong() >= 500, Duration.ofSeconds(60));
    // every id is missing on both sides: a delete that reached both, so PASS
    assertEquals(500, stats.get("pass").asLong(), stats.toString());
    assertEquals(0, stats.get("fail").asLong() + stats.get("error").asLong());
    assertEquals(0, restarted.get("/api/v1/jobs").body().get("items").size(), "no job left behind");

    assertFalse(restarted.get("/api/v1/data-sources").text().contains(password));
    assertFalse(restarted.get("/api/v1/data-sources/" + mysql).text().contains(password));
    assertFalse(Files.readString(dataDir.resolve("tally.log")).contains(password), "the password is never logged");
  }
}
