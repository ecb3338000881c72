package dev.tally.source;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Coalesces the reads of one side that wait for a free connection into one statement or command batch. At most
 * {@code maxRunning} batches run at a time (the data source's connections). A read that finds all of them busy
 * waits, and the reads that gather meanwhile run together, up to {@code maxBatch} at a time, as soon as a batch
 * ends: under load each round trip then carries many reads, and the database parses, plans and answers one
 * statement instead of one per read.
 *
 * <p>A read that finds a connection free starts its batch once the tasks already queued on its event loop have
 * run: those are mostly the other jobs of the same events (the scheduler hands a POST's jobs over together), and
 * their reads join the batch. That costs one turn of the loop, not a timer, and on a quiet node the batch is the
 * one read. Without it, at half the bench's rate nearly every read went alone, and MariaDB and Tally spent more
 * CPU on a read than at full speed (load-tests/RESULTS.md, run 15). Called off any Vert.x context, a read starts
 * at once.
 *
 * <p>{@code run} answers one value per key, in the keys' order, or fails for the whole batch. Thread-safe: the
 * compare verticles of several event loops share it; a batch runs on the thread that ended the one before, or
 * that gathered it.
 */
final class ReadBatches<K, V> {
  private record Waiting<K, V>(K key, Promise<V> answer) {
  }

  private final int maxRunning;
  private final int maxBatch;
  private final Function<List<K>, Future<List<V>>> run;
  private final ArrayDeque<Waiting<K, V>> waiting = new ArrayDeque<>();
  private int running;
  /** A batch's start is queued on an event loop; reads made meanwhile join it. */
  private boolean gathering;
  /** Whether a read that finds a connection free waits for its loop's turn (see above); off only in tests. */
  private volatile boolean gatherTurns = true;

  ReadBatches(int maxRunning, int maxBatch, Function<List<K>, Future<List<V>>> run) {
    if (maxRunning < 1 || maxBatch < 1) throw new IllegalArgumentException("maxRunning and maxBatch must be positive");
    this.maxRunning = maxRunning;
    this.maxBatch = maxBatch;
    this.run = run;
  }

  Future<V> read(K key) {
    Promise<V> answer = Promise.promise();
    Context context = Vertx.currentContext();
    List<Waiting<K, V>> batch;
    synchronized (this) {
      waiting.add(new Waiting<>(key, answer));
      if (gathering || running >= maxRunning) return answer.future();
      running++;
      if (context != null && gatherTurns) {
        gathering = true;
        batch = null;
      } else {
        batch = take();
      }
    }
    if (batch != null) start(batch);
    else context.runOnContext(v -> startGathered());
    return answer.future();
  }

  /** Starts what gathered: the batch whose place {@link #read} took, and more while connections are free. */
  private void startGathered() {
    List<List<Waiting<K, V>>> batches = new ArrayList<>();
    synchronized (this) {
      gathering = false;
      if (waiting.isEmpty()) {
        // a batch that ended meanwhile took them
        running--;
        return;
      }
      batches.add(take());
      while (!waiting.isEmpty() && running < maxRunning) {
        running++;
        batches.add(take());
      }
    }
    batches.forEach(this::start);
  }

  /**
   * Off: a read that finds a connection free starts at once, alone, on a loop too; tests that watch reads wait for a
   * connection use it, so they see exactly which went alone.
   */
  void gatherTurns(boolean on) {
    gatherTurns = on;
  }

  /** Reads waiting for a batch to end (for tests and the metrics). */
  synchronized int waitingCount() {
    return waiting.size();
  }

  private List<Waiting<K, V>> take() {
    List<Waiting<K, V>> batch = new ArrayList<>(Math.min(maxBatch, waiting.size()));
    while (batch.size() < maxBatch && !waiting.isEmpty()) batch.add(waiting.poll());
    return batch;
  }

  private void start(List<Waiting<K, V>> batch) {
    List<K> keys = new ArrayList<>(batch.size());
    for (Waiting<K, V> w : batch) keys.add(w.key());
    Future<List<V>> answers;
    try {
      answers = run.apply(keys);
    } catch (RuntimeException e) {
      answers = Future.failedFuture(e);
    }
    answers.onComplete(done -> {
      if (done.succeeded() && done.result().size() != batch.size()) {
        fail(batch, new IllegalStateException("a batch of " + batch.size() + " reads answered " + done.result().size()));
      } else if (done.succeeded()) {
        for (int i = 0; i < batch.size(); i++) batch.get(i).answer().tryComplete(done.result().get(i));
      } else {
        fail(batch, done.cause());
      }
      List<Waiting<K, V>> next;
      synchronized (this) {
        if (waiting.isEmpty()) {
          running--;
          return;
        }
        next = take();
      }
      start(next);
    });
  }

  private static <K, V> void fail(List<Waiting<K, V>> batch, Throwable cause) {
    for (Waiting<K, V> w : batch) w.answer().tryFail(cause);
  }
}
