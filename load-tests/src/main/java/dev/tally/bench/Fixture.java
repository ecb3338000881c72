package dev.tally.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The data a run checks: a table of {@code rows} orders in MariaDB (database {@code test}), its JSON copy in
 * Redis ({@code <prefix>:<id>}) and in an OpenSearch index. Every {@link #FAIL_EVERY}-th copy has a wrong
 * status, so a run records some FAIL results (stored in full) among the PASSes (counted), as a real one does.
 */
public final class Fixture {
  public static final String HOST = "127.0.0.1";
  public static final String DATABASE = "test";
  public static final int FAIL_EVERY = 100;
  private static final int CHUNK = 1000;

  public final String table;
  public final String redisPrefix;
  public final String index;
  public final int rows;

  public Fixture(String runId, int rows) {
    this.table = "bench_" + runId;
    this.redisPrefix = "bench:" + runId + ":";
    this.index = "bench_" + runId;
    this.rows = rows;
  }

  public static MySQLConnectOptions mysqlOptions(String database) {
    return new MySQLConnectOptions().setHost(HOST).setPort(3306).setUser("root").setPassword("").setDatabase(database);
  }

  public static <T> T await(Future<T> f, int seconds) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  private static String status(long id) {
    return id % 3 == 0 ? "PAID" : id % 3 == 1 ? "NEW" : "SHIPPED";
  }

  private static String amount(long id) {
    return (id % 10_000) + "." + String.format("%02d", id % 100);
  }

  private static final String UPDATED_AT = "2026-01-02 03:04:05";

  /** The JSON copy of row {@code id} (the status wrong every FAIL_EVERY-th row). */
  private String copy(long id) {
    String status = id % FAIL_EVERY == 0 ? "STALE" : status(id);
    return "{\"id\":" + id + ",\"status\":\"" + status + "\",\"amount\":" + amount(id) + ",\"updatedAt\":\"2026-01-02T03:04:05Z\"}";
  }

  public void createMysql(Vertx vertx) throws Exception {
    Pool pool = MySQLBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(mysqlOptions(DATABASE)).using(vertx).build();
    try {
      await(pool.query("CREATE TABLE `" + table + "` (id BIGINT PRIMARY KEY, status VARCHAR(20), amount DECIMAL(10,2), "
          + "updated_at DATETIME)").execute(), 30);
      List<Future<?>> inserts = new ArrayList<>();
      for (long from = 1; from <= rows; from += CHUNK) {
        StringBuilder sql = new StringBuilder("INSERT INTO `" + table + "` VALUES ");
        for (long id = from; id < from + CHUNK && id <= rows; id++) {
          if (id > from) sql.append(',');
          sql.append('(').append(id).append(",'").append(status(id)).append("',").append(amount(id)).append(",'")
              .append(UPDATED_AT).append("')");
        }
        inserts.add(pool.query(sql.toString()).execute());
      }
      await(Future.all(inserts), 300);
    } finally {
      await(pool.close(), 10);
    }
  }

  public void createRedis(Vertx vertx) throws Exception {
    Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://" + HOST + ":6379").setMaxPoolSize(4)
        .setMaxPoolWaiting(Integer.MAX_VALUE));
    try {
      List<Future<?>> sets = new ArrayList<>();
      for (long from = 1; from <= rows; from += CHUNK) {
        Request mset = Request.cmd(Command.MSET);
        for (long id = from; id < from + CHUNK && id <= rows; id++) mset.arg(redisPrefix + id).arg(copy(id));
        sets.add(redis.send(mset));
      }
      await(Future.all(sets), 300);
    } finally {
      redis.close();
    }
  }

  /** The OpenSearch copy through the bulk API, 5,000 documents a request; refreshed at the end. */
  public void createIndex(String baseUrl) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (long from = 1; from <= rows; from += 5 * CHUNK) {
      StringBuilder body = new StringBuilder();
      for (long id = from; id < from + 5 * CHUNK && id <= rows; id++) {
        body.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_id\":\"").append(id).append("\"}}\n")
            .append(copy(id)).append('\n');
      }
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/_bulk"))
          .header("content-type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body.toString()))
          .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200 || r.body().contains("\"errors\":true")) {
        throw new IllegalStateException("bulk index into " + baseUrl + " failed: " + r.statusCode() + " "
            + r.body().substring(0, Math.min(500, r.body().length())));
      }
    }
    http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/" + index + "/_refresh")).POST(HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.discarding());
  }

  /** Drops the table, the Redis keys and the index (best effort: a failed clean-up does not fail the run). */
  public void drop(Vertx vertx, String esBaseUrl) {
    try {
      Pool pool = MySQLBuilder.pool().connectingTo(mysqlOptions(DATABASE)).using(vertx).build();
      await(pool.query("DROP TABLE IF EXISTS `" + table + "`").execute(), 30);
      await(pool.close(), 10);
    } catch (Exception e) {
      System.err.println("bench: could not drop table " + table + ": " + e);
    }
    try {
      Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://" + HOST + ":6379")
          .setMaxPoolSize(4).setMaxPoolWaiting(Integer.MAX_VALUE));
      List<Future<?>> dels = new ArrayList<>();
      for (long from = 1; from <= rows; from += CHUNK) {
        Request del = Request.cmd(Command.DEL);
        for (long id = from; id < from + CHUNK && id <= rows; id++) del.arg(redisPrefix + id);
        dels.add(redis.send(del));
      }
      await(Future.all(dels), 60);
      redis.close();
    } catch (Exception e) {
      System.err.println("bench: could not delete the Redis keys " + redisPrefix + "*: " + e);
    }
    if (esBaseUrl != null) {
      try {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(esBaseUrl + "/" + index)).DELETE().build(),
            HttpResponse.BodyHandlers.discarding());
      } catch (Exception e) {
        System.err.println("bench: could not delete index " + index + ": " + e);
      }
    }
  }
}
