package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.config.TallyConfig;
import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** /ready on a node whose MariaDB store goes away (its database dropped): not ready, naming the failed checks. */
class ReadinessTest {
  @Test
  void notReadyOnceTheStoreIsGone() throws Exception {
    String database = "tally_ready_" + Long.toHexString(System.nanoTime());
    try (TallyInProcess tally = new TallyInProcess(StoreFixture.mysql(database)); Services services = new Services(tally.vertx)) {
      ApiClient.Response ready = tally.api.get("/ready");
      assertEquals(200, ready.status(), ready.text());

      services.sql("DROP DATABASE `" + database + "`");
      ApiClient.Response down = tally.api.get("/ready");
      assertEquals(503, down.status(), down.text());
      JsonNode body = down.body();
      assertEquals("NOT_READY", body.get("status").asText());
      List<String> failed = new ArrayList<>();
      body.get("failed").forEach(f -> failed.add(f.asText()));
      assertEquals(List.of("store", "queue"), failed, down.text());
      assertFalse(body.get("checks").get("store").get("ok").asBoolean());
      assertTrue(body.get("checks").get("store").get("error").asText().contains("schema_version"), down.text());
      // liveness is not readiness: the process still answers
      assertEquals(200, tally.api.get("/health").status());
    } finally {
      Vertx cleanupVertx = Vertx.vertx();
      try (Services cleanup = new Services(cleanupVertx)) {
        cleanup.sql("DROP DATABASE IF EXISTS `" + database + "`");
      } finally {
        StoreFixture.await(cleanupVertx.close());
      }
    }
  }

  /**
   * A node on RocketMQ through a TCP relay to the test script's proxy: ready while the relay listens; once it
   * stops, the queue check fails (the store's still passes) and says which endpoint it could not reach.
   */
  @Test
  void notReadyOnceTheRocketMqProxyIsUnreachable() throws Exception {
    Vertx relayVertx = Vertx.vertx();
    try {
      TallyConfig.RocketMq defaults = TallyConfig.RocketMq.DEFAULT;
      String[] proxy = defaults.endpoints().split(":");
      NetServer relay = StoreFixture.await(relayVertx.createNetServer().connectHandler(in -> {
        in.pause();
        relayVertx.createNetClient().connect(Integer.parseInt(proxy[1]), proxy[0])
            .onSuccess(out -> {
              in.pipeTo(out);
              out.pipeTo(in);
              in.resume();
            })
            .onFailure(err -> in.close());
      }).listen(0, "127.0.0.1"));
      String endpoint = "127.0.0.1:" + relay.actualPort();
      TallyConfig config = new TallyConfig(new TallyConfig.Http("127.0.0.1", 0), StoreFixture.h2(),
          new TallyConfig.Queue("rocketmq", 64, 3000), 2, 1000, new TallyConfig.Retention(24, 7), TallyConfig.Kafka.NONE,
          new TallyConfig.RocketMq(endpoint, defaults.normalTopic(), defaults.priorityTopic(), defaults.delayTopic(),
              "tally-ready-" + Long.toHexString(System.nanoTime()), 1));
      try (TallyInProcess tally = new TallyInProcess(config)) {
        ApiClient.Response ready = tally.api.get("/ready");
        assertEquals(200, ready.status(), ready.text());

        StoreFixture.await(relay.close());
        // the close completes before the kernel is sure to refuse the next connect: poll with a deadline
        ApiClient.Response down = tally.api.awaitStatus("/ready", 503, java.time.Duration.ofSeconds(15));
        assertEquals(503, down.status(), down.text());
        assertEquals("queue", down.body().get("failed").get(0).asText(), down.text());
        assertEquals(1, down.body().get("failed").size(), down.text());
        assertTrue(down.body().get("checks").get("store").get("ok").asBoolean(), down.text());
        assertTrue(down.body().get("checks").get("queue").get("error").asText().contains(endpoint), down.text());
      }
    } finally {
      StoreFixture.await(relayVertx.close());
    }
  }
}
