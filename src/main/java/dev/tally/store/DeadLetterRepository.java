package dev.tally.store;

import dev.tally.model.DeadLetter;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Messages that could not become events. */
public final class DeadLetterRepository {
  private final Pool pool;

  public DeadLetterRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> insertAll(List<DeadLetter> letters) {
    if (letters.isEmpty()) return Future.succeededFuture();
    List<Tuple> rows = new ArrayList<>(letters.size());
    for (DeadLetter d : letters) {
      rows.add(Tuple.tuple().addString(d.id()).addString(d.source()).addString(d.topic()).addInteger(d.partition())
          .addLong(d.offset()).addString(cut(d.reason(), 1000)).addString(cut(d.payloadHead(), 2000)).addLong(d.createdAt()));
    }
    return Writes.batch(pool, "INSERT IGNORE INTO dead_letters (id, source, topic, kafka_partition, kafka_offset, reason,"
        + " payload_head, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows).mapEmpty();
  }

  public record Page(List<DeadLetter> items, String nextCursor, long total) {
  }

  /** Newest first; {@code cursor} is the {@code nextCursor} of the previous page. */
  public Future<Page> list(String topic, int limit, String cursor) {
    return list(topic, null, limit, cursor);
  }

  /** {@link #list(String, int, String)} of the topics {@code topics} only (null: any). */
  public Future<Page> list(String topic, List<String> topics, int limit, String cursor) {
    StringBuilder where = new StringBuilder(" WHERE 1 = 1");
    Tuple params = Tuple.tuple();
    if (topic != null) {
      where.append(" AND topic = ?");
      params.addString(topic);
    }
    where.append(InList.and("topic", topics, params));
    Tuple countParams = Tuple.tuple();
    for (int i = 0; i < params.size(); i++) countParams.addValue(params.getValue(i));
    String countSql = "SELECT COUNT(*) FROM dead_letters" + where;
    if (cursor != null) {
      int colon = cursor.indexOf(':');
      long at;
      try {
        at = Long.parseLong(cursor.substring(0, Math.max(0, colon)));
      } catch (NumberFormatException e) {
        throw new dev.tally.model.ValidationException("cursor", "invalid cursor", "use nextCursor of the previous page");
      }
      where.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
      params.addLong(at).addLong(at).addString(cursor.substring(colon + 1));
    }
    return pool.preparedQuery("SELECT id, source, topic, kafka_partition, kafka_offset, reason, payload_head, created_at"
            + " FROM dead_letters" + where + " ORDER BY created_at DESC, id DESC LIMIT " + limit).execute(params)
        .compose(rows -> pool.preparedQuery(countSql).execute(countParams).map(count -> {
          List<DeadLetter> items = new ArrayList<>(rows.size());
          rows.forEach(r -> items.add(new DeadLetter(r.getString(0), r.getString(1), r.getString(2), r.getInteger(3),
              r.getLong(4), r.getString(5), r.getString(6), r.getLong(7))));
          DeadLetter last = items.isEmpty() ? null : items.get(items.size() - 1);
          String next = items.size() == limit ? last.createdAt() + ":" + last.id() : null;
          return new Page(items, next, count.iterator().next().getLong(0));
        }));
  }

  /** The topics that have dead letters. */
  public Future<List<String>> topics() {
    return pool.query("SELECT DISTINCT topic FROM dead_letters").execute().map(rows -> {
      List<String> topics = new ArrayList<>(rows.size());
      rows.forEach(r -> topics.add(r.getString(0)));
      return topics;
    });
  }

  public Future<Long> count() {
    return pool.query("SELECT COUNT(*) FROM dead_letters").execute().map(rows -> rows.iterator().next().getLong(0));
  }

  public Future<Integer> deleteBefore(long before) {
    return Writes.execute(pool, "DELETE FROM dead_letters WHERE created_at < ?", Tuple.of(before)).map(r -> r.rowCount());
  }

  private static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
