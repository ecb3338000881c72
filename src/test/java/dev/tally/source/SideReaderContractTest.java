package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.Event;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import io.vertx.core.Vertx;
import java.util.Map;
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

  @Test
  void contractTestPassesOnTheRealServer() {
    Await.result(reader().test());
  }
}
