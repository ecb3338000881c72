package dev.tally.store;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.config.TallyConfig;
import io.vertx.sqlclient.Pool;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Sessions nobody logs out of are deleted by the retention sweep once expired. */
class AuthRepositoryTest extends BothStoresTest {
  static Stream<TallyConfig.Store> stores() throws Exception {
    return Stream.of(StoreFixture.h2(), StoreFixture.mysql("tally_test_auth"));
  }

  @ParameterizedTest
  @MethodSource("stores")
  void expiredSessionsAreDeletedAndLiveOnesKept(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    AuthRepository auth = new AuthRepository(pool);
    await(auth.createSession("u1", "expired-a", "csrf-a", 1_000));
    await(auth.createSession("u1", "expired-b", "csrf-b", 1_999));
    await(auth.createSession("u2", "live", "csrf-c", 5_000));

    assertEquals(2, await(auth.deleteExpiredSessions(2_000)));
    assertEquals(1L, await(pool.query("SELECT COUNT(*) FROM sessions").execute()).iterator().next().getLong(0));
    assertEquals(0, await(auth.deleteExpiredSessions(2_000)), "nothing left to delete");
    await(pool.close());
  }
}
