package dev.tally.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The limit Tally is measured against: exactly the reads a MySQL-vs-Redis check needs, one primary-key SELECT
 * and one Redis GET per entity (both at once, as Tally reads the two sides), with the drivers Tally uses
 * (vertx-mysql-client, vertx-redis-client), Tally's default pool sizes (8 connections each) and Tally's
 * concurrency ({@code queue.maxInFlight}, 256 checks at once unless set), and nothing else: no queue, no compare,
 * no store. Prepared statements are cached (the driver's own cache), which is the cheapest way the driver
 * offers to run one statement many times.
 *
 * <p>Run alone: {@code java -cp ... dev.tally.bench.Baseline <table> <redisKeyPrefix> <rows> <seconds>}.
 */
public final class Baseline {
  /** Tally's default: SqlSideReader.DEFAULT_POOL_SIZE (also the Redis side's). */
  public static final int POOL_SIZE = 8;
  /**
   * Tally's queue.maxInFlight: its default, or TALLY_QUEUE_MAX_IN_FLIGHT when that is set (the bench passes its
   * environment to the Tally it starts, so both then run at the same concurrency).
   */
  public static final int IN_FLIGHT = inFlight(System.getenv("TALLY_QUEUE_MAX_IN_FLIGHT"));
  /** Tally's compare.instances default. */
  public static final int CONTEXTS = 2;

  static int inFlight(String setting) {
    if (setting == null || setting.isBlank()) return 256;
    int n = Integer.parseInt(setting.trim());
    if (n < CONTEXTS) throw new IllegalArgumentException("TALLY_QUEUE_MAX_IN_FLIGHT must be at least " + CONTEXTS + ", got " + n);
    return n;
  }

  static final int WARM_UP_ROUND_SECONDS = 5;
  static final int MAX_WARM_UP_ROUNDS = 12;

  /** {@code jitCores}: what the JIT used in the last warm-up round, in cores. */
  public record Outcome(long entities, long errors, double seconds, int warmUpSeconds, double jitCores) {
    public double readsPerSecond() {
      return entities / seconds;
    }
  }

  private final Vertx vertx;
  private final Pool mysql;
  private final Redis redis;
  private final PreparedQuery<RowSet<Row>> select;
  private final String keyPrefix;
  private final int rows;
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final int batch;
  /** With {@code batch} above 1: the SELECT of {@code batch} ids, prepared once. */
  private final PreparedQuery<RowSet<Row>> selectBatch;
  private volatile long stopAt;

  /** One SELECT and one GET per entity, as the issue defines the limit. */
  public Baseline(Vertx vertx, String table, String keyPrefix, int rows) {
    this(vertx, table, keyPrefix, rows, 1);
  }

  /**
   * {@code batch} above 1: the limit for reads made as Tally now makes them under load (source/ReadBatches), each
   * loop reading {@code batch} entities with one {@code SELECT ... WHERE id IN (...)} and one pipelined batch of
   * GETs, {@link #IN_FLIGHT} entities in flight in all. Not the baseline: a second reference, opt-in.
   */
  public Baseline(Vertx vertx, String table, String keyPrefix, int rows, int batch) {
    this.vertx = vertx;
    this.batch = batch;
    this.keyPrefix = keyPrefix;
    this.rows = rows;
    this.mysql = MySQLBuilder.pool()
        .with(new PoolOptions().setMaxSize(POOL_SIZE))
        .connectingTo(new MySQLConnectOptions().setHost(Fixture.HOST).setPort(3306).setUser("root").setPassword("")
            .setDatabase(Fixture.DATABASE).setCachePreparedStatements(true))
        .using(vertx).build();
    this.redis = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://" + Fixture.HOST + ":6379")
        .setMaxPoolSize(POOL_SIZE).setMaxPoolWaiting(Integer.MAX_VALUE));
    // the statement Tally's MySQL side runs for the bench task, without its read-only / time-out wrapper
    this.select = mysql.preparedQuery("SELECT `id`, `status`, `amount`, `updated_at` FROM `" + table + "` WHERE (`id` = ?) LIMIT 2");
    this.selectBatch = batch == 1 ? null : mysql.preparedQuery("SELECT `id`, `status`, `amount`, `updated_at` FROM `" + table
        + "` WHERE `id` IN (" + String.join(", ", Collections.nCopies(batch, "?")) + ") LIMIT " + (2 * batch));
  }

  /**
   * Reads for {@code seconds} with {@link #IN_FLIGHT} entities in flight, after a warm-up that is not counted: rounds
   * of {@link #WARM_UP_ROUND_SECONDS} until this JVM's JIT has settled ({@link Jit}), at most
   * {@link #MAX_WARM_UP_ROUNDS}, as Tally is warmed up.
   */
  public Outcome run(int seconds) throws Exception {
    long self = ProcessHandle.current().pid();
    int rounds = 0;
    double jitCores;
    do {
      double jitBefore = Jit.compilerCpuSeconds(self);
      long roundStart = System.nanoTime();
      runFor(WARM_UP_ROUND_SECONDS);
      jitCores = (Jit.compilerCpuSeconds(self) - jitBefore) / ((System.nanoTime() - roundStart) / 1e9);
      rounds++;
    } while (jitCores >= Jit.SETTLED_CORES && rounds < MAX_WARM_UP_ROUNDS);
    done.set(0);
    errors.set(0);
    long start = System.nanoTime();
    runFor(seconds);
    double took = (System.nanoTime() - start) / 1e9;
    return new Outcome(done.get(), errors.get(), took, rounds * WARM_UP_ROUND_SECONDS, jitCores);
  }

  private void runFor(int seconds) throws Exception {
    stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Promise<Void> all = Promise.promise();
    // IN_FLIGHT entities in flight: loops of one entity each, or of a batch
    int loopsPerContext = IN_FLIGHT / CONTEXTS / batch;
    AtomicLong running = new AtomicLong((long) loopsPerContext * CONTEXTS);
    // spread over as many event loops as Tally has compare verticles (compare.instances, default 2)
    for (int c = 0; c < CONTEXTS; c++) {
      io.vertx.core.Context context = ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext();
      context.runOnContext(v -> {
        for (int i = 0; i < loopsPerContext; i++) loop(running, all);
      });
    }
    all.future().toCompletionStage().toCompletableFuture().get(seconds + 60L, TimeUnit.SECONDS);
  }

  /** One of the IN_FLIGHT closed loops: read an entity, then the next, until the time is up. */
  private void loop(AtomicLong running, Promise<Void> all) {
    if (System.nanoTime() >= stopAt) {
      if (running.decrementAndGet() == 0) all.complete();
      return;
    }
    if (batch > 1) {
      loopBatched(running, all);
      return;
    }
    long id = ThreadLocalRandom.current().nextLong(1, rows + 1);
    Future<RowSet<Row>> row = select.execute(Tuple.of(id));
    Future<io.vertx.redis.client.Response> copy = redis.send(Request.cmd(Command.GET).arg(keyPrefix + id));
    Future.all(row, copy).onComplete(both -> {
      if (both.succeeded() && row.result().size() == 1 && copy.result() != null) done.incrementAndGet();
      else errors.incrementAndGet();
      loop(running, all);
    });
  }

  private void loopBatched(AtomicLong running, Promise<Void> all) {
    Tuple ids = Tuple.tuple();
    List<Request> gets = new ArrayList<>(batch);
    // ids drawn twice in one batch come back as one row
    Set<Long> distinct = new HashSet<>();
    for (int i = 0; i < batch; i++) {
      long id = ThreadLocalRandom.current().nextLong(1, rows + 1);
      ids.addLong(id);
      distinct.add(id);
      gets.add(Request.cmd(Command.GET).arg(keyPrefix + id));
    }
    Future<RowSet<Row>> found = selectBatch.execute(ids);
    Future<List<io.vertx.redis.client.Response>> copies = redis.batch(gets);
    Future.all(found, copies).onComplete(both -> {
      if (both.succeeded()) {
        long copiesFound = copies.result().stream().filter(Objects::nonNull).count();
        if (found.result().size() == distinct.size() && copiesFound == batch) done.addAndGet(batch);
        else errors.addAndGet(batch);
      } else {
        errors.addAndGet(batch);
      }
      loop(running, all);
    });
  }

  public void close() throws Exception {
    redis.close();
    mysql.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: Baseline <table in database test> <redis key prefix> <rows> <seconds>");
      System.exit(2);
    }
    Vertx vertx = Vertx.vertx();
    Baseline baseline = new Baseline(vertx, args[0], args[1], Integer.parseInt(args[2]));
    Outcome outcome = baseline.run(Integer.parseInt(args[3]));
    System.out.printf("baseline: %.0f reads/s (%d entities in %.1f s, %d errors)%n", outcome.readsPerSecond(),
        outcome.entities(), outcome.seconds(), outcome.errors());
    baseline.close();
    vertx.close();
  }
}
