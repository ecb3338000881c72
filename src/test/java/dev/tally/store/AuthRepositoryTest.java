package dev.tally.store;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.config.TallyConfig;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Sessions and the last-owner rule, on both stores. */
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

  @ParameterizedTest
  @MethodSource("stores")
  void twoConcurrentDemotionsOfTheLastTwoOwnersCannotBothPass(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    AuthRepository auth = new AuthRepository(pool);
    for (int round = 0; round < 5; round++) {
      String a = await(auth.createUser("a" + round, "hash", true, Map.of()));
      String b = await(auth.createUser("b" + round, "hash", true, Map.of()));
      AuthRepository.OwnerCheck lastOwner = (isOwner, owners) -> isOwner && owners <= 1 ? "the last owner" : null;
      // the owners of earlier rounds are gone: a and b are the only two
      Future<Void> demoteA = auth.updateUser(a, false, null, null, null, lastOwner);
      Future<Void> demoteB = auth.updateUser(b, false, null, null, null, lastOwner);
      long refused = 0;
      for (Future<Void> f : List.of(demoteA, demoteB)) {
        try {
          await(f);
        } catch (ExecutionException e) {
          assertEquals(AuthRepository.Refused.class, e.getCause().getClass(), String.valueOf(e.getCause()));
          refused++;
        }
      }
      assertEquals(1, refused, "round " + round + ": exactly one of the two demotions is refused");
      assertEquals(1L, await(auth.activeOwners()));
      // the next round starts with no owner again
      String survivor = await(auth.user(a)).owner() ? a : b;
      await(auth.deleteUser(survivor, (isOwner, owners) -> null));
    }
    await(pool.close());
  }
}
