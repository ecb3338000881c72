package dev.tally.source;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/**
 * The start of a read's future chain, bound to the caller's context. {@code Future.succeededFuture()} has no context,
 * and a time-out on a chain without one is scheduled on Netty's global executor: a hand-off to another thread, and
 * its wake-up, for every read and again for its cancellation (a tenth of a core at 10,000 reads a second). On the
 * context, the time-out is a timer of the caller's own event loop.
 */
final class OnContext {
  private OnContext() {
  }

  static Future<Void> start(Vertx vertx) {
    return ((ContextInternal) vertx.getOrCreateContext()).succeededFuture();
  }
}
