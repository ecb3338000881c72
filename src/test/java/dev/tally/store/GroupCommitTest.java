package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
  private final Vertx vertx = Vertx.vertx();
  private final List<List<Integer>> writes = new CopyOnWriteArrayList<>();
  private final List<Promise<List<String>>> pending = new CopyOnWriteArrayList<>();
  private final List<Long> writeTimes = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A write that is held open until the test completes it, answering "w<batch>:<item>". */
  private Future<List<String>> heldWrite(List<Integer> items) {
    writeTimes.add(System.nanoTime());
    writes.add(List.copyOf(items));
    Promise<List<String>> promise = Promise.promise();
    pending.add(promise);
    return promise.future();
  }

  private void completeWrite(int index) {
    List<String> answer = new ArrayList<>();
    for (int item : writes.get(index)) answer.add("w" + index + ":" + item);
    pending.get(index).complete(answer);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void requestsArrivingDuringAWriteGoTogetherInTheNextAndEachGetsItsOwnAnswers() throws Exception {
    GroupCommit<Integer, String> group = new GroupCommit<>(vertx, 100, this::heldWrite);
    Future<List<String>> first = group.submit(List.of(1, 2));
    Future<List<String>> second = group.submit(List.of(3));
    Future<List<String>> third = group.submit(List.of(4, 5, 6));
    assertEquals(List.of(List.of(1, 2)), writes, "the first request is written at once, alone");
    completeWrite(0);
    assertEquals(List.of("w0:1", "w0:2"), await(first));
    assertEquals(2, writes.size());
    assertEquals(List.of(3, 4, 5, 6), writes.get(1), "the two that waited are one write");
    completeWrite(1);
    assertEquals(List.of("w1:3"), await(second));
    assertEquals(List.of("w1:4", "w1:5", "w1:6"), await(third));
  }

  @Test
  void aGroupStopsAtTheBoundButALargerRequestStillGoesAlone() throws Exception {
    GroupCommit<Integer, String> group = new GroupCommit<>(vertx, 3, this::heldWrite);
    group.submit(List.of(0));
    Future<List<String>> big = group.submit(List.of(1, 2, 3, 4));
    Future<List<String>> small = group.submit(List.of(5));
    completeWrite(0);
    assertEquals(List.of(1, 2, 3, 4), writes.get(1));
    completeWrite(1);
    assertEquals(4, await(big).size());
    assertEquals(List.of(5), writes.get(2));
    completeWrite(2);
    assertEquals(List.of("w2:5"), await(small));
  }

  @Test
  void aFailedWriteFailsEveryRequestInItAndTheNextWriteStillRuns() throws Exception {
    GroupCommit<Integer, String> group = new GroupCommit<>(vertx, 100, this::heldWrite);
    Future<List<String>> first = group.submit(List.of(1));
    Future<List<String>> second = group.submit(List.of(2));
    Future<List<String>> third = group.submit(List.of(3));
    pending.get(0).fail("store down");
    ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> await(first));
    assertTrue(failed.getCause().getMessage().contains("store down"));
    pending.get(1).fail("still down");
    assertThrows(second);
    assertThrows(third);
    Future<List<String>> later = group.submit(List.of(4));
    completeWrite(2);
    assertEquals(List.of("w2:4"), await(later));
  }

  @Test
  void withALingerASmallBatchWaitsForMoreButNoLongerThanTheLinger() throws Exception {
    GroupCommit<Integer, String> group = new GroupCommit<>(vertx, 100, Duration.ofMillis(300), this::heldWrite);
    long started = System.nanoTime();
    Future<List<String>> first = group.submit(List.of(1));
    assertTrue(writes.isEmpty(), "a batch of one is not written at once");
    Future<List<String>> second = await(vertx.timer(100).map(x -> group.submit(List.of(2, 3))));
    await(waitForWrites(1));
    long waitedMs = (writeTimes.get(0) - started) / 1_000_000;
    assertEquals(List.of(List.of(1, 2, 3)), writes, "the request that came while it lingered went with it");
    assertTrue(waitedMs >= 300, "written after " + waitedMs + " ms, before the first request had waited 300 ms");
    completeWrite(0);
    assertEquals(List.of("w0:1"), await(first));
    assertEquals(List.of("w0:2", "w0:3"), await(second));
  }

  @Test
  void withALingerAFullBatchGoesAtOnce() throws Exception {
    GroupCommit<Integer, String> group = new GroupCommit<>(vertx, 3, Duration.ofSeconds(60), this::heldWrite);
    Future<List<String>> first = group.submit(List.of(1, 2));
    assertTrue(writes.isEmpty());
    group.submit(List.of(3));
    assertEquals(List.of(List.of(1, 2, 3)), writes, "three of three: written without waiting out the linger");
    completeWrite(0);
    assertEquals(List.of("w0:1", "w0:2"), await(first));
  }

  @Test
  void withALingerABatchThatWaitedOutAWriteGoesWhenTheWriteEnds() throws Exception {
    GroupCommit<Integer, String> group = new GroupCommit<>(vertx, 100, Duration.ofMillis(50), this::heldWrite);
    group.submit(List.of(1));
    await(waitForWrites(1));
    Future<List<String>> second = group.submit(List.of(2));
    await(vertx.timer(200));
    assertEquals(1, writes.size(), "one write at a time");
    completeWrite(0);
    assertEquals(List.of(2), writes.get(1), "its request had waited longer than the linger: written as the first ended");
    completeWrite(1);
    assertEquals(List.of("w1:2"), await(second));
  }

  /** Completes once {@code n} writes have begun (10 s deadline, checked every 5 ms). */
  private Future<Void> waitForWrites(int n) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    vertx.setPeriodic(5, id -> {
      if (writes.size() >= n || System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        if (writes.size() >= n) done.complete();
        else done.fail("only " + writes.size() + " write(s) began");
      }
    });
    return done.future();
  }

  private static void assertThrows(Future<?> future) {
    org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> await(future));
  }
}
