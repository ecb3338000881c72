package dev.tally.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a simulation needs before its first request, made idempotently so a run can be repeated: a MySQL table of
 * {@code entities} rows and its JSON copy in Redis (every {@code mismatchEvery}-th copy wrong), and in Tally the two
 * data sources, an API event source and a CONFIG task comparing them. Then it posts the mismatched entities once
 * and waits until Tally has FAIL results, so the admin's read paths have failures to show from the first second.
 */
final class TallySetup {
  private static final int CHUNK = 1000;
  private static final Duration WAIT_FOR_FAILS = Duration.ofSeconds(60);

  private final LoadSettings settings;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TallySetup(LoadSettings settings) {
    this.settings = settings;
  }

  static void prepare(LoadSettings settings) {
    long started = System.nanoTime();
    TallySetup setup = new TallySetup(settings);
    setup.stores();
    setup.tallyConfig();
    setup.awaitFailures();
    System.out.printf("set-up: %d entities (every %dth mismatched), task %s on event source %s, ready in %d ms%n",
        settings.entities(), settings.mismatchEvery(), settings.taskId(), settings.eventSourceId(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  // ---- the two stores

  private void stores() {
    Vertx vertx = Vertx.vertx();
    try {
      Pool mysql = MySQLBuilder.pool()
          .with(new PoolOptions().setMaxSize(2))
          .connectingTo(new MySQLConnectOptions().setHost(settings.mysqlHost()).setPort(settings.mysqlPort())
              .setUser(settings.mysqlUser()).setPassword(settings.mysqlPassword()).setDatabase(settings.mysqlDatabase()))
          .using(vertx)
          .build();
      Redis redis = Redis.createClient(vertx, new RedisOptions()
          .setConnectionString("redis://" + settings.redisHost() + ":" + settings.redisPort()));
      fillTable(mysql);
      fillCopy(RedisAPI.api(redis));
      await(mysql.close());
      redis.close();
    } finally {
      await(vertx.close());
    }
  }

  /** Rows are a function of the id, so a table that already has exactly {@code entities} rows is kept. */
  private void fillTable(Pool mysql) {
    String table = settings.table();
    await(mysql.query("CREATE TABLE IF NOT EXISTS " + table
        + " (id BIGINT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT NOT NULL, price DECIMAL(10,2) NOT NULL)").execute());
    Row present = await(mysql.query("SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS top FROM " + table).execute()).iterator().next();
    if (present.getLong("n") == settings.entities() && present.getLong("top") == settings.entities()) return;
    await(mysql.query("TRUNCATE TABLE " + table).execute());
    for (int from = 1; from <= settings.entities(); from += CHUNK) {
      List<Tuple> batch = new ArrayList<>();
      for (long id = from; id < from + CHUNK && id <= settings.entities(); id++) {
        batch.add(Tuple.of(id, name(id), qty(id), price(id)));
      }
      await(mysql.preparedQuery("INSERT INTO " + table + " (id, name, qty, price) VALUES (?, ?, ?, ?)").executeBatch(batch));
    }
  }

  /** Always rewritten: cheap, and it puts back the deliberate mismatches whatever an earlier run left. */
  private void fillCopy(RedisAPI redis) {
    for (int from = 1; from <= settings.entities(); from += CHUNK) {
      List<String> keysAndValues = new ArrayList<>();
      for (long id = from; id < from + CHUNK && id <= settings.entities(); id++) {
        int qty = settings.mismatched(id) ? qty(id) + 1 : qty(id);
        keysAndValues.add(settings.redisKey(id));
        keysAndValues.add(new JsonObject().put("id", id).put("name", name(id)).put("qty", qty).put("price", price(id)).encode());
      }
      await(redis.mset(keysAndValues));
    }
  }

  private static String name(long id) {
    return "item-" + id;
  }

  private static int qty(long id) {
    return (int) (id % 50);
  }

  private static BigDecimal price(long id) {
    return BigDecimal.valueOf(id % 1000).add(new BigDecimal("0.50"));
  }

  // ---- Tally's configuration, through its API

  private void tallyConfig() {
    String mysqlId = settings.prefix() + "-mysql";
    String redisId = settings.prefix() + "-redis";
    upsert("/api/v1/data-sources", mysqlId, new JsonObject().put("name", settings.prefix() + " items (MySQL)").put("kind", "MYSQL")
        .put("host", settings.mysqlHost()).put("port", settings.mysqlPort()).put("database", settings.mysqlDatabase())
        .put("user", settings.mysqlUser()).put("password", settings.mysqlPassword()));
    upsert("/api/v1/data-sources", redisId, new JsonObject().put("name", settings.prefix() + " items (Redis)").put("kind", "REDIS")
        .put("host", settings.redisHost()).put("port", settings.redisPort()));
    upsert("/api/v1/event-sources", settings.eventSourceId(), new JsonObject()
        .put("name", settings.prefix() + " item changes").put("kind", "API"));
    upsert("/api/v1/tasks", settings.taskId(), new JsonObject()
        .put("name", settings.prefix() + ": Redis copy matches the MySQL row")
        .put("eventSourceId", settings.eventSourceId()).put("type", "CONFIG")
        .put("left", new JsonObject().put("dataSourceId", mysqlId).put("table", settings.table()).put("where", "id = #{id}")
            .put("fields", new JsonArray().add("id").add("name").add("qty").add("price")))
        .put("right", new JsonObject().put("dataSourceId", redisId).put("key", settings.prefix() + ":item:#{id}")
            .put("valueType", "JSON"))
        .put("compare", new JsonArray()
            .add(new JsonObject().put("left", "name").put("right", "name"))
            .add(new JsonObject().put("left", "qty").put("right", "qty").put("comparator", "NUMBER"))
            .add(new JsonObject().put("left", "price").put("right", "price").put("comparator", "DECIMAL")))
        // a FAIL is final at once: the load test measures checks, not retries
        .put("strategy", new JsonObject().put("delayMs", 0).put("retry", new JsonObject().put("onFail", 0).put("onError", 0))));
  }

  /** POST, or PUT over what an earlier run made: the answer 409 says it exists. */
  private void upsert(String collection, String id, JsonObject body) {
    body.put("id", id);
    HttpResponse<String> created = send("POST", collection, body.encode());
    if (created.statusCode() == 201) return;
    if (created.statusCode() != 409) throw refused("POST " + collection, created);
    HttpResponse<String> updated = send("PUT", collection + "/" + id, body.encode());
    if (updated.statusCode() != 200) throw refused("PUT " + collection + "/" + id, updated);
  }

  /** Posts the mismatched entities and polls (with a deadline) until their FAIL results are listed. */
  private void awaitFailures() {
    JsonArray events = new JsonArray();
    for (long id = 1; id <= settings.entities() && events.size() < 20; id++) {
      if (settings.mismatched(id)) events.add(new JsonObject().put("op", "UPDATE").put("data", new JsonObject().put("id", id)));
    }
    if (events.isEmpty()) return;
    HttpResponse<String> posted = send("POST", "/api/v1/events/" + settings.eventSourceId(), events.encode());
    if (posted.statusCode() != 202) throw refused("POST events", posted);
    long deadline = System.nanoTime() + WAIT_FOR_FAILS.toNanos();
    String list = "/api/v1/results?taskId=" + settings.taskId() + "&status=FAIL&limit=1";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> answer = send("GET", list, null);
      if (answer.statusCode() != 200) throw refused("GET " + list, answer);
      if (!new JsonObject(answer.body()).getJsonArray("items").isEmpty()) return;
      sleep(250);
    }
    throw new IllegalStateException("no FAIL result of task " + settings.taskId() + " within " + WAIT_FOR_FAILS.toSeconds()
        + " s of posting " + events.size() + " mismatched entities: is Tally checking (GET /api/v1/jobs)?");
  }

  private HttpResponse<String> send(String method, String path, String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(settings.url() + path))
        .timeout(Duration.ofSeconds(30))
        .header("authorization", "Bearer " + settings.token())
        .header("content-type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + settings.url() + path + " failed: " + e + " (is Tally running there?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static IllegalStateException refused(String what, HttpResponse<String> answer) {
    String hint = answer.statusCode() == 401 ? " (the token is not accepted: -Dtally.token / TALLY_TOKEN)" : "";
    return new IllegalStateException(what + " answered " + answer.statusCode() + ": " + answer.body() + hint);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException("set-up of the stores failed: " + e.getMessage(), e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
