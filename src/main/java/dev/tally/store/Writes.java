package dev.tally.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * Every write runs in an explicit transaction. The JDBC pool (H2) hands a connection back with autocommit
 * still off after a transaction, so a plain write on it would never commit; an explicit commit is right for
 * both stores.
 */
final class Writes {
  private Writes() {
  }

  static Future<RowSet<Row>> execute(Pool pool, String sql, Tuple params) {
    return pool.withTransaction(conn -> conn.preparedQuery(sql).execute(params));
  }

  /** Several statements in one transaction. */
  static <T> Future<T> transaction(Pool pool, java.util.function.Function<io.vertx.sqlclient.SqlConnection, Future<T>> work) {
    return pool.withTransaction(work);
  }

  static Future<RowSet<Row>> batch(Pool pool, String sql, List<Tuple> rows) {
    return pool.withTransaction(conn -> conn.preparedQuery(sql).executeBatch(rows));
  }
}
