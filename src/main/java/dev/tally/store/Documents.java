package dev.tally.store;

import dev.tally.model.Json;
import dev.tally.secrets.SecretBox;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A table of configuration documents: the record as JSON in {@code body}, plus the columns lookups need
 * (name, kind and, for tasks, event_source_id). Table and column names are constants of this program.
 */
final class Documents<T> {
  private final Pool pool;
  private final String table;
  private final Class<T> type;
  private final String extraColumn;
  private final Function<T, Object[]> columns;
  private final SecretBox box;
  private final SecretFields<T> secrets;

  /** {@code columns} gives id, name, kind[, extra], createdAt, updatedAt of a document. */
  Documents(Pool pool, String table, Class<T> type, String extraColumn, Function<T, Object[]> columns) {
    this(pool, table, type, extraColumn, columns, null, null);
  }

  /** The same, the document's {@code secrets} sealed by {@code box} in the store and opened when read. */
  Documents(Pool pool, String table, Class<T> type, String extraColumn, Function<T, Object[]> columns, SecretBox box,
            SecretFields<T> secrets) {
    this.box = box;
    this.secrets = secrets;
    this.pool = pool;
    this.table = table;
    this.type = type;
    this.extraColumn = extraColumn;
    this.columns = columns;
  }

  Future<List<T>> list() {
    return pool.query("SELECT body FROM " + table + " ORDER BY created_at, id").execute().map(this::decodeAll);
  }

  Future<List<T>> listWhere(String column, Object value) {
    return pool.preparedQuery("SELECT body FROM " + table + " WHERE " + column + " = ? ORDER BY created_at, id")
        .execute(Tuple.of(value)).map(this::decodeAll);
  }

  /** The document, or null when there is none with this id. */
  Future<T> get(String id) {
    return pool.preparedQuery("SELECT body FROM " + table + " WHERE id = ?").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : decode(rows.iterator().next()));
  }

  Future<Void> insert(T doc) {
    Object[] c = columns.apply(doc);
    String cols = extraColumn == null ? "id, name, kind, created_at, updated_at, body" : "id, name, kind, " + extraColumn + ", created_at, updated_at, body";
    String marks = extraColumn == null ? "?, ?, ?, ?, ?, ?" : "?, ?, ?, ?, ?, ?, ?";
    Tuple t = Tuple.tuple();
    for (Object o : c) t.addValue(o);
    t.addString(stored(doc));
    return Writes.execute(pool, "INSERT INTO " + table + " (" + cols + ") VALUES (" + marks + ")", t).mapEmpty();
  }

  /** True if a row was updated. */
  Future<Boolean> update(T doc) {
    Object[] c = columns.apply(doc);
    Tuple t = Tuple.tuple().addValue(c[1]).addValue(c[2]);
    String set = "name = ?, kind = ?, ";
    int i = 3;
    if (extraColumn != null) {
      set += extraColumn + " = ?, ";
      t.addValue(c[i++]);
    }
    t.addValue(c[i + 1]).addString(stored(doc)).addValue(c[0]);
    return Writes.execute(pool, "UPDATE " + table + " SET " + set + "updated_at = ?, body = ? WHERE id = ?", t)
        .map(rows -> rows.rowCount() > 0);
  }

  Future<Boolean> delete(String id) {
    return Writes.execute(pool, "DELETE FROM " + table + " WHERE id = ?", Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  private List<T> decodeAll(RowSet<Row> rows) {
    List<T> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(decode(r)));
    return out;
  }

  private T decode(Row row) {
    T doc = Json.read(row.getString(0), type);
    return secrets == null ? doc : secrets.map(doc, box::open);
  }

  private String stored(T doc) {
    return Json.write(secrets == null ? doc : secrets.map(doc, box::seal));
  }

  /**
   * Re-encrypts under the current key every document holding a secret in plain text or sealed under an older
   * key; answers how many were rewritten. Each row is rewritten only if its body is still the one read, so an
   * edit made meanwhile wins (and is sealed under the current key anyway).
   */
  Future<Integer> rewrap() {
    if (secrets == null) return Future.succeededFuture(0);
    return pool.query("SELECT id, body FROM " + table).execute().compose(rows -> {
      List<Tuple> stale = new ArrayList<>();
      for (Row r : rows) {
        T raw = Json.read(r.getString(1), type);
        boolean[] old = {false};
        secrets.map(raw, v -> {
          if (!box.isCurrent(v)) old[0] = true;
          return v;
        });
        if (old[0]) stale.add(Tuple.of(stored(secrets.map(raw, box::open)), r.getString(0), r.getString(1)));
      }
      Future<Integer> done = Future.succeededFuture(0);
      for (Tuple t : stale) {
        done = done.compose(n -> Writes.execute(pool, "UPDATE " + table + " SET body = ? WHERE id = ? AND body = ?", t)
            .map(u -> n + u.rowCount()));
      }
      return done;
    });
  }
}
