package dev.tally.store;

import io.vertx.core.Future;
import io.vertx.jdbcclient.JDBCConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Every write runs in an explicit transaction. The JDBC pool (H2) hands a connection back with autocommit
 * still off after a transaction, so a plain write on it would never commit; an explicit commit is right for
 * both stores.
 */
final class Writes {
  private Writes() {
  }

  /**
   * Whether the connection is the embedded store's (H2, the only store Tally reaches through JDBC: by the pool, or
   * in a {@link DirectTransactions}). Its file belongs
   * to one process, whose results one writer records at a time, so reads there need not lock as they must on a
   * MySQL store shared by several nodes; and H2 parses again, on every execution, a statement that locks
   * ({@code FOR UPDATE}) rather than reusing it.
   */
  static boolean embedded(SqlConnection conn) {
    return conn instanceof JDBCConnection || DirectTransactions.isDirect(conn);
  }

  static Future<RowSet<Row>> execute(Pool pool, String sql, Tuple params) {
    return pool.withTransaction(conn -> conn.preparedQuery(sql).execute(params));
  }

  /** Several statements in one transaction. */
  static <T> Future<T> transaction(Pool pool, Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(work);
  }

  static Future<RowSet<Row>> batch(Pool pool, String sql, List<Tuple> rows) {
    return pool.withTransaction(conn -> conn.preparedQuery(sql).executeBatch(rows));
  }

  /**
   * The rows each statement of a batch changed, in order. The two clients answer a batch differently: the JDBC
   * pool (H2) with one row per statement holding its count, the MySQL client with one row set per statement.
   */
  static int[] counts(RowSet<Row> batch, int statements) {
    int[] counts = new int[statements];
    if (statements > 0 && batch.size() == statements && batch.next() == null) {
      int i = 0;
      for (Row row : batch) counts[i++] = row.getInteger(0);
      return counts;
    }
    int i = 0;
    for (RowSet<Row> each = batch; each != null && i < statements; each = each.next()) counts[i++] = each.rowCount();
    if (i != statements) throw new IllegalStateException("a batch of " + statements + " statements answered " + i + " counts");
    return counts;
  }

  /**
   * Runs one statement per item as a batch on the connection and returns the items whose statement changed a row,
   * in order: the batch is both the write and the check (a claim already taken, a job no longer pending).
   */
  static <T> Future<List<T>> changedBy(SqlConnection conn, String sql, List<T> items, Function<T, Tuple> params) {
    if (items.isEmpty()) return Future.succeededFuture(List.of());
    return conn.preparedQuery(sql).executeBatch(items.stream().map(params).toList()).map(result -> {
      int[] changed = counts(result, items.size());
      List<T> out = new ArrayList<>(items.size());
      for (int i = 0; i < changed.length; i++) if (changed[i] > 0) out.add(items.get(i));
      return out;
    });
  }
}
