package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The coalescing of reads, with batches ended by hand; on an event loop, the gathering of a turn's reads. */
class ReadBatchesTest {
  private final List<List<Integer>> batches = new ArrayList<>();
  private final List<Promise<List<String>>> running = new ArrayList<>();

  private ReadBatches<Integer, String> batcher(int maxRunning, int maxBatch) {
    return new ReadBatches<>(maxRunning, maxBatch, keys -> {
      batches.add(keys);
      Promise<List<String>> answer = Promise.promise();
      running.add(answer);
      return answer.future();
    });
  }

  private static List<String> echo(List<Integer> keys) {
    return keys.stream().map(k -> "v" + k).toList();
  }

  @Test
  void readsRunAloneWhileAConnectionIsFreeAndTogetherOnceAllAreBusy() {
    ReadBatches<Integer, String> reads = batcher(2, 3);
    Future<String> first = reads.read(1);
    Future<String> second = reads.read(2);
    List<Future<String>> queued = new ArrayList<>();
    for (int k = 3; k <= 7; k++) queued.add(reads.read(k));
    assertEquals(List.of(List.of(1), List.of(2)), batches);
    assertEquals(5, reads.waitingCount());

    running.get(0).complete(echo(batches.get(0)));
    assertEquals("v1", first.result());
    assertEquals(List.of(3, 4, 5), batches.get(2), "the waiting reads, at most maxBatch, as one batch");
    running.get(1).complete(echo(batches.get(1)));
    assertEquals("v2", second.result());
    assertEquals(List.of(6, 7), batches.get(3));
    assertEquals(0, reads.waitingCount());

    running.get(2).complete(echo(batches.get(2)));
    running.get(3).complete(echo(batches.get(3)));
    assertEquals(List.of("v3", "v4", "v5", "v6", "v7"), queued.stream().map(Future::result).toList());
    assertEquals(4, batches.size());
    reads.read(8);
    assertEquals(List.of(8), batches.get(4), "both connections free again: a read runs at once");
  }

  @Test
  void aFailedBatchFailsEachOfItsReadsAndTheNextBatchStillRuns() {
    ReadBatches<Integer, String> reads = batcher(1, 10);
    Future<String> first = reads.read(1);
    Future<String> second = reads.read(2);
    Future<String> third = reads.read(3);
    running.get(0).fail(new IllegalStateException("connection reset"));
    assertEquals("connection reset", first.cause().getMessage());
    assertFalse(second.isComplete());
    assertEquals(List.of(2, 3), batches.get(1));
    running.get(1).complete(List.of("only one"));
    assertTrue(second.failed() && third.failed(), "an answer per key or none");
    assertTrue(second.cause().getMessage().contains("a batch of 2 reads answered 1"), second.cause().getMessage());
  }

  @Test
  void aRunThatThrowsFailsItsReadsAndFreesItsPlace() {
    List<Integer> seen = new ArrayList<>();
    ReadBatches<Integer, String> reads = new ReadBatches<>(1, 10, keys -> {
      seen.addAll(keys);
      if (keys.contains(1)) throw new IllegalStateException("pool closed");
      return Future.succeededFuture(echo(keys));
    });
    assertEquals("pool closed", reads.read(1).cause().getMessage());
    assertEquals("v2", reads.read(2).result());
    assertEquals(List.of(1, 2), seen);
  }

  @Test
  void onAnEventLoopTheReadsOfTheTasksAlreadyQueuedJoinTheFirstReadsBatch() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ReadBatches<Integer, String> reads = new ReadBatches<>(4, 10, keys -> {
        batches.add(keys);
        return Future.succeededFuture(echo(keys));
      });
      Context loop = vertx.getOrCreateContext();
      CompletableFuture<List<String>> answered = new CompletableFuture<>();
      loop.runOnContext(v -> {
        List<Future<String>> all = new ArrayList<>();
        // the other jobs of a POST, handed over together: their tasks are queued before the first one reads
        for (int k = 2; k <= 4; k++) {
          int key = k;
          loop.runOnContext(x -> all.add(reads.read(key)));
        }
        all.add(reads.read(1));
        loop.runOnContext(x -> Future.all(all).onSuccess(f -> answered.complete(all.stream().map(Future::result).toList())));
      });
      assertEquals(List.of("v1", "v2", "v3", "v4"), answered.get(10, TimeUnit.SECONDS));
      assertEquals(List.of(List.of(1, 2, 3, 4)), batches, "one batch, though connections were free");
      CompletableFuture<String> alone = new CompletableFuture<>();
      loop.runOnContext(v -> reads.read(5).onSuccess(alone::complete));
      assertEquals("v5", alone.get(10, TimeUnit.SECONDS));
      assertEquals(List.of(5), batches.get(1), "a quiet loop's read is a batch of one");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aGatheredStartThatFindsItsReadsTakenGivesItsPlaceBack() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ReadBatches<Integer, String> reads = batcher(2, 10);
      reads.read(1);
      CompletableFuture<Void> done = new CompletableFuture<>();
      Context loop = vertx.getOrCreateContext();
      loop.runOnContext(v -> {
        reads.read(2);
        // the running batch ends before the gathered start runs, and takes read 2 itself
        running.get(0).complete(echo(batches.get(0)));
        loop.runOnContext(x -> done.complete(null));
      });
      done.get(10, TimeUnit.SECONDS);
      assertEquals(List.of(List.of(1), List.of(2)), batches);
      reads.read(3);
      assertEquals(List.of(3), batches.get(2), "one batch runs, so a connection is free for read 3 at once");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
