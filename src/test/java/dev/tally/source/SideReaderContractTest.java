package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.Event;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every SideReader promises (see its Javadoc), run against each implementation and a real server.
 * Subclasses set up their fixtures in their own {@code @BeforeAll}, which runs after this one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SideReaderContractTest {
  protected Vertx vertx;

  /** A reader connected to the real server. */
  protected abstract SideReader reader();

  /** A reader whose server cannot be reached (port 1). */
  protected abstract SideReader unreachableReader();

  /** A spec whose template uses the variable {@code id}. */
  protected abstract SideSpec spec();

  /** The {@code id} of an entity the fixtures created, and one that does not exist. */
  protected abstract Object foundId();

  protected abstract Object missingId();

  @BeforeAll
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  void stopVertx() {
    Await.result(vertx.close());
  }

  protected static Event event(Map<String, Object> data) {
    return new Event("e1", "src", "update", data, null, 0L, 0L);
  }

  protected SideRead read(SideReader reader, SideSpec spec, Map<String, Object> data) {
    return Await.result(reader.read(spec, event(data)));
  }

  @Test
  void contractFoundEntityHasValuesAndTheQuery() {
    SideRead read = read(reader(), spec(), Map.of("id", foundId()));
    assertNull(read.error());
    assertTrue(read.found());
    assertFalse(read.values().isEmpty());
    assertNotNull(read.query());
  }

  @Test
  void contractAbsentEntityIsMissingNotFailed() {
    SideRead read = read(reader(), spec(), Map.of("id", missingId()));
    assertNull(read.error());
    assertFalse(read.found());
    assertTrue(read.values().isEmpty());
  }

  @Test
  void contractMissingVariableFailsTheSideNotTheFuture() {
    SideRead read = read(reader(), spec(), Map.of("other", 1));
    assertTrue(read.failed());
    assertTrue(read.error().contains("'id'"), read.error());
  }

  @Test
  void contractUnreachableServerFailsTheSideQuicklyAndTheTest() {
    SideReader unreachable = unreachableReader();
    try {
      long start = System.nanoTime();
      SideRead read = read(unreachable, spec(), Map.of("id", foundId()));
      assertTrue(read.failed());
      assertTrue((System.nanoTime() - start) / 1_000_000 < 3000, "took too long");
      Throwable failure = Await.failure(unreachable.test());
      assertTrue(failure.getMessage().contains("connection refused"), failure.getMessage());
    } finally {
      Await.result(unreachable.close());
    }
  }

  /**
   * A read's time-out is a timer of the event loop that asked for the read, and its failed side is answered there. A
   * chain with no context would schedule the time-out on Netty's global executor instead: a hand-off to another
   * thread, and its wake-up, for every read. The server is a listener that accepts connections and never answers, so
   * every read ends in its time-out.
   */
  protected void assertTimeOutAnswersOnTheAskingEventLoop(java.util.function.IntFunction<SideReader> readerOfPort)
      throws Exception {
    io.vertx.core.net.NetServer silent = vertx.createNetServer().connectHandler(socket -> { });
    int port = Await.result(silent.listen(0, "127.0.0.1")).actualPort();
    SideReader reader = readerOfPort.apply(port);
    try {
      Context context = ((VertxInternal) vertx).createEventLoopContext();
      java.util.concurrent.CompletableFuture<String> answeredOn = new java.util.concurrent.CompletableFuture<>();
      java.util.concurrent.CompletableFuture<String> askedOn = new java.util.concurrent.CompletableFuture<>();
      context.runOnContext(v -> {
        askedOn.complete(Thread.currentThread().getName());
        reader.read(spec(), event(Map.of("id", foundId()))).onComplete(done -> {
          assertTrue(done.succeeded() && done.result().failed(), "a side that does not answer fails the side");
          answeredOn.complete(Thread.currentThread().getName());
        });
      });
      assertEquals(askedOn.get(10, TimeUnit.SECONDS), answeredOn.get(10, TimeUnit.SECONDS));
    } finally {
      Await.result(reader.close());
      Await.result(silent.close());
    }
  }

  @Test
  void contractTestPassesOnTheRealServer() {
    Await.result(reader().test());
  }
}
