package dev.tally.compare;

import dev.tally.bus.Addresses;
import dev.tally.bus.Failures;
import dev.tally.bus.Messages.TryRequest;
import dev.tally.dispatch.TaskVariables;
import dev.tally.model.Attempt;
import dev.tally.model.DataSource;
import dev.tally.model.Event;
import dev.tally.model.Ids;
import dev.tally.model.Job;
import dev.tally.model.RepairPlan;
import dev.tally.model.Result;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import dev.tally.model.Status;
import dev.tally.model.Task;
import dev.tally.model.TaskType;
import dev.tally.model.Verdict;
import dev.tally.ops.Activity;
import dev.tally.queue.JobQueue;
import dev.tally.repair.RepairSuggester;
import dev.tally.source.SideReaders;
import dev.tally.store.ConfigCache;
import dev.tally.strategy.RetryPolicy;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks due jobs: reads both sides at once and diffs them (CONFIG tasks) or asks the user's endpoint (API tasks),
 * then either re-queues the job for a retry or records its final result. Several instances share the work.
 */
public final class CompareVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CompareVerticle.class);
  private static final long MAX_PERSIST_BACKOFF_MS = 30_000;

  private final ConfigCache config;
  private final SideReaders readers;
  private final JobQueue queue;
  private final RepairSuggester repairs;
  private final Activity activity;
  private ApiTaskChecker apiChecker;

  /** Both sides as read and what the differ concluded. */
  record Checked(SideRead left, SideRead right, Verdict verdict) {
  }

  public CompareVerticle(ConfigCache config, SideReaders readers, JobQueue queue, Activity activity) {
    this.activity = activity;
    this.config = config;
    this.readers = readers;
    this.queue = queue;
    this.repairs = new RepairSuggester(config, readers);
  }

  @Override
  public Future<?> start() {
    apiChecker = new ApiTaskChecker(vertx, readers.outbound());
    var due = vertx.eventBus().<Job>consumer(Addresses.JOBS_DUE, m -> checkJob(m.body()));
    var tries = vertx.eventBus().<TryRequest>consumer(Addresses.COMPARE_TRY, m -> {
      long started = System.currentTimeMillis();
      Task task = m.body().task();
      Event event = m.body().event();
      check(task, event, 1)
          .compose(checked -> repair(task, event, checked).map(plan -> result(task, event,
              TaskVariables.entityKey(task, event.data()), checked, 1,
              List.of(new Attempt(1, checked.verdict().status(), started, System.currentTimeMillis() - started,
                  summary(checked.verdict()))), started, plan, null)))
          .onSuccess(m::reply)
          .onFailure(err -> Failures.reply(m, err));
    });
    return Future.all(due.completion(), tries.completion());
  }

  @Override
  public Future<?> stop() {
    return apiChecker.close();
  }

  Future<Checked> check(Task task, Event event, int attempt) {
    if (task.type() == TaskType.API) return apiChecker.check(task, event, attempt);
    return Future.all(read(task.left(), event), read(task.right(), event)).map(both -> {
      SideRead left = both.resultAt(0);
      SideRead right = both.resultAt(1);
      return new Checked(left, right, EntityDiffer.diff(task.compare(), task.left(), left, task.right(), right));
    });
  }

  private Future<SideRead> read(SideSpec spec, Event event) {
    DataSource ds = config.dataSource(spec.dataSourceId());
    if (ds == null) return Future.succeededFuture(SideRead.failed("data source " + spec.dataSourceId() + " does not exist", null, null, 0));
    long started = System.nanoTime();
    return readers.reader(ds).read(spec, event)
        .recover(err -> Future.succeededFuture(SideRead.failed("internal error: " + err.getMessage(), null, null, 0)))
        .onSuccess(read -> activity.sourceRead(ds.id(), System.nanoTime() - started, read.failed()));
  }

  private void checkJob(Job job) {
    config.taskFresh(job.taskId())
        .onSuccess(task -> checkJob(job, task))
        .onFailure(err -> retryLater(job, err));
  }

  private void retryLater(Job job, Throwable err) {
    LOG.warn("could not load task {} for job {} ({}); retrying", job.taskId(), job.id(), err.getMessage());
    vertx.setTimer(1000, id -> checkJob(job));
  }

  private void checkJob(Job job, Task task) {
    if (task == null || !task.enabled()) {
      persist(() -> queue.discard(job), job);
      return;
    }
    long started = System.currentTimeMillis();
    long startedNanos = System.nanoTime();
    activity.checkStarted(job.dueAt(), started);
    check(task, job.event(), job.attempt())
        .onComplete(done -> activity.compareTimer(task.id()).record(System.nanoTime() - startedNanos, java.util.concurrent.TimeUnit.NANOSECONDS))
        .recover(err -> Future.succeededFuture(new Checked(null, null, Verdict.error("internal error: " + err.getMessage()))))
        .onSuccess(checked -> persist(() -> finish(task, job, checked, started), job));
  }

  private Future<?> finish(Task task, Job job, Checked checked, long started) {
    long now = System.currentTimeMillis();
    Status status = checked.verdict().status();
    Attempt attempt = new Attempt(job.attempt(), status, started, now - started, summary(checked.verdict()));
    OptionalLong next = RetryPolicy.nextAttemptAt(task, job, status, now);
    if (next.isPresent()) return queue.reschedule(job.retry(attempt, next.getAsLong()));
    List<Attempt> history = new ArrayList<>(job.history());
    history.add(attempt);
    return repair(task, job.event(), checked).compose(plan -> queue.complete(job,
        result(task, job.event(), job.entityKey(), checked, job.attempt(), history, started, plan, job.recheckOf())));
  }

  private static Result result(Task task, Event event, String entityKey, Checked checked, int attempt,
                               List<Attempt> history, long started, RepairPlan repair, String recheckOf) {
    long now = System.currentTimeMillis();
    long firstStart = history.isEmpty() ? started : history.get(0).startedAt();
    return new Result(Ids.timeOrdered(now), task.id(), event.id(), entityKey, checked.verdict().status(),
        checked.verdict().diffs(), checked.left(), checked.right(), checked.verdict().error(), attempt, history, event,
        firstStart, now, now, repair, null, null, null, recheckOf);
  }

  /** The suggested repair of a FAIL: the write that would make the right side equal the left (null otherwise). */
  private Future<RepairPlan> repair(Task task, Event event, Checked checked) {
    // only a CONFIG task's sides say what to write; an API task's endpoint owns its data
    if (task.type() != TaskType.CONFIG || checked.verdict().status() != Status.FAIL || checked.left() == null
        || checked.right() == null) {
      return Future.succeededFuture();
    }
    return repairs.suggest(task, event, checked.left(), checked.right(), checked.verdict().diffs());
  }

  private static String summary(Verdict v) {
    return switch (v.status()) {
      case PASS -> "sides agree";
      case ERROR -> v.error();
      case FAIL -> v.diffs().size() + " difference(s): " + v.diffs().stream()
          .map(d -> d.field() == null ? d.kind() + " on " + d.side() : d.field()).collect(Collectors.joining(", "));
    };
  }

  /** A store outage must not lose the verdict: keep trying, with backoff, until the store takes it. */
  private void persist(java.util.function.Supplier<Future<?>> write, Job job) {
    persist(write, job, 500);
  }

  private void persist(java.util.function.Supplier<Future<?>> write, Job job, long backoff) {
    write.get().onFailure(err -> {
      LOG.warn("could not record job {} ({}); retrying in {} ms", job.id(), err.getMessage(), backoff);
      vertx.setTimer(backoff, id -> persist(write, job, Math.min(backoff * 2, MAX_PERSIST_BACKOFF_MS)));
    });
  }

}
