package dev.tally.queue;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.bus.RecordCodec;
import dev.tally.config.TallyConfig;
import dev.tally.model.Attempt;
import dev.tally.model.Event;
import dev.tally.model.Ids;
import dev.tally.model.Job;
import dev.tally.model.Result;
import dev.tally.model.Status;
import dev.tally.ops.Activity;
import dev.tally.ops.Metrics;
import dev.tally.store.JobRepository;
import dev.tally.store.ResultRepository;
import dev.tally.store.ResultWriterVerticle;
import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The local queue with its journal on the embedded store: what is journaled, what becomes a row, and recovery. */
class LocalJobQueueJournalTest {
  private Vertx vertx;
  private Pool pool;
  private Path journalDir;
  private JobRepository jobs;
  private ResultRepository results;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    RecordCodec.registerAll(vertx);
    TallyConfig.Store store = StoreFixture.h2();
    pool = StoreFixture.open(vertx, store);
    journalDir = Path.of(store.h2Path()).resolve("journal");
    results = StoreFixture.results(vertx, pool, store);
    await(vertx.deployVerticle(new ResultWriterVerticle(results, new Activity(new Metrics()))));
  }

  @AfterEach
  void tearDown() throws Exception {
    await(pool.close());
    await(vertx.close());
  }

  private static Job job(String eventId, long due) {
    Event e = new Event(eventId, "src", "UPDATE", Map.of("id", 7), null, due, due);
    return new Job(Ids.job(eventId, "t"), "t", e, "7", 1, due, due, List.of());
  }

  private static Result result(Job job, Status status) {
    long at = System.currentTimeMillis();
    return new Result(Ids.timeOrdered(at), job.taskId(), job.event().id(), job.entityKey(), status, List.of(), null, null,
        null, job.attempt(), List.of(new Attempt(job.attempt(), status, at, 1, "")), job.event(), at, at, at);
  }

  /** A journal as Main opens one: recovered (into the store) first. */
  private JobJournal recovered() throws Exception {
    JobJournal journal = new JobJournal(journalDir, 1 << 20);
    await(LocalJobQueue.recover(vertx, journal, new JobRepository(vertx, pool)));
    return journal;
  }

  private LocalJobQueue queue(JobJournal journal) {
    jobs = new JobRepository(vertx, pool, journal::jobs);
    return new LocalJobQueue(vertx, jobs, new WaitingJobs(), journal);
  }

  private static List<String> eventIds(List<Job> jobs) {
    return jobs.stream().map(j -> j.event().id()).toList();
  }

  @Test
  void aJobDueSoonIsJournaledAndItsResultIsItsOnlyRow() throws Exception {
    JobJournal journal = recovered();
    LocalJobQueue queue = queue(journal);
    long now = System.currentTimeMillis();
    Job soon = job("soon", now);
    Job later = job("later", now + LocalJobQueue.JOURNAL_HORIZON_MS + 60_000);
    await(queue.enqueue(List.of(soon, later)));
    await(queue.enqueue(List.of(soon)));

    assertTrue(journal.holds(soon.id()));
    assertFalse(journal.holds(later.id()), "a job due after the horizon is a row from the start");
    assertEquals(List.of("later"), eventIds(await(new JobRepository(vertx, pool).all())), "the soon one has no row yet");
    assertEquals(List.of("soon", "later"), eventIds(await(jobs.list(null, 10))), "both are listed as waiting");

    assertTrue(await(queue.complete(soon, result(soon, Status.PASS))));
    assertFalse(journal.holds(soon.id()));
    assertEquals(List.of(), await(jobs.insertAll(List.of(soon))), "its finished row stops a replay");
    assertFalse(await(queue.complete(soon, result(soon, Status.PASS))), "a second verdict is not recorded");
    assertEquals(1L, await(jobs.count()));
  }

  @Test
  void aRetriedJobLeavesTheJournalForARow() throws Exception {
    JobJournal journal = recovered();
    LocalJobQueue queue = queue(journal);
    long now = System.currentTimeMillis();
    Job first = job("retried", now);
    await(queue.enqueue(List.of(first)));
    Job second = first.retry(new Attempt(1, Status.ERROR, now, 1, "down"), now + 3_600_000);
    await(queue.reschedule(second));
    assertFalse(journal.holds(first.id()));
    List<Job> rows = await(new JobRepository(vertx, pool).all());
    assertEquals(1, rows.size());
    assertEquals(2, rows.get(0).attempt());
    assertTrue(await(queue.complete(second, result(second, Status.PASS))));
    assertEquals(0L, await(jobs.count()));
  }

  @Test
  void afterACrashTheJournaledJobsNotYetRecordedBecomeRowsAndTheJournalStartsAfresh() throws Exception {
    JobJournal before = recovered();
    LocalJobQueue queue = queue(before);
    long now = System.currentTimeMillis();
    List<Job> accepted = new ArrayList<>();
    for (int i = 0; i < 2500; i++) accepted.add(job("e" + i, now));
    await(queue.enqueue(accepted));
    // recorded before the crash: its row is there, the journal still holds it (the segment is open)
    assertTrue(await(queue.complete(accepted.get(0), result(accepted.get(0), Status.PASS))));
    // retried before the crash: a row at attempt 2
    Job retried = accepted.get(1).retry(new Attempt(1, Status.ERROR, now, 1, "down"), now + 1000);
    await(queue.reschedule(retried));
    // killed: nothing closed, nothing released

    JobJournal after = new JobJournal(journalDir, 1 << 20);
    assertEquals(2498, await(LocalJobQueue.recover(vertx, after, new JobRepository(vertx, pool))));
    assertEquals(1, after.segments().size(), "the old segment is gone, a new one is open");
    List<Job> waiting = await(new JobRepository(vertx, pool).all());
    assertEquals(2499, waiting.size(), "every job not recorded waits as a row: 2,498 recovered and the retry");
    assertEquals(2, waiting.stream().filter(j -> j.id().equals(retried.id())).findFirst().orElseThrow().attempt());
    assertFalse(waiting.stream().anyMatch(j -> j.id().equals(accepted.get(0).id())), "the recorded one is not checked again");
  }
}
