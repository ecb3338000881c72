package dev.tally.it;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.auth.Role;
import dev.tally.cluster.ClusterSetup;
import dev.tally.config.TallyConfig;
import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Two closed, clustered nodes on one MariaDB store: a token revoked on one node stops working on the other well
 * before the 5 s its caller may be cached there, because the revocation is published on the event bus.
 */
class AuthClusterTest {
  @Test
  void aTokenRevokedOnOneNodeStopsOnTheOtherAtOnce() throws Exception {
    Vertx plain = Vertx.vertx();
    try (Services services = new Services(plain)) {
      TallyConfig.Store store = StoreFixture.mysql("tally_it_auth_cluster_" + services.prefix);
      await(StoreFixture.open(plain, store).close());
      TallyConfig.Cluster cluster = new TallyConfig.Cluster("127.0.0.1", 5931, "127.0.0.1", "tally-auth-" + services.prefix);
      TallyConfig config = TallyInProcess.clusterConfig(store, cluster);
      try (TallyInProcess a = TallyInProcess.closed(await(ClusterSetup.start(cluster)), config);
           TallyInProcess b = TallyInProcess.closed(await(ClusterSetup.start(cluster)), config);
           AuthFixture users = new AuthFixture(plain, store)) {
        String token = users.userToken("olivia", true, Map.of());
        String viewerToken = users.userToken("victor", false, Map.of("default", Role.VIEWER));
        ApiClient onA = a.api.withBearer(token);
        ApiClient onB = b.api.withBearer(token);
        String tokenId = onA.get("/api/v1/auth/tokens").body().get("items").get(0).get("id").asText();
        assertEquals(200, onB.get("/api/v1/tasks").status(), "b now caches the token's caller");
        assertEquals(204, onA.delete("/api/v1/auth/tokens/" + tokenId).status());
        assertEquals(401, onA.get("/api/v1/tasks").status(), "at once on the node that revoked");
        assertEquals(401, statusWithin(onB, Duration.ofSeconds(2)), "within 2 s on the other node (the cache holds 5 s)");

        // a role change, made on a, is seen by b: victor's viewer role is taken away
        ApiClient victorOnB = b.api.withBearer(viewerToken);
        assertEquals(200, victorOnB.get("/api/v1/auth/me").status());
        String ownerToken = users.userToken("oscar", true, Map.of());
        ApiClient oscar = a.api.withBearer(ownerToken);
        String victorId = victorOnB.get("/api/v1/auth/me").body().get("id").asText();
        assertEquals(200, oscar.put("/api/v1/users/" + victorId, "{\"disabled\":true}").status());
        assertEquals(401, statusWithin(victorOnB, Duration.ofSeconds(2)), "a disabled user's token stops on b too");
      } finally {
        services.sql("DROP DATABASE IF EXISTS tally_it_auth_cluster_" + services.prefix);
      }
    } finally {
      await(plain.close());
    }
  }

  /** Polls GET /api/v1/tasks until it answers 401 or the deadline passes; the last status. */
  private static int statusWithin(ApiClient client, Duration deadline) throws Exception {
    long end = System.nanoTime() + deadline.toNanos();
    int status;
    do {
      status = client.get("/api/v1/tasks").status();
      if (status == 401) return status;
      LockSupport.parkNanos(20_000_000);
    } while (System.nanoTime() < end);
    return status;
  }
}
