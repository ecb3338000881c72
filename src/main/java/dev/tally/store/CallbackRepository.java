package dev.tally.store;

import dev.tally.model.AppliedRepair;
import dev.tally.model.CallbackOutcome;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Pending callbacks (table pending_callbacks, written with their result by {@link ResultRepository}) and what
 * becomes of them. Each call's outcome is kept in the result's body, changed under a row lock.
 */
public final class CallbackRepository {
  private final Pool pool;

  public CallbackRepository(Pool pool) {
    this.pool = pool;
  }

  /** A callback to be made: {@code attempt} calls were made so far; the next is due at {@code dueAt}. */
  public record Pending(String resultId, String taskId, int attempt, long dueAt) {
  }

  /** Callbacks due by {@code now}, soonest first. */
  public Future<List<Pending>> due(long now, int limit) {
    return pool.preparedQuery("SELECT result_id, task_id, attempt, due_at FROM pending_callbacks WHERE due_at <= ?"
        + " ORDER BY due_at LIMIT " + limit).execute(Tuple.of(now)).map(rows -> {
          List<Pending> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(new Pending(r.getString(0), r.getString(1), r.getInteger(2), r.getLong(3))));
          return out;
        });
  }

  /**
   * Takes a due callback until {@code leaseUntil}: true if this caller got it (no other node or poll did since
   * it was read). Should this node die mid-call, the callback is due again when the lease ends.
   */
  public Future<Boolean> claim(Pending p, long leaseUntil) {
    return Writes.execute(pool, "UPDATE pending_callbacks SET due_at = ? WHERE result_id = ? AND due_at = ?",
        Tuple.of(leaseUntil, p.resultId(), p.dueAt())).map(rows -> rows.rowCount() == 1);
  }

  /** Keeps a failed call's outcome and makes the next attempt due at {@code dueAt}. */
  public Future<Void> retry(String resultId, int attempt, long dueAt, CallbackOutcome outcome) {
    return Writes.transaction(pool, conn -> ResultRepository.updateBody(conn, resultId, r -> r.withCallback(outcome))
        .compose(v -> conn.preparedQuery("UPDATE pending_callbacks SET attempt = ?, due_at = ? WHERE result_id = ?")
            .execute(Tuple.of(attempt, dueAt, resultId)))
        .mapEmpty());
  }

  /** Keeps the last call's outcome (if any) and forgets the pending callback: it succeeded or ran out of attempts. */
  public Future<Void> finish(String resultId, CallbackOutcome outcome) {
    return Writes.transaction(pool, conn -> (outcome == null ? Future.succeededFuture(true)
            : ResultRepository.updateBody(conn, resultId, r -> r.withCallback(outcome)))
        .compose(v -> conn.preparedQuery("DELETE FROM pending_callbacks WHERE result_id = ?").execute(Tuple.of(resultId)))
        .mapEmpty());
  }

  /** Keeps the repairs Tally applied itself with the result. */
  public Future<Void> applied(String resultId, List<AppliedRepair> repairs) {
    return Writes.transaction(pool, conn -> ResultRepository.updateBody(conn, resultId, r -> r.withRepairs(repairs)))
        .mapEmpty();
  }
}
