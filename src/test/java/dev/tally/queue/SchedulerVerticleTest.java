package dev.tally.queue;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.tally.bus.Addresses;
import dev.tally.bus.Delivery;
import dev.tally.bus.Messages.JobBatch;
import dev.tally.bus.Messages.JobChecked;
import dev.tally.bus.Messages.JobFinished;
import dev.tally.bus.RecordCodec;
import dev.tally.model.Event;
import dev.tally.model.Ids;
import dev.tally.model.Job;
import dev.tally.store.JobRepository;
import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's in-flight bound counts jobs being checked, not jobs whose results wait for the store; a drained burst
 * is reported once.
 */
class SchedulerVerticleTest {
  private Vertx vertx;
  private Pool pool;
  private final BlockingQueue<Job> due = new LinkedBlockingQueue<>();
  private final QueueDepth depth = new QueueDepth();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    RecordCodec.registerAll(vertx);
    pool = StoreFixture.open(vertx, StoreFixture.h2());
    await(vertx.eventBus().<Job>consumer(Addresses.JOBS_DUE, m -> due.add(m.body())).completion());
    await(vertx.deployVerticle(new SchedulerVerticle(new JobRepository(vertx, pool), new WaitingJobs(), 1, 30_000, depth)));
  }

  @AfterEach
  void tearDown() throws Exception {
    await(pool.close());
    await(vertx.close());
  }

  private Job nextDue() throws InterruptedException {
    Job job = due.poll(10, TimeUnit.SECONDS);
    assertNotNull(job, "no job became due within 10 s");
    return job;
  }

  private static Job job(int i, long due) {
    Event e = new Event("e" + i, "src", "UPDATE", Map.of("id", i), null, due, due);
    return new Job(Ids.job("e" + i, "t"), "t", e, String.valueOf(i), 1, due, due, List.of());
  }

  @Test
  void aCheckedJobsPlaceGoesToTheNextDueJobBeforeItsResultIsCommitted() throws Exception {
    long now = System.currentTimeMillis();
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) jobs.add(job(i, now));
    vertx.eventBus().send(Addresses.JOBS_SCHEDULED, new JobBatch(jobs), Delivery.LOCAL);

    Job first = nextDue();
    // maxInFlight is 1: the next job comes only once the first one's check is over, not its commit
    vertx.eventBus().send(Addresses.JOBS_CHECKED, new JobChecked(first.id()), Delivery.LOCAL);
    Job second = nextDue();
    vertx.eventBus().send(Addresses.JOBS_CHECKED, new JobChecked(second.id()), Delivery.LOCAL);
    Job third = nextDue();
    assertEquals(3, List.of(first.id(), second.id(), third.id()).stream().distinct().count());

    // all three are held until their results are committed. With 4 checked jobs allowed to wait per check, three
    // checked and a fourth would reach the bound and keep a fifth back; once the three are released the fifth comes.
    // The scheduler takes its messages in the order they were sent.
    vertx.eventBus().send(Addresses.JOBS_CHECKED, new JobChecked(third.id()), Delivery.LOCAL);
    vertx.eventBus().send(Addresses.JOBS_FINISHED, new JobFinished(first.id()), Delivery.LOCAL);
    vertx.eventBus().send(Addresses.JOBS_FINISHED, new JobFinished(second.id()), Delivery.LOCAL);
    vertx.eventBus().send(Addresses.JOBS_FINISHED, new JobFinished(third.id()), Delivery.LOCAL);
    List<Job> more = List.of(job(3, now), job(4, now));
    vertx.eventBus().send(Addresses.JOBS_SCHEDULED, new JobBatch(more), Delivery.LOCAL);
    Job fourth = nextDue();
    vertx.eventBus().send(Addresses.JOBS_CHECKED, new JobChecked(fourth.id()), Delivery.LOCAL);
    Job fifth = nextDue();
    assertEquals(Set.of(more.get(0).id(), more.get(1).id()), Set.of(fourth.id(), fifth.id()), "every earlier job finished");
  }

  @Test
  void aBurstsBacklogIsHandedToTheCollectorOnceItHasDrained() throws Exception {
    java.util.concurrent.atomic.AtomicInteger collected = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CompletableFuture<Void> first = new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.CompletableFuture<Void> second = new java.util.concurrent.CompletableFuture<>();
    // a scheduler of its own, with room for the whole burst, on a bus the test's other scheduler does not share
    Vertx other = Vertx.vertx();
    try {
      RecordCodec.registerAll(other);
      List<Job> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      await(other.eventBus().<Job>consumer(Addresses.JOBS_DUE, m -> {
        // every due job is checked and its result recorded at once
        seen.add(m.body());
        other.eventBus().send(Addresses.JOBS_CHECKED, new JobChecked(m.body().id()), Delivery.LOCAL);
        other.eventBus().send(Addresses.JOBS_FINISHED, new JobFinished(m.body().id()), Delivery.LOCAL);
      }).completion());
      await(other.deployVerticle(new SchedulerVerticle(new JobRepository(other, pool), new WaitingJobs(), 20_000, 30_000,
          new QueueDepth(), () -> (collected.incrementAndGet() == 1 ? first : second).complete(null))));
      // due in 2.5 s, so the once-a-second count sees them queued first
      long dueAt = System.currentTimeMillis() + 2_500;
      List<Job> burst = new ArrayList<>();
      for (int i = 0; i < 10_500; i++) burst.add(job(1000 + i, dueAt));
      other.eventBus().send(Addresses.JOBS_SCHEDULED, new JobBatch(burst), Delivery.LOCAL);
      first.get(15, TimeUnit.SECONDS);
      assertEquals(1, collected.get(), "the drained burst is reported once");
      assertEquals(10_500, seen.size());
      // nothing more may happen: two more counts of the empty queue
      org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.TimeoutException.class,
          () -> second.get(2_500, TimeUnit.MILLISECONDS), "reported again while the queue stayed empty");
      assertEquals(1, collected.get(), "and only once while the queue stays empty");
    } finally {
      await(other.close());
    }
  }
}
