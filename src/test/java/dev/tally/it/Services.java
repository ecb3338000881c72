package dev.tally.it;

import static dev.tally.store.StoreFixture.await;

import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Command;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** The machine's real MariaDB (database test), PostgreSQL (database test) and Redis, for setting up both sides of a check. */
public final class Services implements AutoCloseable {
  private final Pool mysql;
  private final Redis redis;
  private Pool postgres;
  /** A prefix unique to this run, for table names and keys. */
  public final String prefix = "it" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);

  private final Vertx vertx;

  public Services(Vertx vertx) {
    this(vertx, 0);
  }

  /** With Redis commands going to database {@code redisDb}, for a test that must see only its own keys there. */
  public Services(Vertx vertx, int redisDb) {
    this.vertx = vertx;
    mysql = MySQLBuilder.pool().with(new PoolOptions().setMaxSize(2))
        .connectingTo(new MySQLConnectOptions().setHost("127.0.0.1").setPort(3306).setUser("root").setPassword("").setDatabase("test"))
        .using(vertx).build();
    redis = Redis.createClient(vertx, "redis://127.0.0.1:6379/" + redisDb);
  }

  public void sql(String... statements) throws Exception {
    for (String s : statements) await(mysql.query(s).execute());
  }

  /** Statements on the machine's PostgreSQL, database test (connected on first use). */
  public void pgSql(String... statements) throws Exception {
    if (postgres == null) postgres = postgres(vertx);
    for (String s : statements) await(postgres.query(s).execute());
  }

  /**
   * A pool on the machine's PostgreSQL (127.0.0.1:5432, user postgres, trust), database test: created first if
   * the server lacks it.
   */
  public static Pool postgres(Vertx vertx) throws Exception {
    PgConnectOptions server = new PgConnectOptions().setHost("127.0.0.1").setPort(5432).setUser("postgres").setDatabase("postgres");
    Pool admin = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(server).using(vertx).build();
    try {
      boolean exists = await(admin.query("SELECT 1 FROM pg_database WHERE datname = 'test'").execute()).size() > 0;
      if (!exists) await(admin.query("CREATE DATABASE test").execute());
    } finally {
      await(admin.close());
    }
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
        .connectingTo(new PgConnectOptions(server).setDatabase("test")).using(vertx).build();
  }

  /** The first column of every row of a query, as text. */
  public List<String> column(String query) throws Exception {
    List<String> values = new java.util.ArrayList<>();
    await(mysql.query(query).execute()).forEach(row -> values.add(row.getValue(0) == null ? null : String.valueOf(row.getValue(0))));
    return values;
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
    if (postgres != null) await(postgres.close());
    redis.close();
  }
}
