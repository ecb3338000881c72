package dev.tally.store;

import io.vertx.sqlclient.Tuple;

/**
 * A newest-first page query on a table with time-ordered ids: optional conditions (each added only when its
 * value is given, always as a parameter), then the cursor (the last id of the previous page) and the limit.
 * Column names and operators are constants of this program.
 */
final class NewestFirst {
  private final StringBuilder sql;
  private final Tuple params = Tuple.tuple();

  NewestFirst(String selectFrom) {
    sql = new StringBuilder(selectFrom).append(" WHERE 1 = 1");
  }

  /** {@code AND <column> <operator> ?} when {@code value} is not null. */
  NewestFirst where(String column, String operator, Object value) {
    if (value != null) {
      sql.append(" AND ").append(column).append(' ').append(operator).append(" ?");
      params.addValue(value);
    }
    return this;
  }

  NewestFirst where(String column, Object value) {
    return where(column, "=", value);
  }

  /** {@code AND <column> IN (?, ...)} when {@code values} is not null (never true when it is empty). */
  NewestFirst whereIn(String column, java.util.List<String> values) {
    sql.append(InList.and(column, values, params));
    return this;
  }

  String sql(String cursor, int limit) {
    where("id", "<", cursor);
    return sql.append(" ORDER BY id DESC LIMIT ").append(limit).toString();
  }

  Tuple params() {
    return params;
  }
}
