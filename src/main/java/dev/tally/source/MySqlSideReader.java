package dev.tally.source;

import dev.tally.model.DataSource;
import dev.tally.model.Event;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Reads one row with {@code SELECT <fields> FROM <table> WHERE (<where>) LIMIT 2} on a reactive MySQL pool.
 * Placeholders become prepared-statement parameters, coerced to the type of the column they are compared
 * with; table and fields are checked against information_schema (cached per table for a minute).
 */
public final class MySqlSideReader implements SideReader {
  public static final int DEFAULT_POOL_SIZE = 4;
  private static final long COLUMNS_TTL_MS = 60_000;

  private record CachedColumns(Future<Map<String, SqlColumn>> columns, long loadedAt) {
  }

  /** A read that cannot run: bad configuration or an event value that does not fit. */
  private static final class Unreadable extends RuntimeException {
    Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  private final DataSource dataSource;
  private final Pool pool;
  private final long timeoutMs;
  private final String address;
  private final Map<String, CachedColumns> columnCache = new ConcurrentHashMap<>();

  public MySqlSideReader(Vertx vertx, DataSource dataSource) {
    this.dataSource = dataSource;
    this.timeoutMs = dataSource.timeoutOrDefault();
    MySQLConnectOptions connect = new MySQLConnectOptions()
        .setHost(dataSource.host() == null ? MySQLConnectOptions.DEFAULT_HOST : dataSource.host())
        .setPort(dataSource.port() == null ? MySQLConnectOptions.DEFAULT_PORT : dataSource.port())
        .setUser(dataSource.user() == null ? MySQLConnectOptions.DEFAULT_USER : dataSource.user())
        .setPassword(dataSource.password() == null ? "" : dataSource.password());
    if (dataSource.database() != null && !dataSource.database().isBlank()) connect.setDatabase(dataSource.database());
    this.address = connect.getHost() + ":" + connect.getPort();
    PoolOptions poolOptions = new PoolOptions()
        .setMaxSize(dataSource.poolSize() == null ? DEFAULT_POOL_SIZE : dataSource.poolSize())
        .setConnectionTimeout((int) timeoutMs)
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
    this.pool = MySQLBuilder.pool()
        .with(poolOptions)
        .with(new NetClientOptions().setConnectTimeout((int) timeoutMs))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }

  @Override
  public Future<SideRead> read(SideSpec spec, Event event) {
    long start = System.nanoTime();
    String sql;
    SqlWhere where;
    try {
      where = SqlWhere.parse(spec.where());
      sql = select(spec, where);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(SideRead.failed(configError(spec, e), null, List.of(), tookMs(start)));
    }
    List<Object> params = new ArrayList<>();
    return Future.<Void>succeededFuture()
        .compose(nothing -> columnsOf(spec.table())) // a closed pool may throw: it must still end as a failed side
        .compose(columns -> {
          checkColumns(spec, where, columns);
          Tuple tuple = bind(where, columns, event, params);
          return pool.preparedQuery(sql).execute(tuple).map(rows -> toRead(rows, spec, columns, sql, params, start));
        })
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .otherwise(error -> {
          if (error instanceof DatabaseException) columnCache.remove(cacheKey(spec.table())); // schema may have changed
          return SideRead.failed(describe(error), sql, frozen(params), tookMs(start));
        });
  }

  @Override
  public Future<Void> test() {
    return pool.query("SELECT 1").execute()
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(error -> Future.failedFuture(ReadErrors.describe(error, address, timeoutMs)));
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }

  private static String select(SideSpec spec, SqlWhere where) {
    if (!SqlNames.isTableName(spec.table())) throw new IllegalArgumentException("table '" + spec.table() + "' is not a valid name");
    if (spec.fields().isEmpty()) throw new IllegalArgumentException("no fields to read");
    List<String> quoted = new ArrayList<>();
    for (String field : spec.fields()) {
      if (!SqlNames.isIdentifier(field)) throw new IllegalArgumentException("field '" + field + "' is not a valid name");
      quoted.add(SqlNames.quote(field));
    }
    // parenthesized so the WHERE text stays one expression in front of our LIMIT
    return "SELECT " + String.join(", ", quoted) + " FROM " + SqlNames.quoteTable(spec.table())
        + " WHERE (" + where.sql() + ") LIMIT 2";
  }

  private static String configError(SideSpec spec, IllegalArgumentException e) {
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
    return pool.preparedQuery("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE FROM information_schema.COLUMNS"
            + " WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?")
        .execute(Tuple.of(schema, name))
        .map(rows -> {
          Map<String, SqlColumn> columns = new LinkedHashMap<>();
          for (Row row : rows) {
            SqlColumn column = new SqlColumn(text(row.getValue(0)), text(row.getValue(1)), text(row.getValue(2)));
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

  private static String text(Object value) {
    return value == null ? null : MySqlValues.normalize(value, null).toString();
  }

  private static void checkColumns(SideSpec spec, SqlWhere where, Map<String, SqlColumn> columns) {
    for (String field : spec.fields()) {
      if (column(columns, field) == null) throw unknownColumn(field, spec.table());
    }
    for (SqlWhere.Param param : where.params()) {
      if (param.column() != null && column(columns, param.column()) == null) throw unknownColumn(param.column(), spec.table());
    }
  }

  private static Unreadable unknownColumn(String column, String table) {
    return new Unreadable("unknown column '" + column + "' in table '" + table + "'");
  }

  private static SqlColumn column(Map<String, SqlColumn> columns, String name) {
    return columns.get(name.toLowerCase(Locale.ROOT));
  }

  /** Binds every placeholder, filling {@code params} as it goes so a failure still shows what was bound. */
  private static Tuple bind(SqlWhere where, Map<String, SqlColumn> columns, Event event, List<Object> params) {
    Tuple tuple = Tuple.tuple();
    for (SqlWhere.Param param : where.params()) {
      Object value;
      try {
        value = ColumnTypes.coerce(param.variable(), Template.value(event.data(), param.variable()),
            param.column() == null ? null : column(columns, param.column()));
      } catch (Template.MissingVariableException | ColumnTypes.BadValueException e) {
        throw new Unreadable(e.getMessage());
      }
      params.add(value);
      tuple.addValue(value instanceof BigDecimal d ? Numeric.create(d) : value);
    }
    return tuple;
  }

  private static SideRead toRead(RowSet<Row> rows, SideSpec spec, Map<String, SqlColumn> columns, String sql,
                                 List<Object> params, long start) {
    if (rows.size() == 0) return SideRead.missing(sql, frozen(params), tookMs(start));
    if (rows.size() > 1) {
      return SideRead.failed("expected one row, got " + rows.size() + " or more", sql, frozen(params), tookMs(start));
    }
    Row row = rows.iterator().next();
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < spec.fields().size(); i++) {
      String field = spec.fields().get(i);
      values.put(field, MySqlValues.normalize(row.getValue(i), column(columns, field)));
    }
    return SideRead.found(Collections.unmodifiableMap(values), sql, frozen(params), tookMs(start));
  }

  private String describe(Throwable error) {
    return error instanceof Unreadable ? error.getMessage() : ReadErrors.describe(error, address, timeoutMs);
  }

  private static List<Object> frozen(List<Object> params) {
    return Collections.unmodifiableList(new ArrayList<>(params));
  }

  private static long tookMs(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
