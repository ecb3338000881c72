package dev.tally.ops;

import dev.tally.model.Status;
import io.micrometer.core.instrument.Timer;

/**
 * What happens on this node, counted once for both readers: the Prometheus counters of {@link Metrics} and
 * the rolling rates of the live stream. Every node counts only its own work.
 */
public final class Activity {
  /** Seconds the live rates are averaged over. */
  public static final int LIVE_WINDOW_SECONDS = 5;
  /** End-to-end latency of each result recorded now: event received -> result committed. */
  public static final String EVENT_TO_RESULT = "tally_event_to_result_seconds";
  /** How long each check attempt waited once its job was due: job due -> check started. */
  public static final String JOB_WAIT = "tally_job_wait_seconds";

  private final Metrics metrics;
  private final RateWindow window = new RateWindow(LIVE_WINDOW_SECONDS);
  private final Timer eventToResult;
  private final Timer jobWait;
  private final Timer resultsCommit;
  /** How long one transaction of recorded results took, from its start to its commit. */
  public static final String RESULTS_COMMIT = "tally_results_commit_seconds";

  public Activity(Metrics metrics) {
    this.metrics = metrics;
    metrics.describe("tally_compare_seconds", "time to check one job attempt (both sides read and compared), per task");
    metrics.describe("tally_source_read_seconds", "time of one side read, per data source");
    metrics.describe(EVENT_TO_RESULT, "time from an event's arrival to its job's final result being committed");
    metrics.describe(JOB_WAIT, "time from a job being due to its check starting: its wait in this node's queue or the broker");
    eventToResult = metrics.fineTimer(EVENT_TO_RESULT);
    jobWait = metrics.fineTimer(JOB_WAIT);
    metrics.describe(RESULTS_COMMIT, "time of one store transaction recording a batch of final results (a group commit)");
    resultsCommit = metrics.fineTimer(RESULTS_COMMIT);
  }

  /** One group commit of results ended (committed or not) after {@code nanos}. */
  public void resultsCommitted(long nanos) {
    resultsCommit.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public Metrics metrics() {
    return metrics;
  }

  /** Events taken in from an event source (HTTP, Kafka, binlog), before strategies. */
  public void eventsIn(String eventSourceId, int n) {
    metrics.count(Metrics.EVENTS, n, "source", eventSourceId);
    window.events(System.currentTimeMillis(), eventSourceId, n);
  }

  /** A final result that was recorded now (not a replay of one recorded before). */
  public void resultRecorded(String taskId, Status status) {
    metrics.count(Metrics.RESULTS, 1, "task", taskId, "status", status.name());
    window.result(System.currentTimeMillis(), taskId, status == Status.FAIL);
  }

  /** A result recorded now ({@link #resultRecorded}) of an event received at {@code receivedAt} (epoch ms). */
  public void eventToResult(long receivedAt, long now) {
    if (receivedAt > 0) eventToResult.record(Math.max(0, now - receivedAt), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /**
   * A check attempt starts, its job due at {@code dueAt} (epoch ms): with {@link #EVENT_TO_RESULT} it tells waiting
   * (the queue, the broker, {@code queue.maxInFlight}) from checking and recording.
   */
  public void checkStarted(long dueAt, long now) {
    if (dueAt > 0) jobWait.record(Math.max(0, now - dueAt), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  public Timer compareTimer(String taskId) {
    return metrics.timer("tally_compare_seconds", "task", taskId);
  }

  /** One side read of a data source, how long it took and whether it failed. */
  public void sourceRead(String dataSourceId, long nanos, boolean failed) {
    metrics.timer("tally_source_read_seconds", "data_source", dataSourceId).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    if (failed) metrics.count(Metrics.SOURCE_READ_ERRORS, 1, "data_source", dataSourceId);
  }

  public RateWindow.Rates rates() {
    return window.rates(System.currentTimeMillis());
  }
}
