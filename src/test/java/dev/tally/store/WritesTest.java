package dev.tally.store;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.config.TallyConfig;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batches as the results writer uses them: each statement reports its own count, and a transaction is undone whole
 * when one statement of a batch fails.
 */
class WritesTest extends BothStoresTest {
  static Stream<TallyConfig.Store> stores() throws Exception {
    return Stream.of(StoreFixture.h2(), StoreFixture.mysql("tally_test_writes"));
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aLargeBatchReportsWhichOfItsRowsEachStatementChanged(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    List<String> taken = new ArrayList<>();
    for (int i = 0; i < 300; i += 3) taken.add("id-" + i);
    await(Writes.transaction(pool, conn -> Writes.changedBy(conn, "INSERT INTO done_jobs (id, finished_at) VALUES (?, ?)",
        taken, id -> Tuple.of(id, 1L))));
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 300; i++) all.add("id-" + i);
    List<String> fresh = await(Writes.transaction(pool, conn -> Writes.changedBy(conn,
        "INSERT IGNORE INTO done_jobs (id, finished_at) VALUES (?, ?)", all, id -> Tuple.of(id, 2L))));
    assertEquals(all.stream().filter(id -> !taken.contains(id)).toList(), fresh, "each statement's own count, in order");
    assertEquals(300L, count(pool, "SELECT COUNT(*) FROM done_jobs"));
    await(pool.close());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aRowThatFailsInTheMiddleOfABatchRollsTheWholeTransactionBack(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    await(Writes.transaction(pool, conn -> conn.preparedQuery("INSERT INTO done_jobs (id, finished_at) VALUES (?, ?)")
        .execute(Tuple.of("dup", 1L))));
    List<Tuple> rows = List.of(Tuple.of("a", 1L), Tuple.of("b", 1L), Tuple.of("dup", 1L), Tuple.of("c", 1L));
    assertThrows(ExecutionException.class, () -> await(Writes.transaction(pool, conn -> conn
        .preparedQuery("INSERT INTO results (id, task_id, event_id, attempt, status, entity_key, created_at, body)"
            + " VALUES ('r1', 't', 'e1', 1, 'FAIL', 'k', 1, '{}')").execute()
        .compose(v -> conn.preparedQuery("INSERT INTO done_jobs (id, finished_at) VALUES (?, ?)").executeBatch(rows)))));
    assertEquals(1L, count(pool, "SELECT COUNT(*) FROM done_jobs"), "the rows before and after the duplicate are gone");
    assertEquals(0L, count(pool, "SELECT COUNT(*) FROM results"), "and so is the transaction's earlier statement");
    await(pool.close());
  }

  private static long count(Pool pool, String sql) throws Exception {
    return await(pool.query(sql).execute()).iterator().next().getLong(0);
  }
}
