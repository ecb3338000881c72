package dev.tally.store;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.config.TallyConfig;
import dev.tally.model.Attempt;
import dev.tally.model.Event;
import dev.tally.model.Ids;
import dev.tally.model.Job;
import dev.tally.model.Result;
import dev.tally.model.Status;
import io.vertx.sqlclient.Pool;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same repository code against both store kinds. */
class JobRepositoryTest extends BothStoresTest {
  static Stream<TallyConfig.Store> stores() throws Exception {
    return Stream.of(StoreFixture.h2(), StoreFixture.mysql("tally_test_jobs"));
  }

  private static Job job(String eventId, String taskId, long due) {
    Event e = new Event(eventId, "src", "UPDATE", Map.of("id", 7, "amount", new BigDecimal("12.50")), null, due, due);
    return new Job(Ids.job(eventId, taskId), taskId, e, "7", 1, due, due, List.of());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void insertsNewJobsOnceAndReportsWhichWereNew(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    JobRepository jobs = new JobRepository(vertx, pool);
    List<Job> first = List.of(job("e1", "t", 1), job("e2", "t", 2), job("e3", "t", 3));
    assertEquals(3, await(jobs.insertAll(first)).size());

    List<Job> again = List.of(job("e2", "t", 2), job("e4", "t", 4), job("e1", "t", 1));
    List<Job> inserted = await(jobs.insertAll(again));
    assertEquals(List.of(again.get(1).id()), inserted.stream().map(Job::id).toList());

    List<Job> all = await(jobs.all());
    assertEquals(4, all.size());
    assertEquals(new BigDecimal("12.50"), all.get(0).event().data().get("amount"), "decimals keep their scale");
    await(pool.close());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void recordingAResultRemovesTheJobAndIsIdempotent(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    JobRepository jobs = new JobRepository(vertx, pool);
    ResultRepository results = StoreFixture.results(vertx, pool, cfg);
    Job pass = job("p1", "t", 1);
    Job fail = job("f1", "t", 1);
    await(jobs.insertAll(List.of(pass, fail)));

    long now = System.currentTimeMillis();
    Result passed = result(pass, Status.PASS, now);
    Result failed = result(fail, Status.FAIL, now);
    assertTrue(await(results.record(pass, passed)));
    assertTrue(await(results.record(fail, failed)));
    assertFalse(await(results.record(fail, result(fail, Status.FAIL, now))), "a replayed verdict is not recorded twice");
    assertEquals(0L, await(jobs.count()));

    ResultRepository.Page page = await(results.list("t", null, null, null, 10, null));
    assertEquals(1, page.items().size(), "PASS is counted, not stored");
    assertEquals(Status.FAIL, page.items().get(0).status());
    assertEquals(failed.id(), await(results.get(failed.id())).id());

    List<ResultRepository.MinuteCounts> counts = await(results.counts("t", 0, Long.MAX_VALUE));
    assertEquals(1, counts.size());
    assertEquals(1, counts.get(0).pass());
    assertEquals(1, counts.get(0).fail());
    await(pool.close());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void concurrentWritersCountEveryResultOfAMinuteOnce(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    JobRepository jobs = new JobRepository(vertx, pool);
    long minute = 29_000_000L * 60_000;
    List<io.vertx.core.Future<Boolean>> writes = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Job j = job("m" + i, "t", i);
      await(jobs.insertAll(List.of(j)));
      // each on a repository of its own, so each its own transaction, all racing for the minute's one row
      writes.add(StoreFixture.results(vertx, pool, cfg).record(j, result(j, i % 3 == 0 ? Status.FAIL : Status.PASS, minute + i)));
    }
    for (io.vertx.core.Future<Boolean> w : writes) assertTrue(await(w));
    List<ResultRepository.MinuteCounts> counts = await(StoreFixture.results(vertx, pool, cfg).counts("t", 0, Long.MAX_VALUE));
    assertEquals(1, counts.size());
    assertEquals(8, counts.get(0).pass());
    assertEquals(4, counts.get(0).fail());
    await(pool.close());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aJournaledJobIsRecordedOnceAsItsFinishedRow(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    JobRepository jobs = new JobRepository(vertx, pool);
    ResultRepository results = StoreFixture.results(vertx, pool, cfg);
    long now = System.currentTimeMillis();
    Job journaled = job("j1", "t", 1);
    assertEquals(List.of(true), await(results.recordAll(List.of(journaled(journaled, Status.PASS, now)))));
    assertEquals(List.of(false), await(results.recordAll(List.of(journaled(journaled, Status.PASS, now)))),
        "replayed from the journal after a crash: recorded before");
    assertFalse(await(results.record(journaled, result(journaled, Status.PASS, now))));
    assertEquals(List.of(), await(jobs.insertAll(List.of(journaled))), "its row stops a replayed event");
    assertEquals(0L, await(jobs.count()), "the finished row is not a waiting job");

    // a duplicate event journaled while the same job waits as a row: whichever finishes first is the one verdict
    Job pending = job("j2", "t", 2);
    await(jobs.insertAll(List.of(pending)));
    assertEquals(List.of(true), await(results.recordAll(List.of(journaled(pending, Status.FAIL, now)))));
    assertFalse(await(results.record(pending, result(pending, Status.FAIL, now))));

    // a duplicate at attempt 1 of a job retried as a row (attempt 2) leaves the retry its verdict
    Job retried = job("j3", "t", 3);
    await(jobs.insertAll(List.of(retried)));
    Job second = retried.retry(new Attempt(1, Status.ERROR, now, 1, "down"), now);
    await(jobs.reschedule(second));
    assertEquals(List.of(false), await(results.recordAll(List.of(journaled(retried, Status.PASS, now)))));
    assertTrue(await(results.record(second, result(second, Status.PASS, now))));

    List<ResultRepository.MinuteCounts> counts = await(results.counts("t", 0, Long.MAX_VALUE));
    assertEquals(2, counts.stream().mapToLong(ResultRepository.MinuteCounts::pass).sum());
    assertEquals(1, counts.stream().mapToLong(ResultRepository.MinuteCounts::fail).sum());
    await(pool.close());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void journaledJobsAreListedAndCountedWithTheRows(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    List<Job> inJournal = List.of(job("l1", "t", 10), job("l2", "u", 30), job("l3", "t", 50));
    JobRepository jobs = new JobRepository(vertx, pool, () -> inJournal);
    await(jobs.insertAll(List.of(job("r1", "t", 20), job("r2", "t", 40))));
    assertEquals(List.of("l1", "r1", "l2", "r2", "l3"), await(jobs.list(null, 10)).stream().map(j -> j.event().id()).toList());
    assertEquals(List.of("l1", "r1", "r2"), await(jobs.list("t", 3)).stream().map(j -> j.event().id()).toList());
    assertEquals(List.of("l2"), await(jobs.list(null, List.of("u"), 10)).stream().map(j -> j.event().id()).toList());
    assertEquals(List.of("r1"), await(jobs.overdue(25, 10)).stream().map(j -> j.event().id()).toList(),
        "journaled jobs are the scheduler's, never orphans");
    assertEquals(5L, await(jobs.count()));
    await(pool.close());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void pagesNewestFirstWithACursor(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    JobRepository jobs = new JobRepository(vertx, pool);
    ResultRepository results = StoreFixture.results(vertx, pool, cfg);
    for (int i = 0; i < 5; i++) {
      Job j = job("c" + i, "t", i);
      await(jobs.insertAll(List.of(j)));
      await(results.record(j, result(j, Status.ERROR, 1_000_000L + i)));
    }
    ResultRepository.Page first = await(results.list("t", Status.ERROR, null, null, 2, null));
    ResultRepository.Page second = await(results.list("t", Status.ERROR, null, null, 2, first.nextCursor()));
    ResultRepository.Page third = await(results.list("t", Status.ERROR, null, null, 2, second.nextCursor()));
    assertEquals(List.of("c4", "c3"), first.items().stream().map(Result::eventId).toList());
    assertEquals(List.of("c2", "c1"), second.items().stream().map(Result::eventId).toList());
    assertEquals(List.of("c0"), third.items().stream().map(Result::eventId).toList());
    assertEquals(null, third.nextCursor());
    await(pool.close());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void writesAfterATransactionAreCommitted(TallyConfig.Store cfg) throws Exception {
    // the H2 JDBC pool returns connections with autocommit off after a transaction: every write must commit
    Pool pool = StoreFixture.open(vertx, cfg);
    JobRepository jobs = new JobRepository(vertx, pool);
    Job first = job("a1", "t", 1);
    await(jobs.insertAll(List.of(first)));
    await(StoreFixture.results(vertx, pool, cfg).record(first, result(first, Status.PASS, 1)));
    await(jobs.insertAll(List.of(job("a2", "t", 2), job("a3", "t", 3))));

    Pool other = await(Db.open(vertx, cfg));
    assertEquals(2, await(new JobRepository(vertx, other).all()).size(), "seen from another connection");
    await(other.close());
    await(pool.close());
  }

  private static ResultRepository.Completion journaled(Job job, Status status, long at) {
    return new ResultRepository.Completion(job, result(job, status, at), ResultRepository.JobHome.JOURNAL);
  }

  private static Result result(Job job, Status status, long at) {
    return new Result(Ids.timeOrdered(at), job.taskId(), job.event().id(), job.entityKey(), status, List.of(), null, null,
        null, job.attempt(), List.of(new Attempt(1, status, at, 1, "")), job.event(), at, at, at);
  }
}
