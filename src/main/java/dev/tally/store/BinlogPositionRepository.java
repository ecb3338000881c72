package dev.tally.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Where each direct binlog reader resumes: the end of the last transaction whose jobs are persisted (or, before
 * any, the end of the binlog when the reader first connected). One row per event source.
 */
public final class BinlogPositionRepository {
  private final Pool pool;

  /** A place in the binlog: file name and the offset of the next event to read in it. */
  public record Position(String file, long position) {
    public Position {
      if (file == null || file.isEmpty()) throw new IllegalArgumentException("binlog file name is required");
      if (position < 0) throw new IllegalArgumentException("binlog position must not be negative");
    }

    @Override
    public String toString() {
      return file + ":" + position;
    }
  }

  public BinlogPositionRepository(Pool pool) {
    this.pool = pool;
  }

  /** The saved position of the event source, or null when there is none. */
  public Future<Position> get(String eventSourceId) {
    return pool.preparedQuery("SELECT binlog_file, binlog_position FROM binlog_positions WHERE event_source_id = ?")
        .execute(Tuple.of(eventSourceId))
        .map(rows -> {
          if (rows.size() == 0) return null;
          Row row = rows.iterator().next();
          return new Position(row.getString(0), row.getLong(1));
        });
  }

  /** Saves (inserts or replaces) the position of the event source. */
  public Future<Void> save(String eventSourceId, Position position) {
    long now = System.currentTimeMillis();
    return Writes.execute(pool, "INSERT INTO binlog_positions (event_source_id, binlog_file, binlog_position, updated_at)"
            + " VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE binlog_file = ?, binlog_position = ?, updated_at = ?",
        Tuple.of(eventSourceId, position.file(), position.position(), now, position.file(), position.position(), now))
        .mapEmpty();
  }

  /** Forgets the position of the event source (its reader starts at the end of the binlog next time). */
  public Future<Void> delete(String eventSourceId) {
    return Writes.execute(pool, "DELETE FROM binlog_positions WHERE event_source_id = ?", Tuple.of(eventSourceId))
        .mapEmpty();
  }
}
