package dev.tally.it;

import static dev.tally.store.StoreFixture.await;

import dev.tally.config.TallyConfig;
import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;

/** {@link AuthApiTest} on the MariaDB store, the one a cluster shares: the same SQL must hold there. */
class AuthApiMySqlTest extends AuthApiTest {
  @Override
  TallyConfig.Store store() throws Exception {
    TallyConfig.Store store = StoreFixture.mysql("tally_test_auth_api");
    Vertx vertx = Vertx.vertx();
    try {
      await(StoreFixture.open(vertx, store).close());
    } finally {
      await(vertx.close());
    }
    return store;
  }
}
