package dev.tally.queue;

import dev.tally.bus.Addresses;
import dev.tally.bus.Delivery;
import dev.tally.bus.Failures;
import dev.tally.bus.Messages.JobBatch;
import dev.tally.bus.Messages.JobChecked;
import dev.tally.bus.Messages.JobFinished;
import dev.tally.model.Job;
import dev.tally.model.Result;
import dev.tally.store.GroupCommit;
import dev.tally.store.JobRepository;
import dev.tally.store.ResultRepository.Completion;
import dev.tally.store.ResultRepository.JobHome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded queue: every job is made durable first, then a timer in the {@link SchedulerVerticle}. After a
 * crash the scheduler reloads the store's rows, so nothing acknowledged is lost.
 *
 * <p>Durable means a row of the store's jobs table or, with a {@link JobJournal} (the embedded store), a record in
 * the journal for a job due within {@link #JOURNAL_HORIZON_MS}: it costs the store nothing until the job's result
 * inserts the job's finished row. A journaled job that is retried becomes a row then; one due later than the
 * horizon is a row from the start, so a long delay never keeps a journal segment.
 */
public final class LocalJobQueue implements JobQueue {
  private static final Logger LOG = LoggerFactory.getLogger(LocalJobQueue.class);
  /** Jobs due sooner than this are journaled; later ones are rows of the store. */
  public static final long JOURNAL_HORIZON_MS = 60_000;
  private static final int MAX_APPEND = 2000;
  /** Recovered jobs are inserted this many a transaction. */
  private static final int RECOVERY_CHUNK = 1000;

  private final EventBus bus;
  private final JobRepository jobs;
  private final WaitingJobs waiting;
  private final JobJournal journal;
  private final GroupCommit<Job, Boolean> appends;

  /** Every job a row of the store. */
  public LocalJobQueue(Vertx vertx, JobRepository jobs, WaitingJobs waiting) {
    this(vertx, jobs, waiting, null);
  }

  /** {@code journal}: recovered already (see Main), or null to keep every job as a row of the store. */
  public LocalJobQueue(Vertx vertx, JobRepository jobs, WaitingJobs waiting, JobJournal journal) {
    this.bus = vertx.eventBus();
    this.jobs = jobs;
    this.waiting = waiting;
    this.journal = journal;
    // appends of concurrent callers are written together, off the event loop, one write at a time
    this.appends = journal == null ? null : new GroupCommit<>(vertx, MAX_APPEND, batch -> vertx.executeBlocking(() -> {
      journal.append(batch);
      return Collections.nCopies(batch.size(), Boolean.TRUE);
    }, false));
  }

  /**
   * Jobs the journal held when the process stopped become rows of the store (those whose id is a row already, a
   * finished job or a retry, are skipped by the insert), then the journal's old segments are deleted. Run before the
   * scheduler starts, so it loads them with the other rows. Answers how many were not yet recorded.
   */
  public static Future<Integer> recover(Vertx vertx, JobJournal journal, JobRepository jobs) {
    return vertx.executeBlocking(journal::recover).compose(found -> {
      Future<Integer> inserted = Future.succeededFuture(0);
      for (int from = 0; from < found.size(); from += RECOVERY_CHUNK) {
        List<Job> chunk = found.subList(from, Math.min(found.size(), from + RECOVERY_CHUNK));
        inserted = inserted.compose(n -> jobs.insertAll(chunk).map(fresh -> n + fresh.size()));
      }
      return inserted.compose(n -> vertx.executeBlocking(() -> {
        journal.dropRecovered();
        if (!found.isEmpty()) LOG.info("job journal: {} job(s) recovered, {} of them not yet recorded", found.size(), n);
        return n;
      }));
    });
  }

  public WaitingJobs waiting() {
    return waiting;
  }

  @Override
  public Future<Void> enqueue(List<Job> batch) {
    if (batch.isEmpty()) return Future.succeededFuture();
    if (journal == null) return store(batch);
    long horizon = System.currentTimeMillis() + JOURNAL_HORIZON_MS;
    List<Job> soon = new ArrayList<>(batch.size());
    List<Job> later = new ArrayList<>();
    for (Job job : batch) (job.dueAt() <= horizon ? soon : later).add(job);
    if (later.isEmpty()) return journal(soon);
    return Future.all(journal(soon), store(later)).mapEmpty();
  }

  private Future<Void> store(List<Job> batch) {
    if (batch.isEmpty()) return Future.succeededFuture();
    return jobs.insertAll(batch).onSuccess(this::schedule).<Void>mapEmpty()
        .recover(err -> Future.failedFuture(new Failures.Unavailable("the store did not take the jobs: " + err.getMessage(), err)));
  }

  private Future<Void> journal(List<Job> batch) {
    List<Job> fresh = journal.claim(batch);
    if (fresh.isEmpty()) return Future.succeededFuture();
    return appends.submit(fresh).onSuccess(v -> schedule(fresh)).<Void>mapEmpty()
        .recover(err -> {
          journal.unclaim(fresh);
          return Future.failedFuture(new Failures.Unavailable("the job journal did not take the jobs: " + err.getMessage(), err));
        });
  }

  @Override
  public Future<Void> reschedule(Job next) {
    if (!journaled(next)) {
      return jobs.reschedule(next).onSuccess(v -> schedule(List.of(next)));
    }
    // a retry may wait long: the job becomes a row, and leaves the journal
    return jobs.insertAll(List.of(next))
        .compose(inserted -> inserted.isEmpty() ? jobs.reschedule(next) : Future.succeededFuture())
        .onSuccess(v -> {
          journal.release(next.id());
          schedule(List.of(next));
        });
  }

  @Override
  public Future<Boolean> complete(Job job, Result result) {
    boolean journaled = journaled(job);
    Completion completion = new Completion(job, result, journaled ? JobHome.JOURNAL : JobHome.STORE);
    bus.send(Addresses.JOBS_CHECKED, new JobChecked(job.id()), Delivery.LOCAL);
    return bus.<Boolean>request(Addresses.RESULTS_RECORD, completion, Delivery.LOCAL)
        .map(Message::body)
        .onSuccess(v -> {
          if (journaled) journal.release(job.id());
          finished(job);
        });
  }

  @Override
  public Future<Void> discard(Job job) {
    if (journaled(job)) {
      journal.release(job.id());
      finished(job);
      return Future.succeededFuture();
    }
    return jobs.delete(job.id()).onSuccess(v -> finished(job));
  }

  @Override
  public boolean isWaiting(String taskId, String entityKey) {
    return waiting.contains(taskId, entityKey);
  }

  /** Whether the journal holds the job (it has no row in the store yet). */
  private boolean journaled(Job job) {
    return journal != null && journal.holds(job.id());
  }

  private void schedule(List<Job> batch) {
    if (batch.isEmpty()) return;
    batch.forEach(waiting::add);
    bus.send(Addresses.JOBS_SCHEDULED, new JobBatch(batch), Delivery.LOCAL);
  }

  private void finished(Job job) {
    bus.send(Addresses.JOBS_FINISHED, new JobFinished(job.id()), Delivery.LOCAL);
  }
}
