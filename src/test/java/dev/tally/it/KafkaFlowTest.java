package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.config.TallyConfig;
import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Back-pressure on a Kafka topic, and two nodes sharing a consumer group while one of them leaves. */
class KafkaFlowTest {
  private static final Duration LONG = Duration.ofSeconds(90);

  /** A Canal message for a row that exists on neither side: each makes one PASS. */
  static String canal(String table, int id) {
    return "{\"data\":[{\"id\":\"" + id + "\"}],\"database\":\"test\",\"es\":1767323045000,\"id\":" + id + ",\"isDdl\":false,"
        + "\"mysqlType\":{\"id\":\"bigint(20)\"},\"old\":null,\"pkNames\":[\"id\"],\"sql\":\"\",\"sqlType\":{\"id\":-5},"
        + "\"table\":\"" + table + "\",\"ts\":1767323045123,\"type\":\"INSERT\"}";
  }

  /** Event source, data sources and a task on {@code api}; returns the task id. */
  static String configure(ApiClient api, Services services, String topic, String table, String strategy) throws Exception {
    String source = api.create("/api/v1/event-sources", """
        {"id": "%s", "name": "flow", "kind": "BINLOG", "topic": "%s", "format": "CANAL", "database": "test", "table": "%s"}
        """.formatted(topic, topic, table)).id();
    String db = api.create("/api/v1/data-sources", "{\"id\":\"db-" + topic + "\",\"name\":\"db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"database\":\"test\",\"user\":\"root\"}").id();
    String cache = api.create("/api/v1/data-sources", "{\"id\":\"cache-" + topic + "\",\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\"}").id();
    return api.create("/api/v1/tasks", """
        {"id": "task-%s", "name": "flow", "eventSourceId": "%s",
         "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["id"]},
         "right": {"dataSourceId": "%s", "key": "%s:flow:#{id}", "valueType": "STRING"},
         "compare": [{"left": "id", "right": "$"}], "strategy": %s}
        """.formatted(topic, source, db, table, cache, services.prefix, strategy)).id();
  }


  static long gauge(ApiClient api, String name) throws Exception {
    return api.get("/metrics").text().lines().filter(l -> l.startsWith(name + " ")).mapToLong(l -> (long) Double.parseDouble(l.split(" ")[1]))
        .findFirst().orElse(-1);
  }

  @Test
  void partitionsPauseAboveThePendingBoundAndResumeBelowIt() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (KafkaTopics kafka = new KafkaTopics(); Services services = new Services(vertx);
         TallyInProcess tally = new TallyInProcess(StoreFixture.h2(),
             new TallyConfig.Kafka(KafkaTopics.BOOTSTRAP, "tally-bp-" + services.prefix, "earliest", 100))) {
      String topic = services.prefix + "-bp";
      String table = services.prefix + "_bp";
      kafka.create(topic, 1);
      services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY)");
      try {
        String task = configure(tally.api, services, topic, table, "{\"delayMs\": 2000}");
        for (int i = 0; i < 3000; i++) kafka.sendAsync(topic, null, canal(table, i));
        kafka.flush();
        // jobs wait 2 s each: the bound of 100 is crossed, the partition pauses with messages still unread
        tally.api.await("/health", h -> {
          try {
            return gauge(tally.api, "tally_kafka_paused") == 1;
          } catch (Exception e) {
            return false;
          }
        }, LONG);
        assertTrue(kafka.lag("tally-bp-" + services.prefix, topic) > 0, "paused before reading everything");
        assertTrue(gauge(tally.api, "tally_jobs_waiting") < 3000, "not everything was taken in at once");
        // as jobs are checked it resumes, and in the end every message has its verdict
        JsonNode stats = tally.api.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= 3000, LONG);
        assertEquals(3000, ApiClient.verdicts(stats));
        tally.api.await("/health", h -> {
          try {
            return gauge(tally.api, "tally_kafka_paused") == 0;
          } catch (Exception e) {
            return false;
          }
        }, LONG);
      } finally {
        services.sql("DROP TABLE IF EXISTS " + table);
      }
    } finally {
      vertx.close();
    }
  }

  @Test
  void twoNodesShareTheGroupAndOneLeavingLosesAndDuplicatesNothing() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (KafkaTopics kafka = new KafkaTopics(); Services services = new Services(vertx)) {
      String topic = services.prefix + "-rb";
      String table = services.prefix + "_rb";
      String group = "tally-rb-" + services.prefix;
      kafka.create(topic, 3);
      services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY)");
      // both nodes share one MariaDB store, so their verdicts are counted in one place
      TallyConfig.Store store = StoreFixture.mysql("tally_it_" + services.prefix);
      Vertx admin = Vertx.vertx();
      StoreFixture.await(StoreFixture.open(admin, store).close());
      StoreFixture.await(admin.close());
      TallyConfig.Kafka k = new TallyConfig.Kafka(KafkaTopics.BOOTSTRAP, group, "earliest", 20000);
      try (TallyInProcess a = new TallyInProcess(store, k)) {
        String task;
        try (TallyInProcess b = new TallyInProcess(store, k)) {
          task = configure(a.api, services, topic, table, "{}");
          b.api.await("/api/v1/tasks/" + task, t -> true, LONG); // b's cache follows a's write
          for (int i = 0; i < 1500; i++) kafka.sendAsync(topic, String.valueOf(i), canal(table, i));
          kafka.flush();
          a.api.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= 300, LONG);
        } // b leaves the group mid-stream: its partitions move to a
        for (int i = 1500; i < 3000; i++) kafka.sendAsync(topic, String.valueOf(i), canal(table, i));
        kafka.flush();
        a.api.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> ApiClient.verdicts(s) >= 3000, LONG);
        long deadline = System.nanoTime() + LONG.toNanos();
        while (kafka.lag(group, topic) > 0 || a.api.get("/api/v1/jobs").body().get("items").size() > 0) {
          assertTrue(System.nanoTime() < deadline, "the group never caught up");
          java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);
        }
        assertEquals(3000, ApiClient.verdicts(a.api.get("/api/v1/tasks/" + task + "/stats?bucket=day").body()), "no loss, no duplicate");
      } finally {
        services.sql("DROP TABLE IF EXISTS " + table, "DROP DATABASE IF EXISTS tally_it_" + services.prefix);
      }
    } finally {
      vertx.close();
    }
  }
}
