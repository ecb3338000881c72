package dev.tally.dispatch;

import dev.tally.bus.Addresses;
import dev.tally.bus.Failures;
import dev.tally.bus.Messages.IngestReply;
import dev.tally.bus.Messages.IngestRequest;
import dev.tally.model.Event;
import dev.tally.model.Ids;
import dev.tally.model.Job;
import dev.tally.model.Task;
import dev.tally.model.ValidationException;
import dev.tally.queue.JobQueue;
import dev.tally.store.ConfigCache;
import dev.tally.strategy.StrategyChain;
import dev.tally.strategy.StrategyContext;
import dev.tally.strategy.StrategyFilter.Admission;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns events into jobs: every enabled task of the event's source, through the task's strategy chain, into
 * the job queue. Answers only once the queue has persisted the jobs.
 */
public final class DispatcherVerticle extends VerticleBase {
  private final ConfigCache config;
  private final JobQueue queue;
  private final StrategyChain chain;

  public DispatcherVerticle(ConfigCache config, JobQueue queue, StrategyChain chain) {
    this.config = config;
    this.queue = queue;
    this.chain = chain;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<IngestRequest>consumer(Addresses.EVENTS_INGEST, this::ingest).completion();
  }

  private void ingest(Message<IngestRequest> message) {
    IngestRequest request = message.body();
    Future.succeededFuture(request)
        .map(this::jobsFor)
        .compose(jobs -> queue.enqueue(jobs).map(jobs.size()))
        .onSuccess(jobCount -> message.reply(new IngestReply(request.events().stream().map(Event::id).toList(), jobCount)))
        .onFailure(err -> Failures.reply(message, err));
  }

  private List<Job> jobsFor(IngestRequest request) {
    List<Task> tasks = config.tasksOf(request.eventSourceId()).stream().filter(Task::enabled).toList();
    validate(request.events(), tasks);
    StrategyContext ctx = new StrategyContext() {
      @Override
      public long now() {
        return System.currentTimeMillis();
      }

      @Override
      public boolean isWaiting(String taskId, String entityKey) {
        return queue.isWaiting(taskId, entityKey);
      }
    };
    List<Job> jobs = new ArrayList<>();
    for (Event event : request.events()) {
      for (Task task : tasks) {
        Job job = new Job(Ids.job(event.id(), task.id()), task.id(), event, TaskVariables.entityKey(task, event.data()),
            1, event.receivedAt(), System.currentTimeMillis(), List.of());
        Admission admission = chain.admit(job, task, ctx);
        if (admission.kept()) jobs.add(admission.job());
      }
    }
    return jobs;
  }

  // all or nothing: a batch with one unusable event is refused whole, so the caller can fix and resend it
  private static void validate(List<Event> events, List<Task> tasks) {
    for (int i = 0; i < events.size(); i++) {
      for (Task task : tasks) {
        String missing = TaskVariables.firstMissing(task, events.get(i).data());
        if (missing != null) {
          throw new ValidationException("events[" + i + "].data." + missing, "missing template variable",
              "task '" + task.name() + "' (" + task.id() + ") needs '" + missing + "'");
        }
      }
    }
  }
}
