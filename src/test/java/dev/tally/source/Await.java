package dev.tally.source;

import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Blocks a test thread (never an event loop) on a future. */
final class Await {
  private Await() {
  }

  static <T> T result(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("future failed: " + e.getCause().getMessage(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The failure of a future that must fail. */
  static Throwable failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected the future to fail");
  }
}
