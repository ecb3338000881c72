package dev.tally.store;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.config.TallyConfig;
import dev.tally.model.Discrepancy;
import dev.tally.model.Discrepancy.Change;
import dev.tally.model.DiscrepancyState;
import dev.tally.model.Event;
import dev.tally.model.Ids;
import dev.tally.model.Job;
import dev.tally.model.Result;
import dev.tally.model.Status;
import dev.tally.store.DiscrepancyRepository.Query;
import dev.tally.store.ResultRepository.Completion;
import dev.tally.store.ResultRepository.JobHome;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Discrepancies opened, extended and closed by recorded results, and triaged, with the same SQL on H2 and MariaDB. */
class DiscrepancyRepositoryTest extends BothStoresTest {
  static Stream<TallyConfig.Store> stores() throws Exception {
    return Stream.of(StoreFixture.h2(), StoreFixture.mysql("tally_test_discrepancies"));
  }

  private ResultRepository results;
  private DiscrepancyRepository repo;

  /** A fresh store of this kind, with this test's repositories on it. */
  private Pool open(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    results = StoreFixture.results(vertx, pool, cfg);
    repo = new DiscrepancyRepository(pool);
    return pool;
  }

  /** A verdict on a job of its own (kept in the broker, so only done_jobs guards a replay). */
  private static Completion verdict(String task, String key, Status status, long at) {
    String eventId = UUID.randomUUID().toString();
    Event e = new Event(eventId, "src", "UPDATE", Map.of("id", key), null, at, at);
    Job job = new Job(Ids.job(eventId, task), task, e, key, 1, at, at, List.of(), null);
    Result r = new Result(Ids.timeOrdered(at), task, eventId, key, status, List.of(), null, null, null, 1, List.of(), e,
        at, at, at);
    return new Completion(job, r, JobHome.BROKER);
  }

  /** The re-check of a result: the same event and task, a job of its own. */
  private static Completion recheck(Completion of, Status status, long at) {
    Job first = of.job();
    Job job = new Job(first.id() + ":recheck", first.taskId(), first.event(), first.entityKey(), 1, at, at, List.of(),
        of.result().id());
    Result r = new Result(Ids.timeOrdered(at), first.taskId(), first.event().id(), first.entityKey(), status, List.of(),
        null, null, null, 1, List.of(), first.event(), at, at, at, null, null, null, null, of.result().id());
    return new Completion(job, r, JobHome.BROKER);
  }

  private static List<Discrepancy> all(DiscrepancyRepository repo, String task, String key) throws Exception {
    return await(repo.list(new Query(task, null, key, null, null, 500, null))).items();
  }

  private static Discrepancy only(DiscrepancyRepository repo, String task, String key) throws Exception {
    List<Discrepancy> found = all(repo, task, key);
    assertEquals(1, found.size(), found.toString());
    return found.get(0);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void brokeredVerdictsOfOneBatchAreClaimedOnceEach(TallyConfig.Store cfg) throws Exception {
    open(cfg);
    Completion a = verdict("t", "1", Status.FAIL, 30_000);
    Completion b = verdict("t", "2", Status.PASS, 30_000);
    Completion c = verdict("t", "3", Status.FAIL, 30_000);
    assertEquals(List.of(true), await(results.recordAll(List.of(b))));
    // c's job twice in one batch (checked twice after a redelivery) and b's again (a replay): each counts once
    Completion cAgain = new Completion(c.job(), c.result(), JobHome.BROKER);
    assertEquals(List.of(true, false, true, false), await(results.recordAll(List.of(c, b, a, cAgain))));
    assertEquals(List.of(new ResultRepository.MinuteCounts(0, 1, 2, 0)), await(results.counts("t", 0, 1)));
    assertEquals(1, only(repo, "t", "3").failCount());
    assertEquals(1, only(repo, "t", "1").failCount());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aLargeBatchIsClaimedByChunksAndReplaysAmongFreshJobsAreToldApart(TallyConfig.Store cfg) throws Exception {
    open(cfg);
    List<Completion> first = new ArrayList<>();
    for (int i = 0; i < 250; i++) first.add(verdict("big", "k" + i, Status.PASS, 60_000));
    assertEquals(Collections.nCopies(250, true), await(results.recordAll(first)), "three chunks, every job fresh");
    // fresh jobs and replays of the first batch, interleaved across chunks, and one fresh job twice
    List<Completion> second = new ArrayList<>();
    List<Boolean> expected = new ArrayList<>();
    for (int i = 0; i < 130; i++) {
      boolean replay = i % 3 == 0;
      second.add(replay ? first.get(i) : verdict("big", "n" + i, Status.PASS, 60_000));
      expected.add(!replay);
    }
    second.add(new Completion(second.get(1).job(), second.get(1).result(), JobHome.BROKER));
    expected.add(false);
    assertEquals(expected, await(results.recordAll(second)));
    long fresh = expected.stream().filter(b -> b).count();
    assertEquals(List.of(new ResultRepository.MinuteCounts(1, 250 + fresh, 0, 0)), await(results.counts("big", 0, 2)));
    assertEquals(Collections.nCopies(3, false), await(results.recordAll(List.of(first.get(5), second.get(2), first.get(249)))),
        "a batch of replays only claims nothing");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void failFailPassMakesOneDiscrepancyClosedWithItsDuration(TallyConfig.Store cfg) throws Exception {
    Pool pool = open(cfg);
    Completion f1 = verdict("t", "7", Status.FAIL, 10_000);
    Completion f2 = verdict("t", "7", Status.FAIL, 12_000);
    Completion error = verdict("t", "7", Status.ERROR, 13_000);
    Completion pass = verdict("t", "7", Status.PASS, 15_500);
    await(results.recordAll(List.of(f1)));
    Discrepancy opened = only(repo, "t", "7");
    assertEquals(DiscrepancyState.OPEN, opened.state());
    assertEquals(1, opened.failCount());
    assertNull(opened.closedAt());
    assertEquals(List.of(true), await(results.recordAll(List.of(f2))));
    assertEquals(List.of(false), await(results.recordAll(List.of(f2))), "a replay");
    await(results.recordAll(List.of(error)));
    Discrepancy extended = only(repo, "t", "7");
    assertEquals(opened.id(), extended.id());
    assertEquals(2, extended.failCount(), "the replay and the ERROR changed nothing");
    assertEquals(12_000, extended.lastFailAt());
    assertEquals(f2.result().id(), extended.lastResultId());
    assertNull(extended.closedAt());

    await(results.recordAll(List.of(pass)));
    Discrepancy closed = only(repo, "t", "7");
    assertEquals(DiscrepancyState.RESOLVED, closed.state());
    assertEquals(10_000, closed.openedAt());
    assertEquals(15_500L, closed.closedAt());
    assertEquals(5_500L, closed.durationMs());
    assertEquals(2, closed.failCount());

    Discrepancy.Detail detail = await(repo.get(closed.id()));
    assertEquals(List.of(new Change(10_000, DiscrepancyState.OPEN, "opened by FAIL " + f1.result().id()),
        new Change(15_500, DiscrepancyState.RESOLVED, "closed by PASS " + pass.result().id())), detail.history());
    assertEquals(List.of(f2.result().id(), f1.result().id()), detail.resultIds());
    assertNull(await(repo.get("no-such-id")));

    // any number of closed discrepancies of a key may exist side by side
    await(results.recordAll(List.of(verdict("t", "7", Status.FAIL, 20_000))));
    await(results.recordAll(List.of(verdict("t", "7", Status.PASS, 21_000))));
    List<Discrepancy> both = all(repo, "t", "7");
    assertEquals(List.of(1_000L, 5_500L), both.stream().map(Discrepancy::durationMs).toList());
    await(pool.close());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void oneBatchIsAppliedInTheOrderItsVerdictsFinished(TallyConfig.Store cfg) throws Exception {
    Pool pool = open(cfg);
    await(results.recordAll(List.of(verdict("t", "c", Status.FAIL, 500))));
    // batch order differs from finish order on purpose; the first round closes c and finds nothing for b
    Completion closesC = verdict("t", "c", Status.PASS, 900);
    await(results.recordAll(List.of(closesC, verdict("t", "a", Status.FAIL, 3_000), verdict("t", "a", Status.PASS, 2_000),
        verdict("t", "a", Status.FAIL, 1_000), verdict("t", "a", Status.FAIL, 1_500), verdict("t", "a", Status.PASS, 2_500),
        verdict("t", "b", Status.PASS, 1_000), verdict("u", "a", Status.FAIL, 4_000))));
    List<Discrepancy> a = all(repo, "t", "a");
    assertEquals(2, a.size(), a.toString());
    Discrepancy newer = a.get(0);
    Discrepancy older = a.get(1);
    assertEquals(3_000, newer.openedAt());
    assertEquals(1, newer.failCount());
    assertNull(newer.closedAt());
    assertEquals(1_000, older.openedAt());
    assertEquals(2, older.failCount());
    assertEquals(2_000L, older.closedAt(), "the first PASS closed it; the second found nothing to close");
    assertEquals(1_000L, older.durationMs());
    assertTrue(all(repo, "t", "b").isEmpty(), "a PASS opens nothing");
    Discrepancy c = only(repo, "t", "c");
    assertEquals(400L, c.durationMs());
    assertEquals(List.of(new Change(900, DiscrepancyState.RESOLVED, "closed by PASS " + closesC.result().id())),
        await(repo.get(c.id())).history().subList(1, 2));
    assertEquals(1, only(repo, "u", "a").failCount(), "another task's key is another discrepancy");
    assertNull(only(repo, "u", "a").closedAt(), "not closed by the PASSes of the same key of another task");
    await(pool.close());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void reChecksCountLikeAnyOtherVerdict(TallyConfig.Store cfg) throws Exception {
    Pool pool = open(cfg);
    Completion fail = verdict("t", "r", Status.FAIL, 1_000);
    await(results.recordAll(List.of(fail)));
    await(results.recordAll(List.of(recheck(fail, Status.FAIL, 1_500))));
    assertEquals(2, only(repo, "t", "r").failCount(), "a failed re-check extends it");
    Completion second = verdict("t", "r", Status.FAIL, 2_000);
    await(results.recordAll(List.of(second)));
    Completion repaired = recheck(second, Status.PASS, 2_600);
    await(results.recordAll(List.of(repaired)));
    Discrepancy closed = only(repo, "t", "r");
    assertEquals(1_600L, closed.durationMs(), "a passing re-check closes it");
    assertEquals(3, closed.failCount());
    await(pool.close());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aPassOlderThanTheLastFailLeavesItOpen(TallyConfig.Store cfg) throws Exception {
    Pool pool = open(cfg);
    await(results.recordAll(List.of(verdict("t", "k", Status.FAIL, 5_000))));
    await(results.recordAll(List.of(verdict("t", "k", Status.PASS, 4_000))));
    assertNull(only(repo, "t", "k").closedAt(), "the data disagreed last");
    await(results.recordAll(List.of(verdict("t", "k", Status.PASS, 5_000))));
    assertEquals(0L, only(repo, "t", "k").durationMs());
    await(pool.close());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void triageKeepsItsHistoryAndAnIgnoredOneStillClosesOnPass(TallyConfig.Store cfg) throws Exception {
    Pool pool = open(cfg);
    await(results.recordAll(List.of(verdict("t", "k", Status.FAIL, 1_000))));
    String id = only(repo, "t", "k").id();
    Discrepancy ignored = await(repo.triage(id, DiscrepancyState.IGNORED, "known cache lag", 2_000));
    assertEquals(DiscrepancyState.IGNORED, ignored.state());
    assertEquals("known cache lag", ignored.comment());
    assertEquals(2_000, ignored.updatedAt());
    await(results.recordAll(List.of(verdict("t", "k", Status.FAIL, 2_500))));
    assertEquals(DiscrepancyState.IGNORED, only(repo, "t", "k").state(), "a FAIL keeps the operator's state");
    Completion pass = verdict("t", "k", Status.PASS, 3_000);
    await(results.recordAll(List.of(pass)));
    Discrepancy closed = only(repo, "t", "k");
    assertEquals(DiscrepancyState.RESOLVED, closed.state());
    assertEquals(2_000L, closed.durationMs());
    assertEquals("known cache lag", closed.comment());
    assertEquals(List.of(DiscrepancyState.OPEN, DiscrepancyState.IGNORED, DiscrepancyState.RESOLVED),
        await(repo.get(id)).history().stream().map(Change::state).toList());

    ExecutionException reopen = assertThrows(ExecutionException.class,
        () -> await(repo.triage(id, DiscrepancyState.OPEN, null, 4_000)));
    assertTrue(reopen.getCause() instanceof DiscrepancyRepository.Closed, reopen.toString());
    assertEquals("noted", await(repo.triage(id, DiscrepancyState.RESOLVED, "noted", 4_000)).comment());
    assertEquals(3_000L, only(repo, "t", "k").closedAt(), "a comment on a closed one does not move its close");
    assertNull(await(repo.triage("no-such-id", DiscrepancyState.OPEN, null, 4_000)));

    // an operator resolving an unclosed one closes it now; the next FAIL opens a new one
    await(results.recordAll(List.of(verdict("t", "m", Status.FAIL, 5_000))));
    String m = only(repo, "t", "m").id();
    Discrepancy resolved = await(repo.triage(m, DiscrepancyState.RESOLVED, "fixed by hand", 8_000));
    assertEquals(8_000L, resolved.closedAt());
    assertEquals(3_000L, resolved.durationMs());
    await(results.recordAll(List.of(verdict("t", "m", Status.FAIL, 9_000))));
    assertEquals(2, all(repo, "t", "m").size());
    assertNotNull(all(repo, "t", "m").get(1).closedAt());
    assertNull(all(repo, "t", "m").get(0).closedAt());
    await(pool.close());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void concurrentWritersNeverMakeTwoUnclosedDiscrepanciesOfAKey(TallyConfig.Store cfg) throws Exception {
    Pool pool = open(cfg);
    // separate repositories on one pool: transactions on different connections at once, as on several nodes
    List<Future<List<Boolean>>> writes = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      writes.add(StoreFixture.results(vertx, pool, cfg).recordAll(List.of(verdict("t", "k", Status.FAIL, 1_000 + i))));
    }
    for (Future<List<Boolean>> w : writes) await(w);
    Discrepancy one = only(repo, "t", "k");
    assertEquals(12, one.failCount());
    assertEquals(1_000, one.openedAt());
    assertEquals(1_011, one.lastFailAt());
    assertEquals(1, await(repo.get(one.id())).history().size(), "opened once");

    // and the schema itself refuses a second unclosed row
    ExecutionException dup = assertThrows(ExecutionException.class, () -> await(Writes.execute(pool,
        "INSERT INTO discrepancies (id, task_id, entity_key, open_slot, state, opened_at, last_fail_at, fail_count,"
            + " last_result_id, updated_at) VALUES ('x', 't', 'k', 0, 'open', 1, 1, 1, 'r', 1)", Tuple.tuple())));
    String message = dup.getCause().getMessage().toLowerCase(java.util.Locale.ROOT);
    assertTrue(message.contains("duplicate") || message.contains("unique"), message);

    // FAILs and PASSes of one key at once: every FAIL is counted once, and never two unclosed at a time
    writes.clear();
    for (int i = 0; i < 24; i++) {
      Status status = i % 3 == 2 ? Status.PASS : Status.FAIL;
      writes.add(StoreFixture.results(vertx, pool, cfg).recordAll(List.of(verdict("t", "mixed", status, 2_000 + i))));
    }
    for (Future<List<Boolean>> w : writes) await(w);
    List<Discrepancy> mixed = all(repo, "t", "mixed");
    assertTrue(mixed.stream().filter(d -> d.closedAt() == null).count() <= 1, mixed.toString());
    assertEquals(16, mixed.stream().mapToInt(Discrepancy::failCount).sum(), mixed.toString());
    await(pool.close());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void listsFilterAndPageNewestFirst(TallyConfig.Store cfg) throws Exception {
    Pool pool = open(cfg);
    List<Completion> batch = new ArrayList<>();
    for (int i = 0; i < 5; i++) batch.add(verdict("t", "k" + i, Status.FAIL, 1_000 * (i + 1)));
    batch.add(verdict("u", "k0", Status.FAIL, 10_000));
    await(results.recordAll(batch));
    await(results.recordAll(List.of(verdict("t", "k1", Status.PASS, 20_000))));
    String k3 = all(repo, "t", "k3").get(0).id();
    await(repo.triage(k3, DiscrepancyState.ACKNOWLEDGED, "looking", 21_000));

    assertEquals(List.of("k4", "k3", "k2", "k1", "k0"), keys(repo, new Query("t", null, null, null, null, 50, null)));
    assertEquals(List.of("k1"), keys(repo, new Query(null, DiscrepancyState.RESOLVED, null, null, null, 50, null)));
    assertEquals(List.of("k3"), keys(repo, new Query(null, DiscrepancyState.ACKNOWLEDGED, null, null, null, 50, null)));
    assertEquals(List.of("u", "t"), await(repo.list(new Query(null, null, "k0", null, null, 50, null))).items().stream()
        .map(Discrepancy::taskId).toList());
    assertEquals(List.of("k3", "k2"), keys(repo, new Query("t", null, null, 3_000L, 5_000L, 50, null)));

    DiscrepancyRepository.Page first = await(repo.list(new Query("t", null, null, null, null, 2, null)));
    assertEquals(List.of("k4", "k3"), first.items().stream().map(Discrepancy::entityKey).toList());
    assertNotNull(first.nextCursor());
    DiscrepancyRepository.Page second = await(repo.list(new Query("t", null, null, null, null, 2, first.nextCursor())));
    assertEquals(List.of("k2", "k1"), second.items().stream().map(Discrepancy::entityKey).toList());
    DiscrepancyRepository.Page third = await(repo.list(new Query("t", null, null, null, null, 2, second.nextCursor())));
    assertEquals(List.of("k0"), third.items().stream().map(Discrepancy::entityKey).toList());
    assertNull(third.nextCursor());
    await(pool.close());
  }

  @org.junit.jupiter.api.Test
  void passLookupsUseAFewStatementLengths() {
    assertEquals(List.of(1, 2, 4, 4, 8, 64, 64, 100, 100), java.util.stream.IntStream.of(1, 2, 3, 4, 5, 33, 64, 65, 100)
        .map(DiscrepancyRepository::paddedLength).boxed().toList());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void onlyTheEmbeddedStoreLooksUpWithoutLocking(TallyConfig.Store cfg) throws Exception {
    Pool pool = open(cfg);
    assertEquals(cfg.kind().equals("h2"), await(pool.withTransaction(conn -> io.vertx.core.Future.succeededFuture(Writes.embedded(conn)))));
    await(pool.close());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aPaddedLookupClosesOnlyTheKeysOfItsBatch(TallyConfig.Store cfg) throws Exception {
    Pool pool = open(cfg);
    await(results.recordAll(List.of(verdict("t", "a", Status.FAIL, 1_000), verdict("t", "b", Status.FAIL, 1_000),
        verdict("t", "c", Status.FAIL, 1_000), verdict("t", "d", Status.FAIL, 1_000))));
    // three keys, looked up as four: the last one repeated
    await(results.recordAll(List.of(verdict("t", "a", Status.PASS, 2_000), verdict("t", "x", Status.PASS, 2_000),
        verdict("t", "c", Status.PASS, 2_000))));
    assertEquals(List.of("b", "d"), keys(repo, new Query("t", DiscrepancyState.OPEN, null, null, null, 50, null)).stream()
        .sorted().toList());
    assertEquals(List.of("a", "c"), keys(repo, new Query("t", DiscrepancyState.RESOLVED, null, null, null, 50, null)).stream()
        .sorted().toList());
    await(pool.close());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aBatchOfManyPassesClosesExactlyTheOpenOnesAsTheStoreComparesKeys(TallyConfig.Store cfg) throws Exception {
    Pool pool = open(cfg);
    List<Completion> fails = new ArrayList<>();
    for (int i = 0; i < 150; i += 2) fails.add(verdict("t", "k" + i, Status.FAIL, 1_000));
    fails.add(verdict("t", "Ab", Status.FAIL, 1_000));
    fails.add(verdict("t", "café", Status.FAIL, 1_000));
    await(results.recordAll(fails));
    List<Completion> passes = new ArrayList<>();
    for (int i = 0; i < 250; i++) passes.add(verdict("t", "k" + i, Status.PASS, 2_000));
    passes.add(verdict("t", "ab", Status.PASS, 2_000));
    passes.add(verdict("t", "cafe", Status.PASS, 2_000));
    await(results.recordAll(passes));

    List<Discrepancy> all = await(repo.list(new Query("t", null, null, null, null, 500, null))).items();
    assertEquals(77, all.size());
    for (Discrepancy d : all) {
      if (d.entityKey().startsWith("k")) assertEquals(1_000L, d.durationMs(), d.toString());
    }
    // keys the store's collation holds equal (MariaDB: case- and accent-insensitive) are one discrepancy,
    // closed by either spelling; on H2 they are apart
    for (String[] spellings : List.of(new String[] {"Ab", "ab"}, new String[] {"café", "cafe"})) {
      boolean sameKey = !all(repo, "t", spellings[1]).isEmpty();
      assertEquals(sameKey, only(repo, "t", spellings[0]).closedAt() != null, spellings[0] + " " + cfg.kind());
    }
    await(pool.close());
  }

  private static List<String> keys(DiscrepancyRepository repo, Query q) throws Exception {
    return await(repo.list(q)).items().stream().map(Discrepancy::entityKey).toList();
  }
}
