package dev.tally.it;

import static dev.tally.store.StoreFixture.await;

import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Command;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.ThreadLocalRandom;

/** The machine's real MariaDB (database test) and Redis, for setting up both sides of a check. */
public final class Services implements AutoCloseable {
  private final Pool mysql;
  private final Redis redis;
  /** A prefix unique to this run, for table names and keys. */
  public final String prefix = "it" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);

  public Services(Vertx vertx) {
    mysql = MySQLBuilder.pool().with(new PoolOptions().setMaxSize(2))
        .connectingTo(new MySQLConnectOptions().setHost("127.0.0.1").setPort(3306).setUser("root").setPassword("").setDatabase("test"))
        .using(vertx).build();
    redis = Redis.createClient(vertx, "redis://127.0.0.1:6379/0");
  }

  public void sql(String... statements) throws Exception {
    for (String s : statements) await(mysql.query(s).execute());
  }

  public String redis(String... args) throws Exception {
    Request r = Request.cmd(Command.create(args[0]));
    for (int i = 1; i < args.length; i++) r.arg(args[i]);
    var response = await(redis.send(r));
    return response == null ? null : response.toString();
  }

  @Override
  public void close() throws Exception {
    await(mysql.close());
    redis.close();
  }
}
