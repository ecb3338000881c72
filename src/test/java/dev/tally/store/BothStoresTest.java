package dev.tally.store;

import static dev.tally.store.StoreFixture.await;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class whose repository tests run against both store kinds: each names its stores in a static
 * {@code stores()} (H2, and a MariaDB database of its own) for {@code @MethodSource}.
 */
public abstract class BothStoresTest {
  protected static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    await(vertx.close());
  }
}
