package dev.tally.store;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.config.TallyConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The embedded store's transactions run whole on one worker: committed, rolled back, answered as the pool answers. */
class DirectTransactionsTest {
  private final Vertx vertx = Vertx.vertx();
  private Pool pool;
  private DirectTransactions direct;

  @BeforeEach
  void open() throws Exception {
    TallyConfig.Store cfg = StoreFixture.h2();
    pool = StoreFixture.open(vertx, cfg);
    direct = Db.direct(vertx, cfg);
  }

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  private long countedRows(String prefix) throws Exception {
    return await(pool.preparedQuery("SELECT COUNT(*) FROM done_jobs WHERE id LIKE ?").execute(Tuple.of(prefix + "%")))
        .iterator().next().getLong(0);
  }

  @Test
  void theWorksStatementsCommitTogetherAndABatchAnswersACountPerStatement() throws Exception {
    String insert = "INSERT IGNORE INTO done_jobs (id, finished_at) VALUES (?, ?)";
    RowSet<Row> batch = await(direct.withTransaction(conn -> conn.preparedQuery(insert)
        .executeBatch(List.of(Tuple.of("c-1", 1L), Tuple.of("c-2", 2L)))
        .compose(first -> conn.preparedQuery(insert).executeBatch(List.of(Tuple.of("c-2", 3L), Tuple.of("c-3", 4L))))));
    assertEquals(List.of(0, 1), counts(batch), "the second batch inserted c-3 only");
    assertEquals(3, countedRows("c-"), "the pool sees every row once the transaction is committed");
    RowSet<Row> updated = await(direct.withTransaction(conn ->
        conn.preparedQuery("UPDATE done_jobs SET finished_at = ? WHERE id LIKE ?").execute(Tuple.of(9L, "c-%"))));
    assertEquals(3, updated.rowCount());
    assertEquals(0, updated.size());
    assertEquals(2, Writes.counts(batch, 2).length, "the store's code reads a direct batch as it reads the pool's");
  }

  @Test
  void aFailedStatementRollsBackTheWholeTransactionAndTheNextOneWorks() throws Exception {
    ExecutionException failed = assertThrows(ExecutionException.class, () -> await(direct.withTransaction(conn ->
        conn.preparedQuery("INSERT INTO done_jobs (id, finished_at) VALUES (?, ?)").execute(Tuple.of("r-1", 1L))
            .compose(v -> conn.preparedQuery("INSERT INTO no_such_table (id) VALUES (?)").execute(Tuple.of("x"))))));
    assertInstanceOf(SQLException.class, failed.getCause());
    assertTrue(failed.getCause().getMessage().toLowerCase().contains("no_such_table"), failed.getCause().getMessage());
    assertEquals(0, countedRows("r-"), "the first insert was rolled back with the failed one");
    await(direct.withTransaction(conn ->
        conn.preparedQuery("INSERT INTO done_jobs (id, finished_at) VALUES (?, ?)").execute(Tuple.of("r-2", 2L))));
    assertEquals(1, countedRows("r-"));
  }

  @Test
  void workThatWaitsOnAnythingButItsStatementsIsRefusedAndRolledBack() throws Exception {
    CompletableFuture<Void> never = new CompletableFuture<>();
    ExecutionException refused = assertThrows(ExecutionException.class, () -> await(direct.withTransaction(conn ->
        conn.preparedQuery("INSERT INTO done_jobs (id, finished_at) VALUES (?, ?)").execute(Tuple.of("w-1", 1L))
            .compose(v -> Future.fromCompletionStage(never)))));
    assertInstanceOf(IllegalStateException.class, refused.getCause());
    assertEquals(0, countedRows("w-"));
    never.complete(null);
  }

  @Test
  void aTransactionIsOneHandOffItsStatementsRunOnTheStoresOwnThreadAndTheCallerIsAnsweredOnItsContext() throws Exception {
    Set<String> statementThreads = ConcurrentHashMap.newKeySet();
    CompletableFuture<String> answeredOn = new CompletableFuture<>();
    Context caller = vertx.getOrCreateContext();
    caller.runOnContext(v -> direct.withTransaction(conn -> {
      statementThreads.add(Thread.currentThread().getName());
      return conn.preparedQuery("INSERT INTO done_jobs (id, finished_at) VALUES (?, ?)").execute(Tuple.of("t-1", 1L))
          .compose(r -> {
            statementThreads.add(Thread.currentThread().getName());
            return conn.preparedQuery("SELECT id FROM done_jobs WHERE id = ?").execute(Tuple.of("t-1"));
          })
          .map(r -> {
            statementThreads.add(Thread.currentThread().getName());
            return r.iterator().next().getString(0);
          });
    }).onSuccess(id -> answeredOn.complete(id + " on " + Thread.currentThread().getName())));
    String answer = answeredOn.get(10, TimeUnit.SECONDS);
    assertEquals(1, statementThreads.size(), "every statement on the same thread: " + statementThreads);
    assertTrue(statementThreads.iterator().next().startsWith(DirectTransactions.THREAD), statementThreads.toString());
    assertTrue(answer.startsWith("t-1 on vert.x-eventloop-thread"), answer);
  }

  @Test
  void transactionsFromManyContextsAllRunOnTheOneThread() throws Exception {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    List<io.vertx.core.Future<Integer>> all = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String id = "many-" + i;
      CompletableFuture<io.vertx.core.Future<Integer>> started = new CompletableFuture<>();
      vertx.getOrCreateContext().runOnContext(v -> started.complete(direct.withTransaction(conn -> {
        threads.add(Thread.currentThread().getName());
        return conn.preparedQuery("INSERT INTO done_jobs (id, finished_at) VALUES (?, ?)").execute(Tuple.of(id, 1L))
            .map(io.vertx.sqlclient.SqlResult::rowCount);
      })));
      all.add(started.get(10, TimeUnit.SECONDS));
    }
    for (io.vertx.core.Future<Integer> one : all) assertEquals(1, one.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals(1, threads.size(), threads.toString());
    assertTrue(threads.iterator().next().startsWith(DirectTransactions.THREAD), threads.toString());
  }

  @Test
  void textColumnsAreReadAsStringsAndNumbersAsTheirJdbcValues() throws Exception {
    await(pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO results (id, task_id, event_id, attempt, status,"
        + " entity_key, created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").execute(
        Tuple.of("res-1", "t", "e", 2, "FAIL", "k", 7L, "{\"a\":1}"))));
    Row row = await(direct.withTransaction(conn ->
        conn.preparedQuery("SELECT body, attempt, created_at, id FROM results WHERE id = ?").execute(Tuple.of("res-1"))))
        .iterator().next();
    assertEquals("{\"a\":1}", row.getString(0));
    assertEquals(2, row.getInteger(1));
    assertEquals(7L, row.getLong(2));
    assertEquals("res-1", row.getString("id"));
    assertEquals("body", row.getColumnName(0));
  }

  @Test
  void aStatementAfterTheTransactionEndedFailsInsteadOfRunningOutsideIt() throws Exception {
    List<io.vertx.sqlclient.SqlConnection> kept = new ArrayList<>();
    await(direct.withTransaction(conn -> {
      kept.add(conn);
      return Future.succeededFuture();
    }));
    Future<RowSet<Row>> late = kept.get(0).preparedQuery("INSERT INTO done_jobs (id, finished_at) VALUES (?, ?)")
        .execute(Tuple.of("late-1", 1L));
    assertTrue(late.failed());
    assertFalse(late.cause().getMessage().isEmpty());
    assertEquals(0, countedRows("late-"));
  }

  private static List<Integer> counts(RowSet<Row> batch) {
    List<Integer> out = new ArrayList<>();
    batch.forEach(r -> out.add(r.getInteger(0)));
    return out;
  }
}
