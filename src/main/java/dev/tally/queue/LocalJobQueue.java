package dev.tally.queue;

import dev.tally.bus.Addresses;
import dev.tally.bus.Delivery;
import dev.tally.bus.Failures;
import dev.tally.bus.Messages.JobBatch;
import dev.tally.bus.Messages.JobFinished;
import dev.tally.model.Job;
import dev.tally.model.Result;
import dev.tally.store.JobRepository;
import dev.tally.store.ResultRepository.Completion;
import io.vertx.core.eventbus.Message;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/**
 * The embedded queue: every job is a row in the store first, then a timer in the {@link SchedulerVerticle}.
 * After a crash the scheduler reloads the rows, so nothing acknowledged is lost.
 */
public final class LocalJobQueue implements JobQueue {
  private final EventBus bus;
  private final JobRepository jobs;
  private final WaitingJobs waiting;

  public LocalJobQueue(EventBus bus, JobRepository jobs, WaitingJobs waiting) {
    this.bus = bus;
    this.jobs = jobs;
    this.waiting = waiting;
  }

  public WaitingJobs waiting() {
    return waiting;
  }

  @Override
  public Future<Void> enqueue(List<Job> batch) {
    if (batch.isEmpty()) return Future.succeededFuture();
    return jobs.insertAll(batch).onSuccess(this::schedule).<Void>mapEmpty()
        .recover(err -> Future.failedFuture(new Failures.Unavailable("the store did not take the jobs: " + err.getMessage(), err)));
  }

  @Override
  public Future<Void> reschedule(Job next) {
    return jobs.reschedule(next).onSuccess(v -> schedule(List.of(next)));
  }

  @Override
  public Future<Boolean> complete(Job job, Result result) {
    return bus.<Boolean>request(Addresses.RESULTS_RECORD, new Completion(job, result), Delivery.LOCAL)
        .map(Message::body)
        .onSuccess(v -> finished(job));
  }

  @Override
  public Future<Void> discard(Job job) {
    return jobs.delete(job.id()).onSuccess(v -> finished(job));
  }

  @Override
  public boolean isWaiting(String taskId, String entityKey) {
    return waiting.contains(taskId, entityKey);
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
