package dev.tally.queue;

import dev.tally.bus.Addresses;
import dev.tally.bus.Delivery;
import dev.tally.bus.Messages.JobBatch;
import dev.tally.bus.Messages.JobChecked;
import dev.tally.bus.Messages.JobFinished;
import dev.tally.model.Job;
import dev.tally.store.JobRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the local queue's jobs on timers and hands each one to the compare verticles when due, at most
 * {@code maxInFlight} being checked at a time (see {@link CheckBudget}). One instance per node; all state is confined
 * to its event loop.
 */
public final class SchedulerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);

  private final JobRepository repository;
  private final WaitingJobs waiting;
  private final long orphanAfterMs;
  private final PriorityQueue<Job> byDueTime = new PriorityQueue<>(Comparator.comparingLong(Job::dueAt));
  private final Map<String, Job> queued = new HashMap<>();
  private final CheckBudget inFlight;
  private long timerId = -1;
  private long timerDueAt = Long.MAX_VALUE;

  private long sweepTimerId = -1;
  private long depthTimerId = -1;
  private final QueueDepth depth;
  /** A burst is 10,000 queued jobs or more (about 10 MB of heap); it is over below 100 queued and in flight. */
  private final BacklogWatch backlog = new BacklogWatch(10_000, 100);
  private final Runnable afterBacklog;

  /**
   * {@code orphanAfterMs}: a job in the store overdue by that long and unknown here is adopted. It was left by
   * a node that stopped or died while sharing the store; checking it twice is harmless, since a verdict is
   * recorded only while its job row is still there.
   */
  public SchedulerVerticle(JobRepository repository, WaitingJobs waiting, int maxInFlight, long orphanAfterMs) {
    this(repository, waiting, maxInFlight, orphanAfterMs, new QueueDepth());
  }

  /** {@code depth}: kept up to date with this scheduler's counts (due ones counted once a second). */
  public SchedulerVerticle(JobRepository repository, WaitingJobs waiting, int maxInFlight, long orphanAfterMs, QueueDepth depth) {
    this(repository, waiting, maxInFlight, orphanAfterMs, depth, SchedulerVerticle::collectGarbage);
  }

  /** {@code afterBacklog}: run on a worker once a burst's backlog has drained (see {@link BacklogWatch}). */
  SchedulerVerticle(JobRepository repository, WaitingJobs waiting, int maxInFlight, long orphanAfterMs, QueueDepth depth,
                    Runnable afterBacklog) {
    this.afterBacklog = afterBacklog;
    this.depth = depth;
    this.repository = repository;
    this.waiting = waiting;
    this.inFlight = new CheckBudget(maxInFlight);
    this.orphanAfterMs = orphanAfterMs;
  }

  @Override
  public Future<?> start() {
    var scheduled = vertx.eventBus().<JobBatch>consumer(Addresses.JOBS_SCHEDULED, m -> {
      m.body().jobs().forEach(this::add);
      drain();
    });
    var checked = vertx.eventBus().<JobChecked>consumer(Addresses.JOBS_CHECKED, m -> {
      inFlight.checked(m.body().jobId());
      drain();
    });
    var finished = vertx.eventBus().<JobFinished>consumer(Addresses.JOBS_FINISHED, m -> {
      inFlight.released(m.body().jobId());
      drain();
    });
    return Future.all(scheduled.completion(), checked.completion(), finished.completion())
        .compose(v -> repository.all())
        .map(pending -> {
          pending.forEach(job -> {
            waiting.add(job);
            add(job);
          });
          if (!pending.isEmpty()) LOG.info("resumed {} pending jobs from the store", pending.size());
          drain();
          scheduleSweep();
          scheduleDepth();
          return null;
        });
  }

  private void scheduleSweep() {
    sweepTimerId = vertx.setTimer(Math.max(1000, orphanAfterMs / 3), id -> adoptOrphans().onComplete(v -> scheduleSweep()));
  }

  private void scheduleDepth() {
    depthTimerId = vertx.setTimer(1000, id -> {
      publishDepth();
      scheduleDepth();
    });
  }

  /** Counting the due jobs walks the queue: done once a second, not on every change. */
  private void publishDepth() {
    long now = System.currentTimeMillis();
    int due = 0;
    for (Job job : byDueTime) if (job.dueAt() <= now) due++;
    depth.set(queued.size(), due, inFlight.held());
    if (backlog.drainedNow(queued.size(), inFlight.held())) {
      vertx.executeBlocking(() -> {
        afterBacklog.run();
        return null;
      }, false);
    }
  }

  /** The drained backlog is garbage in the old generation: collected now, not at a random moment of what follows. */
  private static void collectGarbage() {
    long started = System.nanoTime();
    System.gc();
    LOG.info("a backlog of over 10,000 jobs drained: collected its garbage in {} ms", (System.nanoTime() - started) / 1_000_000);
  }

  private Future<Void> adoptOrphans() {
    return repository.overdue(System.currentTimeMillis() - orphanAfterMs, 1000).<Void>map(overdue -> {
      int adopted = 0;
      for (Job job : overdue) {
        if (queued.containsKey(job.id()) || inFlight.holds(job.id())) continue;
        waiting.add(job);
        add(job);
        adopted++;
      }
      if (adopted > 0) {
        LOG.info("adopted {} overdue job(s) left in the store by another node", adopted);
        drain();
      }
      return null;
    }).recover(err -> {
      LOG.warn("orphan sweep failed: {}", err.getMessage());
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<?> stop() {
    if (timerId >= 0) vertx.cancelTimer(timerId);
    if (sweepTimerId >= 0) vertx.cancelTimer(sweepTimerId);
    if (depthTimerId >= 0) vertx.cancelTimer(depthTimerId);
    return Future.succeededFuture();
  }

  public int waitingCount() {
    return queued.size();
  }

  private void add(Job job) {
    // a reschedule arrives for a job still counted in flight; a duplicate for one already queued
    inFlight.released(job.id());
    Job previous = queued.put(job.id(), job);
    if (previous != null) byDueTime.remove(previous);
    byDueTime.add(job);
  }

  private void drain() {
    long now = System.currentTimeMillis();
    int room = inFlight.room();
    while (room-- > 0 && !byDueTime.isEmpty() && byDueTime.peek().dueAt() <= now) {
      Job job = byDueTime.poll();
      queued.remove(job.id());
      waiting.remove(job);
      inFlight.take(job.id());
      vertx.eventBus().send(Addresses.JOBS_DUE, job, Delivery.LOCAL);
    }
    // queued and in flight change here and are published at once; the due count waits for the next second
    depth.set(queued.size(), depth.due(), inFlight.held());
    armTimer(now);
  }

  private void armTimer(long now) {
    if (byDueTime.isEmpty() || inFlight.room() == 0) return;
    long due = byDueTime.peek().dueAt();
    if (timerId >= 0 && timerDueAt <= due) return;
    if (timerId >= 0) vertx.cancelTimer(timerId);
    timerDueAt = due;
    timerId = vertx.setTimer(Math.max(1, due - now), id -> {
      timerId = -1;
      timerDueAt = Long.MAX_VALUE;
      drain();
    });
  }
}
