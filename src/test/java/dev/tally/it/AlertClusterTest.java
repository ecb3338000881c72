package dev.tally.it;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.cluster.ClusterSetup;
import dev.tally.config.TallyConfig;
import dev.tally.model.Json;
import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Alerts on two clustered nodes sharing one MariaDB store: both record failures of the same task at once, both
 * run the alert sender, and still each window makes one message per channel with the exact count.
 */
class AlertClusterTest {
  private static final int PER_NODE = 150;

  @Test
  void twoNodesSendOneMessagePerWindowWithTheCountOfBoth() throws Exception {
    Vertx plain = Vertx.vertx();
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer receiver = await(plain.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      received.add(body.toString());
      req.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1"));
    try (Services services = new Services(plain)) {
      TallyConfig.Store store = StoreFixture.mysql("tally_it_alerts_" + services.prefix);
      await(StoreFixture.open(plain, store).close());
      TallyConfig.Cluster cluster = new TallyConfig.Cluster("127.0.0.1", 5921, "127.0.0.1", "tally-alerts-" + services.prefix);
      TallyConfig config = new TallyConfig(new TallyConfig.Http("127.0.0.1", 0, "https://tally.example"), store,
          new TallyConfig.Queue("local", 64, 3000), 2, 1000, new TallyConfig.Retention(24, 7), TallyConfig.Kafka.NONE,
          TallyConfig.RocketMq.DEFAULT, cluster);
      String table = services.prefix + "_alc";
      services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY)");
      try (TallyInProcess a = new TallyInProcess(await(ClusterSetup.start(cluster)), config);
           TallyInProcess b = new TallyInProcess(await(ClusterSetup.start(cluster)), config)) {
        String source = a.api.create("/api/v1/event-sources", "{\"name\":\"c\",\"kind\":\"API\"}").id();
        String db = a.api.create("/api/v1/data-sources", "{\"name\":\"db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"database\":\"test\",\"user\":\"root\"}").id();
        String cache = a.api.create("/api/v1/data-sources", "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\"}").id();
        String channel = a.api.create("/api/v1/alert-channels", Json.write(java.util.Map.of("name", "hook", "kind", "WEBHOOK",
            "url", "http://127.0.0.1:" + receiver.actualPort() + "/hook"))).id();
        String task = a.api.create("/api/v1/tasks", """
            {"name": "c", "eventSourceId": "%s",
             "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["id"]},
             "right": {"dataSourceId": "%s", "key": "%s:alc:#{id}", "valueType": "STRING"},
             "compare": [{"left": "id", "right": "$"}],
             "alert": {"channelIds": ["%s"], "windowSeconds": 10}}
            """.formatted(source, db, table, cache, services.prefix, channel)).id();
        StringBuilder rows = new StringBuilder("INSERT INTO " + table + " (id) VALUES ");
        for (int i = 1; i <= 2 * PER_NODE; i++) rows.append(i == 1 ? "" : ",").append('(').append(i).append(')');
        services.sql(rows.toString());
        b.api.await("/api/v1/tasks/" + task, t -> t.has("alert"), Duration.ofSeconds(10));
        // each node makes jobs from its half of the events (b's cache learns of the task through the cluster)
        assertEquals(PER_NODE, a.api.post("/api/v1/events/" + source, events(1)).body().get("jobs").asInt());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int jobs = 0;
        while (jobs == 0 && System.nanoTime() < deadline) {
          jobs = b.api.post("/api/v1/events/" + source, events(PER_NODE + 1)).body().get("jobs").asInt();
        }
        assertEquals(PER_NODE, jobs, "b's cache knows a's task");

        JsonNode page = a.api.await("/api/v1/alert-deliveries?taskId=" + task, p -> sum(p.get("items")) == 2 * PER_NODE
            && allSent(p.get("items")), Duration.ofSeconds(90));
        Set<Long> windows = new HashSet<>();
        for (JsonNode d : page.get("items")) assertTrue(windows.add(d.get("windowStart").asLong()), "one message per window: " + page);
        assertEquals(page.get("items").size(), received.size(), "each delivery sent once: " + received);
        long counted = 0;
        for (String body : received) {
          JsonNode n = Json.MAPPER.readTree(body);
          assertEquals("https://tally.example/#/discrepancies?taskId=" + task, n.get("link").asText());
          counted += n.get("count").asLong();
        }
        assertEquals(2 * PER_NODE, counted);
      } finally {
        services.sql("DROP TABLE IF EXISTS " + table, "DROP DATABASE IF EXISTS tally_it_alerts_" + services.prefix);
      }
    } finally {
      await(plain.close());
    }
  }

  private static String events(int first) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = first; i < first + PER_NODE; i++) {
      sb.append(i == first ? "" : ",").append("{\"op\":\"UPDATE\",\"data\":{\"id\":").append(i).append("}}");
    }
    return sb.append(']').toString();
  }

  private static boolean allSent(JsonNode items) {
    for (JsonNode i : items) if (!"SENT".equals(i.get("status").asText())) return false;
    return true;
  }

  private static long sum(JsonNode items) {
    long n = 0;
    for (JsonNode i : items) n += i.get("count").asLong();
    return n;
  }
}
