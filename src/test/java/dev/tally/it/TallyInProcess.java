package dev.tally.it;

import static dev.tally.store.StoreFixture.await;

import dev.tally.Main;
import dev.tally.config.TallyConfig;
import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;

/** One Tally node in this JVM on a random port, with a fresh H2 store unless told otherwise. */
public final class TallyInProcess implements AutoCloseable {
  public final Vertx vertx;
  public final ApiClient api;

  public TallyInProcess() throws Exception {
    this(StoreFixture.h2());
  }

  public TallyInProcess(TallyConfig.Store store) throws Exception {
    this(store, TallyConfig.Kafka.NONE);
  }

  public TallyInProcess(TallyConfig.Store store, TallyConfig.Kafka kafka) throws Exception {
    this(new TallyConfig(new TallyConfig.Http("127.0.0.1", 0), store,
        new TallyConfig.Queue("local", 64, 3000), 2, 1000, new TallyConfig.Retention(24, 7), kafka));
  }

  public TallyInProcess(TallyConfig config) throws Exception {
    this(Vertx.vertx(), config);
  }

  /** A node on a Vert.x of the caller's, e.g. a clustered one. */
  public TallyInProcess(Vertx vertx, TallyConfig config) throws Exception {
    this.vertx = vertx;
    int port = await(Main.start(vertx, config));
    api = new ApiClient(port);
  }

  @Override
  public void close() throws Exception {
    await(vertx.close());
  }
}
