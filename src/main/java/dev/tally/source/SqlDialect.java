package dev.tally.source;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.function.UnaryOperator;

/**
 * What differs between the SQL databases Tally reads the same way (table + WHERE template + fields): how
 * identifiers are quoted, how placeholders are written, where the column catalog is, and how values go in
 * and come out. Plain Java, stateless, thread-safe.
 */
interface SqlDialect {
  /** The product named in error messages: "MySQL", "PostgreSQL". */
  String product();

  /** Quotes a name already checked by {@link SqlNames#isIdentifier}. */
  String quote(String identifier);

  /** How a checked column is selected: its quoted name, or an expression of it named after it. */
  default String selected(SqlColumn column) {
    return quote(column.name());
  }

  /** The n-th (1-based) placeholder of a prepared statement. */
  String placeholder(int position);

  /**
   * How this server runs a SELECT read-only with a statement time-out of {@code timeoutMs}: the function turns the
   * SELECT into the text to run. Asked once per pool (it may query the server); the default runs it as is, for a
   * dialect whose sessions are already read-only with a time-out.
   */
  default Future<UnaryOperator<String>> guard(Pool pool, long timeoutMs) {
    return Future.succeededFuture(UnaryOperator.identity());
  }

  /** Parses a WHERE template, refusing this dialect's own dangerous syntax too. */
  SqlWhere parseWhere(String where);

  /** A query for the columns of one table; its two parameters are the schema (null: the default) and the table. */
  String columnsQuery();

  /**
   * A query for the tables and views of the data source's database (MySQL) or current schema (PostgreSQL), by
   * name, of at most {@code limit} of them. Its rows are shaped like those of {@link #columnsQuery()} (name, type,
   * type; the type "BASE TABLE" or "VIEW") so that {@link #column} reads them. Its two parameters are both a prefix
   * the names start with ("" for all).
   */
  String tablesQuery(int limit);

  /** One row of {@link #columnsQuery()}. */
  SqlColumn column(Row row);

  /**
   * The parameter bound for an event value compared with {@code column} (null: no column known).
   *
   * @throws ColumnTypes.BadValueException if the value does not fit the column
   */
  Object param(String variable, Object value, SqlColumn column);

  /** A value read from a row, as a SideRead holds it. */
  Object value(Object value, SqlColumn column);
}
