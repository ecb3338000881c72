package dev.tally.store;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.config.TallyConfig;
import dev.tally.model.AlertDelivery;
import dev.tally.model.AlertExample;
import dev.tally.model.AlertPolicy;
import dev.tally.model.Event;
import dev.tally.model.Ids;
import dev.tally.model.Job;
import dev.tally.model.Result;
import dev.tally.model.Status;
import dev.tally.store.AlertRepository.Due;
import dev.tally.store.AlertRepository.Waiting;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Failures counted for alerts in the transaction that records them, taken once per window, and deliveries'
 * states, with the same SQL on H2 and MariaDB.
 */
class AlertRepositoryTest extends BothStoresTest {
  private static final AlertPolicy POLICY = new AlertPolicy(List.of("c1", "c2"), 10, List.of(Status.FAIL));

  static Stream<TallyConfig.Store> stores() throws Exception {
    return Stream.of(StoreFixture.h2(), StoreFixture.mysql("tally_test_alerts"));
  }

  private static Future<Boolean> record(ResultRepository results, JobRepository jobs, String eventId, Status status) {
    Event e = new Event(eventId, "src", "UPDATE", Map.of("id", 7), null, 1, 1);
    Job job = new Job(Ids.job(eventId, "t"), "t", e, "key-" + eventId, 1, 1, 1, List.of(), null);
    long now = System.currentTimeMillis();
    Result r = new Result(Ids.timeOrdered(now), "t", eventId, job.entityKey(), status, List.of(), null, null,
        status == Status.ERROR ? "boom" : null, 1, List.of(), e, now, now, now);
    return jobs.insertAll(List.of(job)).compose(v -> results.record(job, r));
  }

  private static long waiting(AlertRepository alerts) throws Exception {
    return await(alerts.windowsEnded(Long.MAX_VALUE)).stream().mapToLong(Waiting::count).sum();
  }

  @ParameterizedTest
  @MethodSource("stores")
  void failuresAreCountedExactlyOnceAcrossConcurrentWritersTakersAndARestart(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    ResultRepository results = StoreFixture.results(vertx, pool, cfg, r -> false, taskId -> taskId.equals("t") ? POLICY : null);
    JobRepository jobs = new JobRepository(vertx, pool);
    AlertRepository alerts = new AlertRepository(pool, StoreFixture.secrets());

    // 40 failures recorded by concurrent transactions (as several nodes' writers would), plus what is not alerted on
    List<Future<Boolean>> writes = new ArrayList<>();
    for (int i = 0; i < 40; i++) writes.add(record(results, jobs, "f" + i, Status.FAIL));
    writes.add(record(results, jobs, "p", Status.PASS));
    writes.add(record(results, jobs, "e", Status.ERROR));
    await(Future.all(writes));
    long now = System.currentTimeMillis();
    assertTrue(await(alerts.windowsEnded(now - 10_000)).isEmpty(), "the window has not ended");
    List<Waiting> ended = await(alerts.windowsEnded(now + 10_000));
    assertEquals(1, ended.size());
    Waiting w = ended.get(0);
    assertEquals(40, w.count());
    assertEquals(10_000, w.windowMs());
    assertEquals(0, w.windowStart() % 10_000);

    // the counts are in the store: a restarted node finds them
    await(pool.close());
    pool = await(Db.open(vertx, cfg));
    alerts = new AlertRepository(pool, StoreFixture.secrets());
    results = StoreFixture.results(vertx, pool, cfg, r -> false, taskId -> taskId.equals("t") ? POLICY : null);
    jobs = new JobRepository(vertx, pool);
    assertEquals(40, waiting(alerts));

    // examples: the newest failures of the window
    List<Result> examples = await(alerts.examples("t", List.of(Status.FAIL), w.windowStart(), 5));
    assertEquals(5, examples.size());
    assertTrue(examples.stream().allMatch(r -> r.status() == Status.FAIL));

    // two takers at once (as if the lease failed): one message per channel, once
    List<AlertExample> x = List.of(new AlertExample("r", "k", Status.FAIL, "s"));
    List<List<AlertDelivery>> taken = await(Future.all(alerts.takeWindow(w, POLICY.channelIds(), x, now),
        alerts.takeWindow(w, POLICY.channelIds(), x, now))).list();
    assertEquals(2, taken.stream().mapToInt(List::size).sum(), "one delivery per channel: " + taken);
    assertEquals(0, waiting(alerts));
    AlertRepository.Page page = await(alerts.deliveries(null, "t", null, 10, null));
    assertEquals(2, page.items().size());
    assertTrue(page.items().stream().allMatch(d -> d.count() == 40 && d.status() == AlertDelivery.Status.PENDING
        && d.windowStart() == w.windowStart() && d.windowEnd() == w.windowEnd() && d.examples().equals(x)));

    // failures recorded after the take go to the next window, which starts no earlier than this one ended
    await(record(results, jobs, "late", Status.FAIL));
    List<Waiting> next = await(alerts.windowsEnded(Long.MAX_VALUE));
    assertEquals(1, next.get(0).count());
    assertTrue(next.get(0).windowStart() >= w.windowEnd());

    // a delivery is claimed once, retried, then sent; paging by cursor
    List<Due> due = await(alerts.due(now, 10));
    assertEquals(2, due.size());
    Due first = due.get(0);
    assertTrue(await(alerts.claim(first, now + 20_000)));
    assertFalse(await(alerts.claim(first, now + 20_000)), "taken by the first claim");
    await(alerts.outcome(first.delivery().id(), 1, "HTTP 500", now + 1_000, now));
    Due again = await(alerts.due(now + 1_000, 10)).stream().filter(d -> d.delivery().id().equals(first.delivery().id())).findFirst().orElseThrow();
    assertEquals(1, again.delivery().attempts());
    assertEquals("HTTP 500", again.delivery().lastError());
    await(alerts.outcome(first.delivery().id(), 2, null, null, now + 1_500));
    AlertDelivery sent = await(alerts.deliveries(first.delivery().channelId(), null, AlertDelivery.Status.SENT, 10, null)).items().get(0);
    assertEquals(2, sent.attempts());
    assertEquals(now + 1_500, sent.sentAt());
    assertEquals("HTTP 500", sent.lastError(), "the failed attempt stays visible");
    await(alerts.outcome(due.get(1).delivery().id(), 5, "timed out", null, now));
    assertEquals(1, await(alerts.deliveries(null, null, AlertDelivery.Status.FAILED, 10, null)).items().size());
    AlertRepository.Page one = await(alerts.deliveries(null, "t", null, 1, null));
    assertEquals(1, one.items().size());
    AlertRepository.Page rest = await(alerts.deliveries(null, "t", null, 1, one.nextCursor()));
    assertEquals(1, rest.items().size());
    assertFalse(rest.items().get(0).id().equals(one.items().get(0).id()));
    await(pool.close());
  }
}
