package dev.tally.store;

import io.vertx.core.Closeable;
import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.PropertyKind;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import io.vertx.sqlclient.internal.ArrayTuple;
import io.vertx.sqlclient.spi.DatabaseMetadata;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collector;
import javax.sql.DataSource;

/**
 * Transactions on the embedded store run whole, as one blocking task on a JDBC connection kept for them. The JDBC
 * pool hands each statement to a worker thread and its answer back to the event loop: a batch of results is about
 * eight statements, so eight round trips through two busy threads, and at half the bench's rate most of a commit's
 * time was that waiting (load-tests/RESULTS.md, run 15). Here each statement runs when the work asks for it, on the
 * worker, and its future is complete when returned, so the work's whole chain runs there: one hand-off a
 * transaction.
 *
 * <p>The work must compose only this connection's futures. One completed elsewhere would end the blocking task with
 * the transaction still open: that is refused, rolled back, and the connection turned away from later calls.
 * Statements answer as the JDBC pool's do for what the store's code reads: rows of JDBC's values (text columns as
 * strings), an update's count, and a batch as one row per statement holding its count.
 *
 * <p>Transactions run one at a time here (the results writer sends one at a time anyway); other code keeps using
 * the pool, whose connections are other sessions of the same database.
 */
public final class DirectTransactions implements Closeable {
  /** Prepared statements kept open on the connection (the results' few texts, the padded IN lists among them). */
  private static final int STATEMENTS_KEPT = 32;
  /** The name of the one thread the transactions run on (as thread dumps and {@code top -H} show it). */
  static final String THREAD = "tally-store-direct";

  private final Vertx vertx;
  private final DataSource source;
  private final WorkerExecutor thread;
  private Connection jdbc;
  private Map<String, java.sql.PreparedStatement> prepared;
  private boolean closed;

  public DirectTransactions(Vertx vertx, DataSource source) {
    this.vertx = vertx;
    this.source = source;
    // one thread of its own: the transactions run one at a time anyway (run is synchronized), and on one thread the
    // store's pages stay in that core's cache rather than visiting each thread of the shared pool in turn
    this.thread = vertx.createSharedWorkerExecutor(THREAD, 1);
    ((VertxInternal) vertx).addCloseHook(this);
  }

  /** Runs {@code work} in one transaction, committed if its future succeeds, rolled back if it fails. */
  public <T> Future<T> withTransaction(Function<SqlConnection, Future<T>> work) {
    return thread.executeBlocking(() -> run(work), false);
  }

  private synchronized <T> T run(Function<SqlConnection, Future<T>> work) throws Exception {
    if (closed) throw new IllegalStateException("the store is closed");
    Connection conn = connection();
    Session session = new Session(this::statement);
    try {
      Future<T> done = work.apply(session);
      if (!done.isComplete()) {
        throw new IllegalStateException("a direct transaction's work waited on something other than its statements");
      }
      if (done.failed()) throw asException(done.cause());
      conn.commit();
      return done.result();
    } catch (Exception | Error e) {
      rollback(conn);
      throw e;
    } finally {
      session.end();
    }
  }

  private Connection connection() throws SQLException {
    if (jdbc != null && !jdbc.isClosed()) return jdbc;
    jdbc = source.getConnection();
    jdbc.setAutoCommit(false);
    prepared = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, java.sql.PreparedStatement> eldest) {
        if (size() <= STATEMENTS_KEPT) return false;
        closeQuietly(eldest.getValue());
        return true;
      }
    };
    return jdbc;
  }

  private java.sql.PreparedStatement statement(String sql) throws SQLException {
    java.sql.PreparedStatement ps = prepared.get(sql);
    if (ps == null) {
      ps = jdbc.prepareStatement(sql);
      prepared.put(sql, ps);
    }
    return ps;
  }

  /** A connection whose rollback fails is given up: the next transaction opens a fresh one. */
  private void rollback(Connection conn) {
    try {
      conn.rollback();
    } catch (SQLException e) {
      drop();
    }
  }

  private void drop() {
    try {
      if (jdbc != null) jdbc.close();
    } catch (SQLException ignored) {
      // closing is all that is left to do with it
    }
    jdbc = null;
    prepared = null;
  }

  @Override
  public void close(Completable<Void> completion) {
    vertx.<Void>executeBlocking(() -> {
      synchronized (this) {
        closed = true;
        drop();
      }
      return null;
    }, false).onComplete(completion);
  }

  private static Exception asException(Throwable t) {
    if (t instanceof Exception e) return e;
    return new IllegalStateException(t);
  }

  private static void closeQuietly(java.sql.PreparedStatement ps) {
    try {
      ps.close();
    } catch (SQLException ignored) {
      // a statement of a connection being dropped
    }
  }

  @FunctionalInterface
  private interface Statements {
    java.sql.PreparedStatement get(String sql) throws SQLException;
  }

  /** The work's view of the transaction: statements only, each run at once on the calling thread. */
  private static final class Session implements SqlConnection {
    private final Statements statements;
    private boolean ended;

    Session(Statements statements) {
      this.statements = statements;
    }

    void end() {
      ended = true;
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
      return new Statement(sql);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
      return new Statement(sql);
    }

    @Override
    public Query<RowSet<Row>> query(String sql) {
      return new Statement(sql);
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }

    @Override
    public boolean isSSL() {
      return false;
    }

    @Override
    public Future<PreparedStatement> prepare(String sql) {
      throw unsupported("prepare");
    }

    @Override
    public Future<PreparedStatement> prepare(String sql, PrepareOptions options) {
      throw unsupported("prepare");
    }

    @Override
    public SqlConnection exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public SqlConnection closeHandler(Handler<Void> handler) {
      return this;
    }

    @Override
    public Future<Transaction> begin() {
      throw unsupported("begin (the work is a transaction already)");
    }

    @Override
    public Transaction transaction() {
      return null;
    }

    @Override
    public DatabaseMetadata databaseMetadata() {
      throw unsupported("databaseMetadata");
    }

    private final class Statement implements PreparedQuery<RowSet<Row>> {
      private final String sql;

      Statement(String sql) {
        this.sql = sql;
      }

      @Override
      public Future<RowSet<Row>> execute() {
        return execute(Tuple.tuple());
      }

      @Override
      public Future<RowSet<Row>> execute(Tuple params) {
        return run(() -> {
          java.sql.PreparedStatement ps = statements.get(sql);
          bind(ps, params);
          if (!ps.execute()) return ListRowSet.updated(ps.getUpdateCount());
          try (ResultSet rs = ps.getResultSet()) {
            return ListRowSet.read(rs);
          }
        });
      }

      @Override
      public Future<RowSet<Row>> executeBatch(List<Tuple> batch) {
        return run(() -> {
          java.sql.PreparedStatement ps = statements.get(sql);
          try {
            for (Tuple params : batch) {
              bind(ps, params);
              ps.addBatch();
            }
            return ListRowSet.counts(ps.executeBatch());
          } finally {
            ps.clearBatch();
          }
        });
      }

      private Future<RowSet<Row>> run(SqlCall call) {
        if (ended) return Future.failedFuture(new IllegalStateException("the direct transaction has ended"));
        try {
          return Future.succeededFuture(call.get());
        } catch (SQLException | RuntimeException e) {
          return Future.failedFuture(e);
        }
      }

      @Override
      public <R> PreparedQuery<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
        throw unsupported("collecting");
      }

      @Override
      public <U> PreparedQuery<RowSet<U>> mapping(Function<Row, U> mapper) {
        throw unsupported("mapping");
      }
    }
  }

  @FunctionalInterface
  private interface SqlCall {
    RowSet<Row> get() throws SQLException;
  }

  private static void bind(java.sql.PreparedStatement ps, Tuple params) throws SQLException {
    ps.clearParameters();
    for (int i = 0; i < params.size(); i++) {
      Object value = params.getValue(i);
      if (value instanceof Buffer buffer) value = buffer.getBytes();
      else if (value instanceof Enum<?> e) value = e.name();
      if (value == null) ps.setNull(i + 1, Types.NULL);
      else ps.setObject(i + 1, value);
    }
  }

  private static UnsupportedOperationException unsupported(String what) {
    return new UnsupportedOperationException(what + " is not offered inside a direct transaction");
  }

  /** Rows held in a list: a query's, an update's (none, with its count) or a batch's (one count each). */
  private static final class ListRowSet implements RowSet<Row> {
    private final List<Row> rows;
    private final List<String> columns;
    private final int rowCount;

    private ListRowSet(List<Row> rows, List<String> columns, int rowCount) {
      this.rows = rows;
      this.columns = columns;
      this.rowCount = rowCount;
    }

    static ListRowSet updated(int count) {
      return new ListRowSet(List.of(), List.of(), count);
    }

    static ListRowSet counts(int[] counts) {
      List<String> columns = List.of("count");
      List<Row> rows = new ArrayList<>(counts.length);
      int sum = 0;
      for (int n : counts) {
        ValuesRow row = new ValuesRow(columns);
        row.addValue(n);
        rows.add(row);
        sum += Math.max(n, 0);
      }
      return new ListRowSet(rows, columns, sum);
    }

    static ListRowSet read(ResultSet rs) throws SQLException {
      ResultSetMetaData meta = rs.getMetaData();
      int n = meta.getColumnCount();
      List<String> columns = new ArrayList<>(n);
      boolean[] text = new boolean[n];
      for (int i = 0; i < n; i++) {
        columns.add(meta.getColumnLabel(i + 1));
        int type = meta.getColumnType(i + 1);
        text[i] = type == Types.CLOB || type == Types.NCLOB || type == Types.LONGVARCHAR || type == Types.LONGNVARCHAR;
      }
      List<Row> rows = new ArrayList<>();
      while (rs.next()) {
        ValuesRow row = new ValuesRow(columns);
        for (int i = 0; i < n; i++) row.addValue(text[i] ? rs.getString(i + 1) : rs.getObject(i + 1));
        rows.add(row);
      }
      return new ListRowSet(rows, columns, rows.size());
    }

    @Override
    public RowIterator<Row> iterator() {
      var it = rows.iterator();
      return new RowIterator<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Row next() {
          return it.next();
        }
      };
    }

    @Override
    public int rowCount() {
      return rowCount;
    }

    @Override
    public List<String> columnsNames() {
      return columns;
    }

    @Override
    public List<ColumnDescriptor> columnDescriptors() {
      throw unsupported("columnDescriptors");
    }

    @Override
    public int size() {
      return rows.size();
    }

    @Override
    public <V> V property(PropertyKind<V> propertyKind) {
      return null;
    }

    @Override
    public RowSet<Row> value() {
      return this;
    }

    @Override
    public RowSet<Row> next() {
      return null;
    }
  }

  private static final class ValuesRow extends ArrayTuple implements Row {
    private final List<String> columns;

    ValuesRow(List<String> columns) {
      super(columns.size());
      this.columns = columns;
    }

    @Override
    public String getColumnName(int pos) {
      return pos < 0 || pos >= columns.size() ? null : columns.get(pos);
    }

    @Override
    public int getColumnIndex(String column) {
      return columns.indexOf(column);
    }
  }

  /** Whether {@code conn} is a direct transaction's (so the embedded store's). */
  static boolean isDirect(SqlConnection conn) {
    return conn instanceof Session;
  }
}
