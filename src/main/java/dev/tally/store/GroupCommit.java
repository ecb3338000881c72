package dev.tally.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Group commit for a batch write many callers make at once (the jobs of concurrent POSTs): while one transaction
 * is written, the requests that arrive gather and go together in the next, so the store commits once for all of
 * them rather than once each. H2 serialises every page a commit touched, so fewer, larger commits are cheaper per
 * row, and callers queue behind one commit instead of many. Each caller is answered on its own context, with the
 * part of the batch's answer that is its own.
 *
 * <p>With a linger, a batch that is not full is held until its first request has waited that long, so a moderate
 * load makes fewer, fuller commits: each commit has a cost of its own (on H2 it rewrites every page it touched, however
 * few rows changed there). A full batch, or one whose first request waited out the previous write, goes at once.
 *
 * @param <T> one item of a request (a job)
 * @param <R> what the write answers for one item, positionally
 */
public final class GroupCommit<T, R> {
  private record Request<T, R>(List<T> items, Promise<List<R>> answer, long arrivedNanos) {
  }

  private final Vertx vertx;
  private final int maxItems;
  private final long lingerNanos;
  private final Function<List<T>, Future<List<R>>> write;
  private final ArrayDeque<Request<T, R>> waiting = new ArrayDeque<>();
  private int waitingItems;
  private boolean writing;
  private boolean lingering;

  /** {@code write}: writes the items in one transaction and answers one R per item, in order. */
  public GroupCommit(Vertx vertx, int maxItems, Function<List<T>, Future<List<R>>> write) {
    this(vertx, maxItems, Duration.ZERO, write);
  }

  /** {@code linger}: how long a batch that is not full waits for more, counted from its first request. */
  public GroupCommit(Vertx vertx, int maxItems, Duration linger, Function<List<T>, Future<List<R>>> write) {
    this.vertx = vertx;
    this.maxItems = maxItems;
    this.lingerNanos = linger.toNanos();
    this.write = write;
  }

  public Future<List<R>> submit(List<T> items) {
    Promise<List<R>> answer = ((ContextInternal) vertx.getOrCreateContext()).promise();
    synchronized (this) {
      waiting.add(new Request<>(items, answer, System.nanoTime()));
      waitingItems += items.size();
    }
    writeNext();
    return answer.future();
  }

  private void writeNext() {
    List<Request<T, R>> batch = new ArrayList<>();
    List<T> items = new ArrayList<>();
    synchronized (this) {
      if (writing || waiting.isEmpty()) return;
      long wait = lingerNanos - (System.nanoTime() - waiting.peek().arrivedNanos());
      if (wait > 0 && waitingItems < maxItems) {
        if (!lingering) {
          lingering = true;
          vertx.setTimer(Math.max(1, (wait + 999_999) / 1_000_000), id -> {
            synchronized (this) {
              lingering = false;
            }
            writeNext();
          });
        }
        return;
      }
      writing = true;
      // one request larger than the bound still goes, alone
      while (!waiting.isEmpty() && (items.isEmpty() || items.size() + waiting.peek().items().size() <= maxItems)) {
        Request<T, R> next = waiting.poll();
        batch.add(next);
        items.addAll(next.items());
      }
      waitingItems -= items.size();
    }
    Future<List<R>> written;
    try {
      written = write.apply(items);
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    written.onComplete(done -> {
      synchronized (this) {
        writing = false;
      }
      int from = 0;
      for (Request<T, R> request : batch) {
        int to = from + request.items().size();
        if (done.succeeded()) request.answer().complete(done.result().subList(from, to));
        else request.answer().fail(done.cause());
        from = to;
      }
      writeNext();
    });
  }
}
