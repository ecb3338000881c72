package dev.tally.repair;

import dev.tally.model.AppliedRepair;
import dev.tally.model.Callback;
import dev.tally.model.CallbackOutcome;
import dev.tally.model.DataSource;
import dev.tally.model.Job;
import dev.tally.model.Json;
import dev.tally.model.Result;
import dev.tally.model.Status;
import dev.tally.model.Task;
import dev.tally.ops.Metrics;
import dev.tally.queue.JobQueue;
import dev.tally.source.SideReaders;
import dev.tally.secrets.SecretRefs;
import dev.tally.store.CallbackRepository;
import dev.tally.store.CallbackRepository.Pending;
import dev.tally.store.ConfigCache;
import dev.tally.store.ResultRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import dev.tally.net.OutboundClient;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the callbacks that results left pending in the store: applies the suggested repair first when the task
 * asks Tally to ({@code applyRepair}), POSTs the signed result, retries a failed call with backoff, and queues a
 * re-check of the job once the callback (or the applied repair) succeeded. Polls the store, so callbacks left
 * by a stopped node are made after a restart; a call is claimed first, so with a shared store only one node
 * makes it.
 */
public final class CallbackVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CallbackVerticle.class);
  private static final int BATCH = 50;
  private static final int MAX_IN_FLIGHT = 200;
  /** Added to a call's time-out while this node holds it. */
  private static final long LEASE_MARGIN_MS = 10_000;

  private final ConfigCache config;
  private final ResultRepository results;
  private final CallbackRepository callbacks;
  private final JobQueue queue;
  private final SideReaders readers;
  private final long pollMs;
  private final Metrics metrics;
  private OutboundClient out;
  private RepairApplier applier;
  private long timer = -1;
  private int inFlight;
  private boolean stopped;

  public CallbackVerticle(ConfigCache config, ResultRepository results, CallbackRepository callbacks, JobQueue queue,
                          SideReaders readers, long pollMs, Metrics metrics) {
    this.config = config;
    this.results = results;
    this.callbacks = callbacks;
    this.queue = queue;
    this.readers = readers;
    this.pollMs = pollMs;
    this.metrics = metrics;
    metrics.describe("tally_callbacks_total", "callback calls made by this node, by outcome (ok: a 2xx answer)");
    metrics.describe("tally_repairs_applied_total", "repair operations Tally applied itself, by outcome");
  }

  @Override
  public Future<?> start() {
    out = new OutboundClient(vertx, readers.outbound());
    applier = new RepairApplier(readers, out);
    poll();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return out.close();
  }

  /**
   * Takes the due callbacks and starts them, then polls again after pollMs without waiting for slow endpoints;
   * at most MAX_IN_FLIGHT calls run at once. A row being made has its due time moved on, so no poll reads it again.
   */
  private void poll() {
    if (stopped) return;
    int room = Math.min(BATCH, MAX_IN_FLIGHT - inFlight);
    Future<Void> started = room <= 0 ? Future.succeededFuture()
        : callbacks.due(System.currentTimeMillis(), room).map(due -> {
          due.forEach(this::claimAndRun);
          return null;
        });
    started.onComplete(done -> {
      if (done.failed()) LOG.warn("could not read pending callbacks: {}", done.cause().getMessage());
      if (!stopped) timer = vertx.setTimer(pollMs, id -> poll());
    });
  }

  private void claimAndRun(Pending p) {
    inFlight++;
    Task task = config.task(p.taskId());
    long timeout = task == null || task.callback() == null ? CallbackRules.DEFAULT_TIMEOUT_MS : CallbackRules.timeoutMs(task.callback());
    callbacks.claim(p, System.currentTimeMillis() + timeout + LEASE_MARGIN_MS)
        .compose(mine -> mine ? run(p) : Future.succeededFuture())
        .onFailure(err -> LOG.warn("callback of result {} failed, due again after its lease: {}", p.resultId(), err.getMessage()))
        .onComplete(done -> inFlight--);
  }

  private Future<Void> run(Pending p) {
    return Future.all(results.get(p.resultId()), config.taskFresh(p.taskId())).compose(both -> {
      Result result = both.resultAt(0);
      Task task = both.resultAt(1);
      if (result == null || task == null || task.callback() == null) {
        LOG.info("callback of result {} dropped: the result, its task or the task's callback is gone", p.resultId());
        return callbacks.finish(p.resultId(), null);
      }
      return repairFirst(p, task, result).compose(repaired -> call(p, task.callback(), repaired));
    });
  }

  /** Before the first call: applies the suggested repair when the task asks for it (once: it is kept with the result). */
  private Future<Result> repairFirst(Pending p, Task task, Result result) {
    Callback cb = task.callback();
    boolean wanted = p.attempt() == 0 && cb.applyRepairOn() && result.status() == Status.FAIL
        && result.recheckOf() == null && result.repairs() == null && RepairApplier.applicable(result.repair());
    DataSource target = wanted ? config.dataSource(result.repair().dataSourceId()) : null;
    if (target == null) return Future.succeededFuture(result);
    return applier.apply(target, result.repair())
        .onSuccess(applied -> applied.forEach(a -> metrics.count("tally_repairs_applied_total", 1, "outcome", a.ok() ? "ok" : "failed")))
        .compose(applied -> callbacks.applied(result.id(), applied).map(v -> result.withRepairs(applied)));
  }

  private Future<Void> call(Pending p, Callback cb, Result result) {
    int attempt = p.attempt() + 1;
    byte[] body = Json.writeBytes(result);
    long at = System.currentTimeMillis();
    long started = System.nanoTime();
    return secret(cb)
        .compose(secret -> out.send(HttpMethod.POST, cb.url(), Map.of("Content-Type", "application/json",
            Signer.TIMESTAMP_HEADER, Long.toString(at), Signer.SIGNATURE_HEADER, Signer.signature(secret, at, body)),
            Buffer.buffer(body), CallbackRules.timeoutMs(cb)))
        .map(response -> {
          int status = response.status();
          String error = status / 100 == 2 ? null : "HTTP " + status + (status / 100 == 3 ? " (redirects are not followed)" : "");
          return new CallbackOutcome(attempt, status, error, tookMs(started), at);
        })
        .otherwise(err -> new CallbackOutcome(attempt, null, describe(err), tookMs(started), at))
        .compose(outcome -> after(p, cb, result, outcome));
  }

  /** The callback's secret, a reference resolved (a file read off the event loop); failed naming the reference. */
  private Future<String> secret(Callback cb) {
    String s = cb.secret();
    if (s != null && s.startsWith(SecretRefs.FILE)) return vertx.executeBlocking(() -> SecretRefs.SYSTEM.resolve(s));
    return Future.succeededFuture(s).map(SecretRefs.SYSTEM::resolve);
  }

  private Future<Void> after(Pending p, Callback cb, Result result, CallbackOutcome outcome) {
    metrics.count("tally_callbacks_total", 1, "outcome", outcome.ok() ? "ok" : "failed");
    if (!outcome.ok() && outcome.attempt() < CallbackRules.maxAttempts(cb)) {
      long due = System.currentTimeMillis() + CallbackRules.backoffBefore(cb, outcome.attempt() + 1);
      return callbacks.retry(p.resultId(), outcome.attempt(), due, outcome);
    }
    if (!outcome.ok()) LOG.warn("callback of result {} failed {} times; giving up: {}", result.id(), outcome.attempt(), outcome.error());
    // the re-check is queued before the callback is forgotten: a crash in between makes the same (deduplicated) job again
    return (recheckWanted(cb, result, outcome) ? recheck(result) : Future.<Void>succeededFuture())
        .compose(v -> callbacks.finish(p.resultId(), outcome));
  }

  /** Once, for a first result (never a re-check's): after a successful callback with recheck, or an applied repair. */
  private static boolean recheckWanted(Callback cb, Result result, CallbackOutcome outcome) {
    if (result.recheckOf() != null) return false;
    boolean repaired = cb.applyRepairOn() && result.repairs() != null && !result.repairs().isEmpty()
        && result.repairs().stream().allMatch(AppliedRepair::ok);
    return (outcome.ok() && cb.recheckOn()) || repaired;
  }

  private Future<Void> recheck(Result result) {
    long now = System.currentTimeMillis();
    Job job = new Job(result.id() + ":recheck", result.taskId(), result.event(), result.entityKey(), 1, now, now,
        List.of(), result.id());
    return queue.enqueue(List.of(job));
  }

  private static String describe(Throwable err) {
    String message = err.getMessage();
    if (err instanceof java.util.concurrent.TimeoutException || (message != null && message.contains("timeout"))) {
      return "timed out" + (message == null ? "" : ": " + message);
    }
    return message == null ? err.getClass().getSimpleName() : message;
  }

  private static long tookMs(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }
}
