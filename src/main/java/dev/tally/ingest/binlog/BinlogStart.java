package dev.tally.ingest.binlog;

import dev.tally.model.DataSource;
import dev.tally.store.BinlogPositionRepository.Position;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;

/**
 * The server's current binlog position, taken when a DIRECT event source is created: the reader starts there,
 * so no change made after the event source exists is missed, however late the reader connects.
 */
public final class BinlogStart {
  private BinlogStart() {
  }

  public static Future<Position> current(Vertx vertx, DataSource ds) {
    Pool pool = MySQLBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(new MySQLConnectOptions().setHost(ds.host()).setPort(ds.port() == null ? 3306 : ds.port())
            .setUser(ds.user()).setPassword(ds.password() == null ? "" : ds.password()))
        .using(vertx).build();
    return pool.query("SHOW MASTER STATUS").execute()
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.<Position>failedFuture("the server's binlog is off (SHOW MASTER STATUS is empty): enable log_bin with binlog_format=ROW");
          }
          Row row = rows.iterator().next();
          return Future.succeededFuture(new Position(row.getString(0), row.getLong(1)));
        })
        .compose(position -> pool.query("SELECT @@GLOBAL.binlog_format").execute().compose(rows -> {
          String format = rows.iterator().next().getString(0);
          return "ROW".equalsIgnoreCase(format) ? Future.succeededFuture(position)
              : Future.<Position>failedFuture("binlog_format is " + format + ", the direct connector needs ROW");
        }))
        .eventually(pool::close);
  }
}
