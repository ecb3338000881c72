package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged JAR reading a Kafka topic: killed with SIGKILL in the middle of a stream of 5,000 row changes,
 * restarted: every change ends with exactly one verdict (the group's lag drained, nothing waiting, 5,000 counted).
 */
class KafkaCrashIT {
  private static final int CHANGES = 5000;
  private Process tally;
  private Path dataDir;
  private int port;

  @AfterEach
  void tearDown() throws Exception {
    if (tally != null) tally.destroyForcibly().waitFor();
  }

  private ApiClient start(String group) throws Exception {
    tally = TallyJar.start(dataDir, port, "--kafka.bootstrapServers=" + KafkaTopics.BOOTSTRAP, "--kafka.groupId=" + group);
    return new ApiClient(port);
  }

  @Test
  void killedMidStreamEveryChangeGetsExactlyOneVerdict() throws Exception {
    dataDir = Files.createTempDirectory("tally-kafka-crash-");
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Vertx vertx = Vertx.vertx();
    try (Services services = new Services(vertx); KafkaTopics kafka = new KafkaTopics()) {
      String topic = services.prefix + "-crash";
      String group = "tally-crash-" + services.prefix;
      String table = services.prefix + "_kcrash";
      kafka.create(topic, 3);
      services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20))");
      try {
        ApiClient api = start(group);
        String source = api.create("/api/v1/event-sources", """
            {"name": "crash", "kind": "BINLOG", "topic": "%s", "format": "CANAL", "database": "test", "table": "%s"}
            """.formatted(topic, table)).id();
        String db = api.create("/api/v1/data-sources", "{\"name\":\"db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"database\":\"test\",\"user\":\"root\"}").id();
        String cache = api.create("/api/v1/data-sources", "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\"}").id();
        String task = api.create("/api/v1/tasks", """
            {"name": "crash", "eventSourceId": "%s",
             "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["status"]},
             "right": {"dataSourceId": "%s", "key": "%s:kc:#{id}", "valueType": "STRING"},
             "compare": [{"left": "status", "right": "$"}],
             "strategy": {"retry": {"onError": 5, "backoffMs": 1000}}}
            """.formatted(source, db, table, cache, services.prefix)).id();

        // the first 2,000 changes, then the kill once some verdicts are in, then the rest while Tally is down
        for (int i = 0; i < 2000; i++) kafka.sendAsync(topic, String.valueOf(i), canal(table, i));
        kafka.flush();
        api.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= 300, Duration.ofSeconds(60));
        tally.destroyForcibly().waitFor();
        for (int i = 2000; i < CHANGES; i++) kafka.sendAsync(topic, String.valueOf(i), canal(table, i));
        kafka.flush();

        ApiClient restarted = start(group);
        restarted.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= CHANGES, Duration.ofSeconds(120));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (kafka.lag(group, topic) > 0 || restarted.get("/api/v1/jobs").body().get("items").size() > 0) {
          assertTrue(System.nanoTime() < deadline, "the consumer never caught up");
          java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);
        }
        JsonNode stats = restarted.get("/api/v1/tasks/" + task + "/stats?bucket=day").body();
        assertEquals(CHANGES, ApiClient.verdicts(stats), "one verdict per change, no duplicates: " + stats);
        // a read that timed out on a loaded machine is retried, so every check ends as the PASS it is
        assertEquals(CHANGES, stats.get("pass").asLong(), "every change agrees on both sides: " + stats);
      } finally {
        services.sql("DROP TABLE IF EXISTS " + table);
      }
    } finally {
      vertx.close();
    }
  }


  /** A Canal flat message for one inserted row that exists on neither side (both missing: PASS). */
  private static String canal(String table, int id) {
    return "{\"data\":[{\"id\":\"" + id + "\",\"status\":\"NEW\"}],\"database\":\"test\",\"es\":1767323045000,\"id\":" + id
        + ",\"isDdl\":false,\"mysqlType\":{\"id\":\"bigint(20)\",\"status\":\"varchar(20)\"},\"old\":null,\"pkNames\":[\"id\"],"
        + "\"sql\":\"\",\"sqlType\":{\"id\":-5,\"status\":12},\"table\":\"" + table + "\",\"ts\":1767323045123,\"type\":\"INSERT\"}";
  }
}
