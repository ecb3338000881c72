package dev.tally.store;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.config.TallyConfig;
import dev.tally.model.AppliedRepair;
import dev.tally.model.CallbackOutcome;
import dev.tally.model.Event;
import dev.tally.model.Ids;
import dev.tally.model.Job;
import dev.tally.model.Result;
import dev.tally.model.Status;
import dev.tally.store.CallbackRepository.Pending;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Pending callbacks and the result changes they make, with the same SQL on H2 and MariaDB. */
class CallbackRepositoryTest extends BothStoresTest {
  static Stream<TallyConfig.Store> stores() throws Exception {
    return Stream.of(StoreFixture.h2(), StoreFixture.mysql("tally_test_callbacks"));
  }

  private static Job job(String eventId, String recheckOf) {
    Event e = new Event(eventId, "src", "UPDATE", Map.of("id", 7), null, 1, 1);
    String id = Ids.job(eventId, "t") + (recheckOf == null ? "" : ":recheck");
    return new Job(id, "t", e, "7", 1, 1, 1, List.of(), recheckOf);
  }

  private static Result result(Job job, Status status, long at) {
    return new Result(Ids.timeOrdered(at), job.taskId(), job.event().id(), job.entityKey(), status, List.of(), null, null,
        null, 1, List.of(), job.event(), at, at, at, null, null, null, null, job.recheckOf());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aFollowedResultLeavesAPendingCallbackThatIsClaimedOnceRetriedAndFinished(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    // every FAIL is followed, and here a PASS too: it is then stored in full
    ResultRepository results = StoreFixture.results(vertx, pool, cfg, r -> true);
    CallbackRepository callbacks = new CallbackRepository(pool);
    Job job = job("e1", null);
    await(new JobRepository(vertx, pool).insertAll(List.of(job)));
    Result pass = result(job, Status.PASS, 1000);
    assertTrue(await(results.record(job, pass)));

    List<Pending> due = await(callbacks.due(1000, 10));
    assertEquals(List.of(new Pending(pass.id(), "t", 0, 1000)), due);
    assertTrue(await(callbacks.claim(due.get(0), 9000)));
    assertFalse(await(callbacks.claim(due.get(0), 9000)), "taken by the first claim");
    assertTrue(await(callbacks.due(8999, 10)).isEmpty(), "leased");

    await(callbacks.retry(pass.id(), 1, 2000, new CallbackOutcome(1, 500, "HTTP 500", 3, 1500)));
    assertEquals(List.of(new Pending(pass.id(), "t", 1, 2000)), await(callbacks.due(2000, 10)));
    await(callbacks.applied(pass.id(), List.of(new AppliedRepair("DEL", "DEL ?", List.of("k"), 1600, true, null))));
    await(callbacks.finish(pass.id(), new CallbackOutcome(2, 200, null, 4, 2100)));
    assertTrue(await(callbacks.due(Long.MAX_VALUE, 10)).isEmpty());

    Result stored = await(results.get(pass.id()));
    assertEquals(List.of(500, 200), stored.callbacks().stream().map(CallbackOutcome::statusCode).toList());
    assertEquals(1, stored.repairs().size());
    await(pool.close());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aRecheckIsStoredApartAndLinkedToTheResultItRechecks(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    ResultRepository results = StoreFixture.results(vertx, pool, cfg);
    JobRepository jobs = new JobRepository(vertx, pool);
    Job first = job("e2", null);
    await(jobs.insertAll(List.of(first)));
    Result fail = result(first, Status.FAIL, 1000);
    assertTrue(await(results.record(first, fail)));
    assertTrue(await(new CallbackRepository(pool).due(Long.MAX_VALUE, 10)).isEmpty(), "nothing follows this result");

    Job again = job("e2", fail.id());
    assertEquals(1, await(jobs.insertAll(List.of(again))).size());
    Result pass = result(again, Status.PASS, 2000);
    assertTrue(await(results.record(again, pass)), "same event, task and attempt as the first, yet a verdict of its own");

    Result original = await(results.get(fail.id()));
    assertEquals(pass.id(), original.recheck().resultId());
    assertEquals(Status.PASS, original.recheck().status());
    assertEquals(fail.id(), await(results.get(pass.id())).recheckOf());
    assertNull(await(results.get(pass.id())).recheck());
    await(pool.close());
  }
}
