package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.store.StoreFixture;
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
      try (Services cleanup = new Services(io.vertx.core.Vertx.vertx())) {
        cleanup.sql("DROP DATABASE IF EXISTS `" + database + "`");
      }
    }
  }
}
