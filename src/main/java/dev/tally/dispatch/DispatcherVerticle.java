package dev.tally.dispatch;

import dev.tally.bus.Addresses;
import dev.tally.bus.Failures;
import dev.tally.bus.Messages.IngestReply;
import dev.tally.bus.Messages.IngestRequest;
import dev.tally.bus.Messages.RerunReply;
import dev.tally.bus.Messages.RerunRequest;
import dev.tally.bus.Messages.Warning;
import dev.tally.model.Event;
import dev.tally.model.Ids;
import dev.tally.model.Job;
import dev.tally.model.Task;
import dev.tally.ops.Activity;
import dev.tally.queue.JobQueue;
import dev.tally.store.ConfigCache;
import dev.tally.strategy.StrategyChain;
import dev.tally.strategy.StrategyContext;
import dev.tally.strategy.StrategyFilter.Admission;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;

/**
 * Turns events into jobs: every enabled task of the event's source, through the task's strategy chain, into
 * the job queue. Answers only once the queue has persisted the jobs.
 */
public final class DispatcherVerticle extends VerticleBase {
  private final ConfigCache config;
  private final JobQueue queue;
  private final StrategyChain chain;
  private final Activity activity;

  public DispatcherVerticle(ConfigCache config, JobQueue queue, StrategyChain chain, Activity activity) {
    this.activity = activity;
    this.config = config;
    this.queue = queue;
    this.chain = chain;
  }

  @Override
  public Future<?> start() {
    return Future.all(vertx.eventBus().<IngestRequest>consumer(Addresses.EVENTS_INGEST, this::ingest).completion(),
        vertx.eventBus().<RerunRequest>consumer(Addresses.JOBS_RERUN, this::rerun).completion());
  }

  /**
   * A re-run asked for by an operator: one job of the task on a copy of the stored event under a new event id, so
   * it is a fresh job with its own verdict. No strategy applies: someone asked for exactly this check, now.
   */
  private void rerun(Message<RerunRequest> message) {
    RerunRequest request = message.body();
    Task task = config.task(request.taskId());
    if (task == null) {
      Failures.reply(message, new IllegalStateException("task " + request.taskId() + " no longer exists"));
      return;
    }
    long now = System.currentTimeMillis();
    Event stored = request.event();
    Event event = new Event(request.eventId(), stored.sourceId(), stored.op(), stored.data(), stored.before(),
        stored.occurredAt(), now);
    Job job = new Job(Ids.job(event.id(), task.id()), task.id(), event,
        TaskVariables.entityKeyOrPlaceholder(task, event.data()), 1, now, now, List.of());
    queue.enqueue(List.of(job))
        .onSuccess(v -> message.reply(new RerunReply(job.id(), event.id())))
        .onFailure(err -> Failures.reply(message, err));
  }

  private void ingest(Message<IngestRequest> message) {
    IngestRequest request = message.body();
    Planned planned = plan(request);
    queue.enqueue(planned.jobs())
        .onSuccess(v -> activity.eventsIn(request.eventSourceId(), request.events().size()))
        .onSuccess(v -> message.reply(new IngestReply(request.events().stream().map(Event::id).toList(),
            planned.jobs().size(), planned.warnings())))
        .onFailure(err -> Failures.reply(message, err));
  }

  private record Planned(List<Job> jobs, List<Warning> warnings) {
  }

  private Planned plan(IngestRequest request) {
    List<Task> tasks = config.tasksOf(request.eventSourceId()).stream().filter(Task::enabled).toList();
    Set<String> madeNow = new HashSet<>();
    StrategyContext ctx = new StrategyContext() {
      @Override
      public long now() {
        return System.currentTimeMillis();
      }

      @Override
      public boolean isWaiting(String taskId, String entityKey) {
        return madeNow.contains(taskId + '\u0000' + entityKey) || queue.isWaiting(taskId, entityKey);
      }
    };
    List<Job> jobs = new ArrayList<>();
    List<Warning> warnings = new ArrayList<>();
    for (int i = 0; i < request.events().size(); i++) {
      Event event = request.events().get(i);
      for (Task task : tasks) {
        // a task that cannot use this event still gets its job: the check ends as an ERROR naming the
        // variable, visible in the results, while the other tasks of the source go on
        String missing = TaskVariables.firstMissing(task, event.data());
        if (missing != null) {
          warnings.add(new Warning("events[" + i + "].data." + missing, "missing template variable", task.id()));
        }
        String entityKey = TaskVariables.entityKeyOrPlaceholder(task, event.data());
        Job job = new Job(Ids.job(event.id(), task.id()), task.id(), event, entityKey, 1, event.receivedAt(),
            System.currentTimeMillis(), List.of());
        Admission admission = chain.admit(job, task, ctx);
        if (admission.kept()) {
          jobs.add(admission.job());
          madeNow.add(task.id() + '\u0000' + entityKey);
        }
      }
    }
    return new Planned(jobs, warnings);
  }
}
