package dev.tally.store;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConfigCacheTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  @Test
  void aTaskIdTheStoreDoesNotHaveIsAskedForOncePerPeriodNotPerJob() throws Exception {
    Pool pool = StoreFixture.open(vertx, StoreFixture.h2());
    ConfigCache cache = new ConfigCache(new ConfigRepository(pool, StoreFixture.secrets()));
    await(cache.reload());
    assertNull(await(cache.taskFresh("01deadbeef0000000000gone")), "no such task");

    await(pool.close());
    // answered from memory: with the store closed, a query would fail
    assertNull(await(cache.taskFresh("01deadbeef0000000000gone")));
    assertThrows(ExecutionException.class, () -> await(cache.taskFresh("01deadbeef000000000other")),
        "an id not asked before still goes to the store (closed here)");
  }

  @Test
  void aMissIsForgottenOnReload() throws Exception {
    Pool pool = StoreFixture.open(vertx, StoreFixture.h2());
    ConfigCache cache = new ConfigCache(new ConfigRepository(pool, StoreFixture.secrets()));
    assertNull(await(cache.taskFresh("01deadbeef0000000000gone")));
    await(cache.reload());
    await(pool.close());
    assertThrows(ExecutionException.class, () -> await(cache.taskFresh("01deadbeef0000000000gone")),
        "after a reload the store is asked again (a task may have been created with that id)");
  }
}
