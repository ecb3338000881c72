package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.auth.Role;
import dev.tally.config.TallyConfig;
import dev.tally.store.StoreFixture;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node in the default, closed mode: no credentials, no API; a token lets its user in, an ingestion token only to its source. */
class AuthClosedTest {
  @Test
  void theApiNeedsATokenAndAnIngestionTokenOpensOneDoorOnly() throws Exception {
    TallyConfig.Store store = StoreFixture.h2();
    TallyConfig config = new TallyConfig(new TallyConfig.Http("127.0.0.1", 0), store,
        new TallyConfig.Queue("local", 64, 3000), 2, 1000);
    try (TallyInProcess tally = TallyInProcess.closed(config); AuthFixture users = new AuthFixture(tally.vertx, store)) {
      ApiClient.Response anonymous = tally.api.get("/api/v1/tasks");
      assertEquals(401, anonymous.status(), anonymous.text());
      assertEquals("unauthenticated", anonymous.body().get("error").asText(), anonymous.text());
      assertEquals(401, tally.api.withBearer("tly_not-a-token").get("/api/v1/tasks").status());

      ApiClient owner = tally.api.withBearer(users.userToken("olivia", true, Map.of()));
      assertEquals(200, owner.get("/api/v1/tasks").status());
      String source = owner.create("/api/v1/event-sources", "{\"name\":\"orders\",\"kind\":\"API\"}").id();
      String other = owner.create("/api/v1/event-sources", "{\"name\":\"other\",\"kind\":\"API\"}").id();

      ApiClient producer = tally.api.withBearer(users.ingestToken(source));
      assertEquals(202, producer.post("/api/v1/events/" + source, "{\"op\":\"UPDATE\",\"data\":{\"id\":1}}").status());
      assertEquals(403, producer.post("/api/v1/events/" + other, "{\"op\":\"UPDATE\",\"data\":{\"id\":1}}").status());
      assertEquals(403, producer.get("/api/v1/tasks").status());

      ApiClient viewer = tally.api.withBearer(users.userToken("victor", false, Map.of("default", Role.VIEWER)));
      assertEquals(200, viewer.get("/api/v1/event-sources").status());
    }
  }
}
