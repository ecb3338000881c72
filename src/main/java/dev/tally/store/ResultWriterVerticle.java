package dev.tally.store;

import dev.tally.bus.Addresses;
import dev.tally.model.Result;
import dev.tally.ops.Activity;
import dev.tally.store.ResultRepository.Completion;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes final results in group commits: while one batch is being written the next one gathers, so the store
 * sees one transaction per batch and the per-minute counter rows are not fought over by many transactions.
 * Each request is answered (recorded now: true/false) once its batch is committed.
 */
public final class ResultWriterVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ResultWriterVerticle.class);
  private static final int MAX_BATCH = 500;

  private final ResultRepository results;
  private final List<Message<Completion>> waiting = new ArrayList<>();
  private final Activity activity;
  private boolean writing;

  /** {@code activity}: told of each result recorded now, once its batch is committed. */
  public ResultWriterVerticle(ResultRepository results, Activity activity) {
    this.results = results;
    this.activity = activity;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<Completion>consumer(Addresses.RESULTS_RECORD, message -> {
      waiting.add(message);
      writeNext();
    }).completion();
  }

  private void writeNext() {
    if (writing || waiting.isEmpty()) return;
    List<Message<Completion>> batch = new ArrayList<>(waiting.subList(0, Math.min(MAX_BATCH, waiting.size())));
    waiting.subList(0, batch.size()).clear();
    writing = true;
    results.recordAll(batch.stream().map(Message::body).toList())
        .onSuccess(recorded -> {
          long committedAt = System.currentTimeMillis();
          for (int i = 0; i < batch.size(); i++) {
            if (recorded.get(i)) countRecorded(batch.get(i).body().result(), committedAt);
            batch.get(i).reply(recorded.get(i));
          }
        })
        .onFailure(err -> {
          LOG.warn("could not record {} results: {}", batch.size(), err.getMessage());
          batch.forEach(m -> m.fail(500, String.valueOf(err.getMessage())));
        })
        .onComplete(done -> {
          writing = false;
          writeNext();
        });
  }

  private void countRecorded(Result result, long committedAt) {
    activity.resultRecorded(result.taskId(), result.status());
    if (result.event() != null) activity.eventToResult(result.event().receivedAt(), committedAt);
  }
}
