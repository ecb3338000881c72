package dev.tally.source;

import dev.tally.model.DataSource;
import dev.tally.model.Event;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.ClientBuilder;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnectOptions;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Reads a table side with {@code SELECT <fields> FROM <table> WHERE (<where>) LIMIT n} on a reactive pool, the WHERE
 * written by {@link SqlWhere}'s parser, the statement run read-only with a time-out (see {@link SqlDialect#guard});
 * what differs between databases is behind a {@link SqlDialect}. Placeholders become prepared-statement
 * parameters, coerced to the type of the column they are compared with; table and fields are checked against
 * the column catalog (cached per table for a minute). One row is expected ({@code LIMIT 2}: a second is an
 * error); a list side ({@link SideSpec#isList()}) reads up to {@link #MAX_LIST_ROWS} rows.
 */
abstract class SqlSideReader implements SideReader {
  /**
   * Connections per SQL or Redis data source, per node, unless its {@code poolSize} says otherwise. A connection
   * runs one statement at a time, so a source's reads are bounded by its connections over each round trip, which
   * includes the wait for a busy event loop: on two cores, 8 rather than 4 took the bench from about 4,800 to
   * 5,300-5,800 results/s, while the baseline's reads did not change (RESULTS.md run 12).
   */
  public static final int DEFAULT_POOL_SIZE = 8;
  /** The most rows a list side reads; more is a failed side. */
  public static final int MAX_LIST_ROWS = 1000;
  private static final long COLUMNS_TTL_MS = 60_000;

  private record CachedColumns(Future<Map<String, SqlColumn>> columns, long loadedAt) {
  }

  /** A read that cannot run: bad configuration or an event value that does not fit. */
  private static final class Unreadable extends RuntimeException {
    Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  private final Vertx vertx;
  private final DataSource dataSource;
  private final SqlDialect dialect;
  private final Pool pool;
  private final long timeoutMs;
  private final String address;
  private final Map<String, CachedColumns> columnCache = new ConcurrentHashMap<>();
  private volatile Future<UnaryOperator<String>> guard;
  private final AtomicLong statementsRun = new AtomicLong();
  /** Whether new key lookups gather a loop's turn (see {@link ReadBatches#gatherTurns}); off only in tests. */
  private volatile boolean gatherTurns = true;

  /** Builds the pool (not connected yet) with the data source's pool size and time-outs. */
  SqlSideReader(Vertx vertx, DataSource dataSource, SqlDialect dialect, ClientBuilder<Pool> builder, SqlConnectOptions connect) {
    this.vertx = vertx;
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.timeoutMs = dataSource.timeoutOrDefault();
    this.address = connect.getHost() + ":" + connect.getPort();
    this.pool = builder.with(SqlSettings.poolOptions(dataSource)).with(SqlSettings.netOptions(dataSource))
        .connectingTo(connect).using(vertx).build();
  }

  @Override
  public Future<SideRead> read(SideSpec spec, Event event) {
    long start = System.nanoTime();
    Plan plan = plan(spec);
    if (plan.error() != null) return Future.succeededFuture(SideRead.failed(plan.error(), null, List.of(), tookMs(start)));
    List<Object> params = new ArrayList<>();
    String[] sql = {plan.draft()};
    return OnContext.start(vertx)
        .compose(nothing -> columnsOf(spec.table())) // a closed pool may throw: it must still end as a failed side
        .compose(columns -> {
          Checked statement = checked(spec, plan, columns);
          sql[0] = statement.sql();
          Tuple tuple = bind(plan.where(), columns, event, params);
          Future<List<Row>> rows = statement.lookup() != null
              ? statement.lookup().read(tuple.getValue(0))
              : run(sql[0], tuple).map(SqlSideReader::listOf);
          return rows.map(found -> toRead(found, spec, plan.names(), columns, sql[0], params, start));
        })
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .otherwise(error -> {
          if (error instanceof DatabaseException) columnCache.remove(cacheKey(spec.table())); // schema may have changed
          return SideRead.failed(describe(error), sql[0], frozen(params), tookMs(start));
        });
  }

  /** A spec parsed once, not per read: its WHERE, the columns it reads and the statement, or why it cannot run. */
  private record Plan(SqlWhere where, List<String> names, String draft, String error) {
  }

  /**
   * A plan's statement as checked against one catalog (the columns' own spelling), and its batched form when the
   * side is a key lookup (see {@link KeyLookup}), else null.
   */
  private record Checked(Plan plan, Map<String, SqlColumn> columns, String sql, KeyLookup lookup) {
  }

  private static final int MAX_PLANS = 1024;
  private final Map<SideSpec, Plan> plans = new ConcurrentHashMap<>();
  private final Map<SideSpec, Checked> checked = new ConcurrentHashMap<>();

  private Plan plan(SideSpec spec) {
    Plan plan = plans.get(spec);
    if (plan != null) return plan;
    try {
      SqlWhere where = dialect.parseWhere(spec.where());
      List<String> names = columnsToRead(spec);
      plan = new Plan(where, names, select(spec, names, where, dialect::quote, dialect::quote), null);
    } catch (IllegalArgumentException e) {
      plan = new Plan(null, List.of(), null, configError(e));
    }
    if (plans.size() >= MAX_PLANS) plans.clear(); // tasks edited many times leave specs nobody reads any more
    plans.put(spec, plan);
    return plan;
  }

  private Checked checked(SideSpec spec, Plan plan, Map<String, SqlColumn> columns) {
    Checked known = checked.get(spec);
    if (known != null && known.plan() == plan && known.columns() == columns) return known;
    checkColumns(spec, plan.names(), plan.where(), columns);
    // the catalog's spelling, so a quoted name matches however the configuration wrote it
    String sql = select(spec, plan.names(), plan.where(), name -> dialect.selected(column(columns, name)),
        name -> dialect.quote(column(columns, name).name()));
    SqlColumn key = lookupKey(spec, plan.where(), columns);
    // the catalog is read again every minute: the same statement keeps its batches, and their bound on connections
    KeyLookup lookup = key == null ? null
        : known != null && known.lookup() != null && known.sql().equals(sql) ? known.lookup()
        : new KeyLookup(spec, plan.names(), columns, key, sql);
    if (checked.size() >= MAX_PLANS) checked.clear();
    Checked made = new Checked(plan, columns, sql, lookup);
    checked.put(spec, made);
    return made;
  }

  /** The integer types whose values a batched lookup can match back to its keys exactly. */
  private static final Set<String> LOOKUP_KEY_TYPES = Set.of("smallint", "mediumint", "int", "integer",
      "bigint");

  /**
   * The column of a side that reads one row by one integer column ({@code id = #{id}}), which can be batched; null
   * for any other side. Integers only: a string key may match under the column's collation ('a' = 'A ') a row
   * whose value is not the key, which could not be told apart when the rows come back; and not TINYINT, which
   * MySQL's BOOLEAN is.
   */
  private static SqlColumn lookupKey(SideSpec spec, SqlWhere where, Map<String, SqlColumn> columns) {
    if (spec.isList() || where.params().size() != 1 || where.params().get(0).column() == null) return null;
    String name = where.params().get(0).column();
    String condition = where.sql();
    if (!condition.equals(name + " = ?") && !condition.equals("? = " + name)) return null;
    SqlColumn column = column(columns, name);
    return column != null && LOOKUP_KEY_TYPES.contains(column.dataType()) ? column : null;
  }

  /** The most keys of one batched lookup; also the largest IN list, so the statements prepared stay few. */
  static final int MAX_LOOKUP_BATCH = 64;

  /**
   * The batched form of a key lookup: {@code SELECT <fields>, <key> FROM <table> WHERE <key> IN (?, ...)}, run by
   * {@link ReadBatches} when reads wait for a connection. Each key gets the rows whose key column equals it, as its
   * own statement would have read them; the IN list is padded to a power of two with the last key, so at most seven
   * statements are prepared per side. A batch whose rows reach its LIMIT (a key of many rows) is read again key by
   * key, so every key still sees whether it has no, one or several rows.
   */
  private final class KeyLookup {
    private final String single;
    private final String selectFrom;
    private final String keyColumn;
    private final int keyIndex;
    private final ReadBatches<Object, List<Row>> batches;

    KeyLookup(SideSpec spec, List<String> names, Map<String, SqlColumn> columns, SqlColumn key, String single) {
      this.single = single;
      List<String> selected = new ArrayList<>();
      int index = -1;
      for (int i = 0; i < names.size(); i++) {
        SqlColumn c = column(columns, names.get(i));
        selected.add(dialect.selected(c));
        if (c.name().equalsIgnoreCase(key.name())) index = i;
      }
      if (index < 0) {
        selected.add(dialect.quote(key.name()));
        index = selected.size() - 1;
      }
      this.keyIndex = index;
      this.keyColumn = dialect.quote(key.name());
      this.selectFrom = "SELECT " + String.join(", ", selected) + " FROM " + quotedTable(spec.table());
      this.batches = new ReadBatches<>(SqlSettings.connections(dataSource), MAX_LOOKUP_BATCH, this::batch);
      batches.gatherTurns(gatherTurns);
    }

    Future<List<Row>> read(Object key) {
      return batches.read(key);
    }

    private Future<List<List<Row>>> batch(List<Object> keys) {
      if (keys.size() == 1) return one(keys.get(0)).map(List::of);
      int size = Integer.highestOneBit(keys.size() - 1) << 1;
      int limit = 2 * size;
      Tuple tuple = Tuple.tuple();
      StringBuilder in = new StringBuilder();
      for (int i = 0; i < size; i++) {
        tuple.addValue(keys.get(Math.min(i, keys.size() - 1)));
        in.append(i == 0 ? "" : ", ").append(dialect.placeholder(i + 1));
      }
      String sql = selectFrom + " WHERE " + keyColumn + " IN (" + in + ") LIMIT " + limit;
      return SqlSideReader.this.run(sql, tuple)
          .timeout(timeoutMs, TimeUnit.MILLISECONDS)
          .compose(rows -> rows.size() >= limit ? oneByOne(keys) : Future.succeededFuture(byKey(keys, rows)));
    }

    private Future<List<Row>> one(Object key) {
      return SqlSideReader.this.run(single, Tuple.of(key)).timeout(timeoutMs, TimeUnit.MILLISECONDS).map(SqlSideReader::listOf);
    }

    private Future<List<List<Row>>> oneByOne(List<Object> keys) {
      List<Future<List<Row>>> each = new ArrayList<>(keys.size());
      for (Object key : keys) each.add(one(key));
      return Future.all(each).map(all -> {
        List<List<Row>> answers = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) answers.add(all.resultAt(i));
        return answers;
      });
    }

    private List<List<Row>> byKey(List<Object> keys, RowSet<Row> rows) {
      Map<String, List<Row>> found = new HashMap<>();
      for (Row row : rows) {
        List<Row> same = found.computeIfAbsent(integerKey(row.getValue(keyIndex)), k -> new ArrayList<>(2));
        if (same.size() < 2) same.add(row); // as its own statement's LIMIT 2 would have
      }
      List<List<Row>> answers = new ArrayList<>(keys.size());
      for (Object key : keys) answers.add(key == null ? List.of() : found.getOrDefault(integerKey(key), List.of()));
      return answers;
    }
  }

  /** An integer value, bound or read, as one spelling: Integer 7, Long 7 and Numeric 7 are the same key. */
  static String integerKey(Object value) {
    if (value instanceof Numeric n) value = n.bigDecimalValue();
    if (value instanceof BigDecimal d) return d.stripTrailingZeros().toPlainString();
    return String.valueOf(value);
  }

  private static List<Row> listOf(RowSet<Row> rows) {
    List<Row> list = new ArrayList<>(rows.size());
    rows.forEach(list::add);
    return list;
  }

  /** A read's statement, run read-only with the statement time-out. */
  private Future<RowSet<Row>> run(String sql, Tuple tuple) {
    statementsRun.incrementAndGet();
    return guard().compose(guarded -> pool.preparedQuery(guarded.apply(sql)).execute(tuple));
  }

  /** Statements the reads have run, batched or not (for tests). */
  long statementsRun() {
    return statementsRun.get();
  }

  /** For tests: see {@link ReadBatches#gatherTurns}; applies to the lookups of specs not read yet. */
  void gatherTurns(boolean on) {
    gatherTurns = on;
  }

  /** Key lookups waiting for a batch to end (for tests). */
  int lookupsWaiting() {
    int n = 0;
    for (Checked c : checked.values()) n += c.lookup() == null ? 0 : c.lookup().batches.waitingCount();
    return n;
  }

  /** How reads run read-only with a statement time-out, asked of the server once (again after a failure). */
  private Future<UnaryOperator<String>> guard() {
    Future<UnaryOperator<String>> current = guard;
    if (current == null || current.failed()) {
      current = dialect.guard(pool, timeoutMs);
      guard = current;
    }
    return current;
  }

  @Override
  public Future<Void> test() {
    return pool.query("SELECT 1").execute()
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(error -> Future.failedFuture(describe(error)));
  }

  /**
   * The tables of the database whose names start with {@code prefix} (at most {@link Catalog#MAX_NAMES}) and, for
   * {@code of}, its columns with their types.
   */
  @Override
  public Future<Catalog> catalog(String of, String prefix) {
    if (of != null && !SqlNames.isTableName(of)) return Future.failedFuture("table '" + of + "' is not a valid name");
    return OnContext.start(vertx)
        .compose(nothing -> pool.preparedQuery(dialect.tablesQuery(Catalog.MAX_NAMES + 1))
            .execute(Tuple.of(prefix == null ? "" : prefix, prefix == null ? "" : prefix)))
        .compose(rows -> {
          List<Catalog.Entry> tables = new ArrayList<>();
          for (Row row : rows) {
            SqlColumn table = dialect.column(row);
            tables.add(new Catalog.Entry(table.name(), table.dataType()));
          }
          boolean truncated = tables.size() > Catalog.MAX_NAMES;
          List<Catalog.Entry> names = truncated ? tables.subList(0, Catalog.MAX_NAMES) : tables;
          if (of == null) return Future.succeededFuture(Catalog.of(names, null, truncated));
          return loadColumns(of).map(columns -> Catalog.of(names, columns.values().stream()
              .map(c -> new Catalog.Entry(c.name(), c.columnType())).toList(), truncated));
        })
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(error -> Future.failedFuture(describe(error)));
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }

  /** The side's fields, and for a list side its rowKey too if the fields leave it out. */
  static List<String> columnsToRead(SideSpec spec) {
    if (!spec.isList() || spec.rowKey() == null || spec.fields().contains(spec.rowKey())) return spec.fields();
    List<String> names = new ArrayList<>(spec.fields());
    names.add(spec.rowKey());
    return List.copyOf(names);
  }

  private String select(SideSpec spec, List<String> names, SqlWhere where, UnaryOperator<String> quote,
                        UnaryOperator<String> whereColumn) {
    if (!SqlNames.isTableName(spec.table())) throw new IllegalArgumentException("table '" + spec.table() + "' is not a valid name");
    if (spec.fields().isEmpty()) throw new IllegalArgumentException("no fields to read");
    if (spec.isList() && (spec.rowKey() == null || spec.rowKey().isBlank())) throw new IllegalArgumentException("a list side needs a rowKey");
    List<String> quoted = new ArrayList<>();
    for (String field : names) {
      if (!SqlNames.isIdentifier(field)) throw new IllegalArgumentException("field '" + field + "' is not a valid name");
      quoted.add(quote.apply(field));
    }
    // the parser's output, not the configured text: quoted columns, the dialect's placeholders
    return "SELECT " + String.join(", ", quoted) + " FROM " + quotedTable(spec.table())
        + " WHERE (" + where.sql(whereColumn, dialect::placeholder) + ") LIMIT " + (spec.isList() ? MAX_LIST_ROWS + 1 : 2);
  }

  /** {@code table} or {@code schema.table}, each part quoted. */
  private String quotedTable(String table) {
    String schema = SqlNames.schemaOf(table);
    return schema == null ? dialect.quote(table) : dialect.quote(schema) + "." + dialect.quote(SqlNames.tableOf(table));
  }

  private static String configError(IllegalArgumentException e) {
    return e instanceof SqlWhere.InvalidWhereException ? "where " + e.getMessage() : e.getMessage();
  }

  private Future<Map<String, SqlColumn>> columnsOf(String table) {
    String key = cacheKey(table);
    long now = System.currentTimeMillis();
    CachedColumns cached = columnCache.get(key);
    if (cached != null && !cached.columns().failed() && now - cached.loadedAt() < COLUMNS_TTL_MS) {
      return cached.columns();
    }
    Future<Map<String, SqlColumn>> loading = loadColumns(table);
    columnCache.put(key, new CachedColumns(loading, now));
    return loading;
  }

  private Future<Map<String, SqlColumn>> loadColumns(String table) {
    String schema = SqlNames.schemaOf(table);
    String name = SqlNames.tableOf(table);
    return pool.preparedQuery(dialect.columnsQuery())
        .execute(Tuple.of(schema, name))
        .map(rows -> {
          Map<String, SqlColumn> columns = new LinkedHashMap<>();
          for (Row row : rows) {
            SqlColumn column = dialect.column(row);
            columns.put(column.name().toLowerCase(Locale.ROOT), column);
          }
          if (columns.isEmpty()) {
            String db = schema != null ? schema : dataSource.database();
            throw new Unreadable("table '" + name + "' not found in database '" + db + "'");
          }
          return Collections.unmodifiableMap(columns);
        });
  }

  private static String cacheKey(String table) {
    return table.toLowerCase(Locale.ROOT);
  }

  private static void checkColumns(SideSpec spec, List<String> names, SqlWhere where, Map<String, SqlColumn> columns) {
    for (String field : names) {
      if (column(columns, field) == null) throw unknownColumn(field, spec.table());
    }
    for (String name : where.columns()) {
      if (column(columns, name) == null) throw unknownColumn(name, spec.table());
    }
  }

  private static Unreadable unknownColumn(String column, String table) {
    return new Unreadable("unknown column '" + column + "' in table '" + table + "'");
  }

  private static SqlColumn column(Map<String, SqlColumn> columns, String name) {
    return columns.get(name.toLowerCase(Locale.ROOT));
  }

  /** Binds every placeholder, filling {@code params} (as shown in results) as it goes so a failure still shows what was bound. */
  private Tuple bind(SqlWhere where, Map<String, SqlColumn> columns, Event event, List<Object> params) {
    Tuple tuple = Tuple.tuple();
    for (SqlWhere.Param param : where.params()) {
      Object value;
      try {
        value = dialect.param(param.variable(), Template.value(event.data(), param.variable()),
            param.column() == null ? null : column(columns, param.column()));
      } catch (Template.MissingVariableException | ColumnTypes.BadValueException e) {
        throw new Unreadable(e.getMessage());
      }
      params.add(dialect.value(value, null));
      tuple.addValue(value instanceof BigDecimal d ? Numeric.create(d) : value);
    }
    return tuple;
  }

  private SideRead toRead(List<Row> rows, SideSpec spec, List<String> names, Map<String, SqlColumn> columns,
                          String sql, List<Object> params, long start) {
    if (spec.isList()) {
      if (rows.size() > MAX_LIST_ROWS) {
        return SideRead.failed("more than " + MAX_LIST_ROWS + " rows match; a list side reads at most " + MAX_LIST_ROWS,
            sql, frozen(params), tookMs(start));
      }
      List<Map<String, Object>> list = new ArrayList<>(rows.size());
      for (Row row : rows) list.add(values(row, names, columns));
      return SideRead.foundRows(list, sql, frozen(params), tookMs(start));
    }
    if (rows.size() == 0) return SideRead.missing(sql, frozen(params), tookMs(start));
    if (rows.size() > 1) {
      return SideRead.failed("expected one row, got " + rows.size() + " or more", sql, frozen(params), tookMs(start));
    }
    return SideRead.found(values(rows.get(0), names, columns), sql, frozen(params), tookMs(start));
  }

  private Map<String, Object> values(Row row, List<String> names, Map<String, SqlColumn> columns) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      String field = names.get(i);
      values.put(field, dialect.value(row.getValue(i), column(columns, field)));
    }
    return Collections.unmodifiableMap(values);
  }

  private String describe(Throwable error) {
    if (error instanceof Unreadable) return error.getMessage();
    String message = ReadErrors.describe(error, address, timeoutMs, dialect.product());
    if (dataSource.tlsOn() && !message.startsWith("TLS") && message.toUpperCase(Locale.ROOT).contains("SSL")) {
      return "TLS with " + address + " failed: " + message; // e.g. a server without TLS: "does not handle SSL connection"
    }
    // MySQL refuses a REQUIRE SSL user as any bad login; PostgreSQL's pg_hba says "SSL off"
    if (!dataSource.tlsOn() && error instanceof DatabaseException
        && (message.contains("Access denied for user") || message.contains("SSL off"))) {
      message += " (if this user must connect over TLS, set tls: true on the data source)";
    }
    return message;
  }

  private static List<Object> frozen(List<Object> params) {
    return Collections.unmodifiableList(new ArrayList<>(params));
  }

  private static long tookMs(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
