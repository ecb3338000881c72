package dev.tally.source;

import io.vertx.sqlclient.Row;

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
