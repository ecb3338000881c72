package dev.tally.source;

import io.vertx.sqlclient.Row;

/**
 * PostgreSQL: double-quoted names, {@code $n} placeholders, information_schema.columns (the type is its
 * {@code udt_name}: int8, numeric, timestamptz...), values through {@link PostgresValues}. The WHERE is written by
 * {@link SqlWhere} with {@code $n} placeholders; a {@code $} in the template is refused.
 */
final class PostgresDialect implements SqlDialect {
  static final PostgresDialect INSTANCE = new PostgresDialect();

  private PostgresDialect() {
  }

  @Override
  public String product() {
    return "PostgreSQL";
  }

  /** The pattern of {@link SqlNames#isIdentifier} admits no double quote, so no escaping is needed. */
  @Override
  public String quote(String identifier) {
    if (!SqlNames.isIdentifier(identifier)) throw new IllegalArgumentException("not an identifier: " + identifier);
    return "\"" + identifier + "\"";
  }

  /** json and jsonb as their text, which keeps every digit (the pg client would decode numbers as doubles). */
  @Override
  public String selected(SqlColumn column) {
    String quoted = quote(column.name());
    return PostgresValues.isJson(column) ? quoted + "::text AS " + quoted : quoted;
  }

  @Override
  public String placeholder(int position) {
    return "$" + position;
  }

  @Override
  public SqlWhere parseWhere(String where) {
    return SqlWhere.parse(where);
  }

  @Override
  public String columnsQuery() {
    return "SELECT column_name, data_type, udt_name FROM information_schema.columns"
        + " WHERE table_schema = COALESCE($1::text, current_schema()) AND table_name = $2::text ORDER BY ordinal_position";
  }

  @Override
  public String tablesQuery(int limit) {
    return "SELECT table_name::text, table_type::text, table_type::text FROM information_schema.tables WHERE table_schema = current_schema()"
        + " AND left(table_name::text, char_length($1::text)) = $2::text ORDER BY table_name LIMIT " + limit;
  }


  @Override
  public SqlColumn column(Row row) {
    return new SqlColumn(row.getString(0), row.getString(1), row.getString(2));
  }

  @Override
  public Object param(String variable, Object value, SqlColumn column) {
    return PostgresValues.param(variable, value, column);
  }

  @Override
  public Object value(Object value, SqlColumn column) {
    return PostgresValues.normalize(value, column);
  }
}
