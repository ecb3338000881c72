package dev.tally.store;

import dev.tally.bus.Addresses;
import dev.tally.model.Result;
import dev.tally.ops.Activity;
import dev.tally.store.ResultRepository.Completion;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes final results in group commits ({@link GroupCommit}): while one batch is being written the next one
 * gathers, so the store sees one transaction per batch and the per-minute counter rows are not fought over by
 * many transactions. Each request is answered (recorded now: true/false) once its batch is committed.
 */
public final class ResultWriterVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ResultWriterVerticle.class);
  private static final int MAX_BATCH = 500;
  /**
   * How long a batch that is not full waits for more results (see {@link GroupCommit}). At half the full-speed rate
   * commits went from ~600 a second of ~20 results to ~150 of ~75, and the embedded store's writer from 0.40-0.45 of a
   * core to 0.27 (load-tests/RESULTS.md, run 16), for a few ms more on a verdict. Under full load a batch fills, or its
   * first result has waited out the previous commit, and goes at once.
   */
  static final Duration LINGER = Duration.ofMillis(5);

  private final ResultRepository results;
  private final Activity activity;

  /** {@code activity}: told of each result recorded now, once its batch is committed. */
  public ResultWriterVerticle(ResultRepository results, Activity activity) {
    this.results = results;
    this.activity = activity;
  }

  @Override
  public Future<?> start() {
    GroupCommit<Completion, Boolean> writes = new GroupCommit<>(vertx, MAX_BATCH, LINGER, batch -> {
      long started = System.nanoTime();
      return results.recordAll(batch)
          .onComplete(done -> activity.resultsCommitted(System.nanoTime() - started))
          .onFailure(err -> LOG.warn("could not record {} results: {}", batch.size(), err.getMessage()));
    });
    return vertx.eventBus().<Completion>consumer(Addresses.RESULTS_RECORD, message -> writes.submit(List.of(message.body()))
        .onSuccess(recorded -> {
          if (recorded.get(0)) countRecorded(message.body().result(), System.currentTimeMillis());
          message.reply(recorded.get(0));
        })
        .onFailure(err -> message.fail(500, String.valueOf(err.getMessage())))).completion();
  }

  private void countRecorded(Result result, long committedAt) {
    activity.resultRecorded(result.taskId(), result.status());
    if (result.event() != null) activity.eventToResult(result.event().receivedAt(), committedAt);
  }
}
