package dev.tally.it;

import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/** A user's partner API on 127.0.0.1 that answers every request with {"status":"NEW"}, after a fixed time. */
public final class SlowPartner implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  public SlowPartner(long answerAfterMs) throws Exception {
    server = StoreFixture.await(vertx.createHttpServer()
        .requestHandler(req -> vertx.setTimer(answerAfterMs, id -> req.response().putHeader("content-type", "application/json")
            .end("{\"status\":\"NEW\"}")))
        .listen(0, "127.0.0.1"));
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() throws Exception {
    StoreFixture.await(vertx.close());
  }
}
