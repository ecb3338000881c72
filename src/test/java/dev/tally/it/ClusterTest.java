package dev.tally.it;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.cluster.ClusterSetup;
import dev.tally.config.TallyConfig;
import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Two clustered nodes (Hazelcast, TCP members on 127.0.0.1) sharing one MariaDB store. */
class ClusterTest {
  @Test
  void configurationMadeOnOneNodeServesEventsOnTheOther() throws Exception {
    Vertx plain = Vertx.vertx();
    try (Services services = new Services(plain)) {
      TallyConfig.Store store = StoreFixture.mysql("tally_it_cluster_" + services.prefix);
      await(StoreFixture.open(plain, store).close());
      TallyConfig.Cluster cluster = new TallyConfig.Cluster("127.0.0.1", 5901, "127.0.0.1", "tally-it-" + services.prefix);
      TallyConfig config = TallyInProcess.clusterConfig(store, cluster);
      try (TallyInProcess a = new TallyInProcess(await(ClusterSetup.start(cluster)), config);
           TallyInProcess b = new TallyInProcess(await(ClusterSetup.start(cluster)), config)) {
        String source = a.api.create("/api/v1/event-sources", "{\"name\":\"c\",\"kind\":\"API\"}").id();
        String db = a.api.create("/api/v1/data-sources", "{\"name\":\"db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"database\":\"test\",\"user\":\"root\"}").id();
        String cache = a.api.create("/api/v1/data-sources", "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\"}").id();
        String table = services.prefix + "_cl";
        services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY)");
        try {
          String task = a.api.create("/api/v1/tasks", """
              {"name": "c", "eventSourceId": "%s",
               "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["id"]},
               "right": {"dataSourceId": "%s", "key": "%s:cl:#{id}", "valueType": "STRING"},
               "compare": [{"left": "id", "right": "$"}]}
              """.formatted(source, db, table, cache, services.prefix)).id();
          // b learns of the task through the cluster's configuration notice, then makes jobs from its events
          b.api.await("/api/v1/tasks/" + task, t -> true, Duration.ofSeconds(10));
          long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
          int jobs = 0;
          while (jobs == 0 && System.nanoTime() < deadline) {
            jobs = b.api.post("/api/v1/events/" + source, "{\"id\":\"e1\",\"op\":\"U\",\"data\":{\"id\":1}}").body().get("jobs").asInt();
          }
          assertEquals(1, jobs, "b's cache knows a's task");
          JsonNode stats = a.api.await("/api/v1/tasks/" + task + "/stats?bucket=day", s -> s.get("pass").asInt() == 1, Duration.ofSeconds(30));
          assertEquals(1, stats.get("pass").asInt(), "both nodes count in the shared store");
        } finally {
          services.sql("DROP TABLE IF EXISTS " + table, "DROP DATABASE IF EXISTS tally_it_cluster_" + services.prefix);
        }
      }
    } finally {
      await(plain.close());
    }
  }
}
