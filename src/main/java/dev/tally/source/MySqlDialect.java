package dev.tally.source;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.Locale;
import java.util.function.UnaryOperator;

/** MySQL and MariaDB: back-quoted names, {@code ?} placeholders, information_schema.COLUMNS, {@link MySqlValues}. */
final class MySqlDialect implements SqlDialect {
  static final MySqlDialect INSTANCE = new MySqlDialect();

  private MySqlDialect() {
  }

  @Override
  public String product() {
    return "MySQL";
  }

  @Override
  public String quote(String identifier) {
    return SqlNames.quote(identifier);
  }

  @Override
  public String placeholder(int position) {
    return "?";
  }

  /**
   * MariaDB: {@code SET STATEMENT max_statement_time=<s>, tx_read_only=1 FOR SELECT ...}, one prepared statement
   * that runs in its own read-only transaction and is stopped after the time-out. MySQL has no SET STATEMENT: the
   * {@code MAX_EXECUTION_TIME} optimizer hint stops it; read-only is not enforced per statement there (the text is
   * the WHERE parser's output, which cannot write).
   */
  @Override
  public Future<UnaryOperator<String>> guard(Pool pool, long timeoutMs) {
    return pool.query("SELECT VERSION()").execute().map(rows -> {
      String version = String.valueOf(rows.iterator().next().getValue(0));
      return version.toLowerCase(Locale.ROOT).contains("mariadb") ? mariaDb(timeoutMs) : mySql(timeoutMs);
    });
  }

  static UnaryOperator<String> mariaDb(long timeoutMs) {
    String prefix = "SET STATEMENT max_statement_time=" + seconds(timeoutMs) + ", tx_read_only=1 FOR ";
    return select -> prefix + select;
  }

  static UnaryOperator<String> mySql(long timeoutMs) {
    return select -> "SELECT /*+ MAX_EXECUTION_TIME(" + Math.max(1, timeoutMs) + ") */" + select.substring("SELECT".length());
  }

  private static String seconds(long ms) {
    return java.math.BigDecimal.valueOf(Math.max(1, ms), 3).stripTrailingZeros().toPlainString();
  }

  @Override
  public SqlWhere parseWhere(String where) {
    return SqlWhere.parse(where);
  }

  @Override
  public String columnsQuery() {
    return "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE FROM information_schema.COLUMNS"
        + " WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";
  }

  @Override
  public String tablesQuery(int limit) {
    return "SELECT TABLE_NAME, TABLE_TYPE, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
        + " AND LEFT(TABLE_NAME, CHAR_LENGTH(?)) = ? ORDER BY TABLE_NAME LIMIT " + limit;
  }


  @Override
  public SqlColumn column(Row row) {
    return new SqlColumn(text(row.getValue(0)), text(row.getValue(1)), text(row.getValue(2)));
  }

  private static String text(Object value) {
    return value == null ? null : MySqlValues.normalize(value, null).toString();
  }

  @Override
  public Object param(String variable, Object value, SqlColumn column) {
    return ColumnTypes.coerce(variable, value, column);
  }

  @Override
  public Object value(Object value, SqlColumn column) {
    return MySqlValues.normalize(value, column);
  }
}
