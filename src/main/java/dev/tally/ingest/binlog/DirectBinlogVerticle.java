package dev.tally.ingest.binlog;

import dev.tally.bus.Addresses;
import dev.tally.bus.Messages.IngestRequest;
import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.Event;
import dev.tally.model.EventSource;
import dev.tally.store.BinlogPositionRepository;
import dev.tally.store.ConfigCache;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.shareddata.Lock;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link BinlogReader} per BINLOG event source with connector DIRECT, reading the binlog of the
 * source's MYSQL data source, and sends its events to the dispatcher ({@link Addresses#EVENTS_INGEST}), waiting
 * for the reply (jobs persisted) before the reader saves its position; a failed or unanswered request is sent
 * again with backoff, never skipped. On every configuration change it reloads the cache and starts, stops or
 * restarts readers to match: a reader whose source or data source settings changed is stopped before its
 * successor starts (they would share a replica id and a position).
 *
 * <p>Column metadata for decoding comes from information_schema over a one-connection vertx-mysql-client pool
 * per reader. Readers block on their own threads; stopping one (which waits for its thread) runs on a worker.
 */
public final class DirectBinlogVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DirectBinlogVerticle.class);
  private static final long REQUEST_TIMEOUT_MS = 30_000;
  private static final long MAX_SEND_BACKOFF_MS = 10_000;
  private static final String COLUMNS_SQL = "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE FROM information_schema.COLUMNS"
      + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";

  private record Running(BinlogReader.Settings settings, BinlogReader reader, Pool pool, Lock lease) {
  }

  /** How often a node without a source's lease asks for it again (the holder may have died). */
  private static final long LEASE_RETRY_MS = 5_000;

  /** A reader to run: its settings (a change restarts it) and the data source's timeout for column lookups. */
  private record Wanted(BinlogReader.Settings settings, long timeoutMs) {
  }

  private final ConfigCache config;
  private final BinlogPositionRepository positions;
  private final Supplier<List<EventSource>> eventSources;
  private final BinlogReader.Options options;
  private final Map<String, Running> running = new ConcurrentHashMap<>(); // changed on the event loop only
  private final Set<String> acquiring = new HashSet<>();
  private WorkerExecutor workers;
  private Future<Void> reconciling = Future.succeededFuture();
  private boolean stopping;

  /**
   * @param eventSources every event source, as of the last {@link ConfigCache#reload()} (read right after one)
   */
  public DirectBinlogVerticle(ConfigCache config, BinlogPositionRepository positions,
                              Supplier<List<EventSource>> eventSources) {
    this(config, positions, eventSources, BinlogReader.Options.defaults());
  }

  public DirectBinlogVerticle(ConfigCache config, BinlogPositionRepository positions,
                              Supplier<List<EventSource>> eventSources, BinlogReader.Options options) {
    this.config = config;
    this.positions = positions;
    this.eventSources = eventSources;
    this.options = options;
  }

  @Override
  public Future<?> start() {
    workers = vertx.createSharedWorkerExecutor("tally-binlog-control", 2);
    return vertx.eventBus().consumer(Addresses.CONFIG_CHANGED, m -> config.reload()
            .onFailure(err -> LOG.warn("direct binlog: configuration reload failed: {}", err.getMessage()))
            .onComplete(v -> context.runOnContext(x -> reconcileLater())))
        .completion()
        .compose(v -> reconcileLater());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return reconciling.transform(v -> {
      List<Future<Void>> stops = new ArrayList<>();
      for (Running r : running.values()) stops.add(stopReader(r));
      running.clear();
      return Future.join(stops);
    }).transform(v -> workers.close());
  }

  /** The settings of the readers running now, by event source id (for health and tests). */
  public Map<String, BinlogReader.Settings> readers() {
    Map<String, BinlogReader.Settings> out = new LinkedHashMap<>();
    running.forEach((id, r) -> out.put(id, r.settings()));
    return out;
  }

  /** Reconciles after any reconcile in progress; never fails. */
  private Future<Void> reconcileLater() {
    reconciling = reconciling.transform(v -> stopping ? Future.succeededFuture() : reconcile())
        .otherwise(err -> {
          LOG.warn("direct binlog: could not apply the configuration: {}", err.getMessage());
          return null;
        });
    return reconciling;
  }

  private Future<Void> reconcile() {
    Map<String, Wanted> wanted = wanted();
    List<Future<Void>> steps = new ArrayList<>();
    Set<String> replacing = new HashSet<>();
    for (Running r : List.copyOf(running.values())) {
      String id = r.settings().eventSourceId();
      Wanted next = wanted.get(id);
      if (next != null && r.settings().equals(next.settings())) continue;
      running.remove(id);
      LOG.info("direct binlog: stopping the reader of event source {} ({})", id,
          next == null ? "no longer a runnable direct binlog source" : "settings changed");
      Future<Void> stopped = stopReader(r);
      if (next != null) {
        // the successor starts only once the old reader has stopped: same replica id, same saved position
        replacing.add(id);
        stopped = stopped.transform(ar -> stopping ? Future.succeededFuture() : leaseAndStart(next));
      }
      steps.add(stopped);
    }
    for (Wanted w : wanted.values()) {
      String id = w.settings().eventSourceId();
      if (!running.containsKey(id) && !replacing.contains(id)) steps.add(leaseAndStart(w));
    }
    return Future.join(steps).mapEmpty();
  }

  /**
   * One reader per event source in the whole cluster: it runs where the source's lease (a cluster-wide lock,
   * held while the reader runs) was taken. When the holder dies its lock is released, and another node, which
   * keeps asking, takes over from the saved position.
   */
  private Future<Void> leaseAndStart(Wanted w) {
    String id = w.settings().eventSourceId();
    if (!acquiring.add(id)) return Future.succeededFuture();
    return vertx.sharedData().getLockWithTimeout("tally.lease.binlog." + id, 100).transform(ar -> {
      acquiring.remove(id);
      boolean stillWanted = !stopping && wanted().containsKey(id) && !running.containsKey(id);
      if (ar.succeeded() && stillWanted) {
        startReader(w, ar.result());
      } else {
        if (ar.succeeded()) ar.result().release();
        if (!stopping) vertx.setTimer(LEASE_RETRY_MS, t -> reconcileLater());
      }
      return Future.<Void>succeededFuture();
    });
  }

  /** Settings of every direct binlog source that can run, by event source id. */
  private Map<String, Wanted> wanted() {
    Map<String, Wanted> out = new LinkedHashMap<>();
    for (EventSource es : eventSources.get()) {
      if (!es.isDirect()) continue;
      DataSource ds = es.dataSourceId() == null ? null : config.dataSource(es.dataSourceId());
      String problem = null;
      if (ds == null) {
        problem = "data source '" + es.dataSourceId() + "' not found";
      } else if (ds.kind() != DataSourceKind.MYSQL) {
        problem = "data source '" + ds.id() + "' is " + ds.kind() + ", not MYSQL";
      } else if (es.database() == null || es.database().isBlank() || es.table() == null || es.table().isBlank()) {
        problem = "database and table are required";
      }
      if (problem != null) {
        LOG.warn("direct binlog: event source {} cannot run: {}", es.id(), problem);
        continue;
      }
      long serverId = es.serverId() != null ? es.serverId() : BinlogReader.Settings.defaultServerId(es.id());
      try {
        out.put(es.id(), new Wanted(new BinlogReader.Settings(es.id(), ds.host() == null ? "127.0.0.1" : ds.host(),
            ds.port() == null ? 3306 : ds.port(), ds.user() == null ? "root" : ds.user(), ds.password(), serverId,
            es.database(), es.table()), ds.timeoutOrDefault()));
      } catch (IllegalArgumentException e) {
        LOG.warn("direct binlog: event source {} cannot run: {}", es.id(), e.getMessage());
      }
    }
    return out;
  }

  private void startReader(Wanted w, Lock lease) {
    BinlogReader.Settings s = w.settings();
    Pool pool = MySQLBuilder.pool()
        .with(new PoolOptions().setMaxSize(1).setName("tally-binlog-" + s.eventSourceId()))
        .connectingTo(new MySQLConnectOptions().setHost(s.host()).setPort(s.port()).setUser(s.user())
            .setPassword(s.password()).setCharset("utf8mb4"))
        .using(vertx)
        .build();
    BinlogReader.ColumnLookup lookup = (database, table) -> await(columns(pool, database, table), w.timeoutMs());
    BinlogReader reader = new BinlogReader(s, lookup, events -> send(s.eventSourceId(), events), positions, options);
    running.put(s.eventSourceId(), new Running(s, reader, pool, lease));
    LOG.info("direct binlog: starting the reader of event source {} ({})", s.eventSourceId(), s);
    reader.start();
    checkServer(s, pool);
  }

  private Future<Void> stopReader(Running r) {
    return workers.<Void>executeBlocking(() -> {
      r.reader().close();
      return null;
    }, false).transform(v -> r.pool().close()).onComplete(v -> r.lease().release());
  }

  /** The columns of database.table from information_schema, in ORDINAL_POSITION order. */
  static Future<List<BinlogColumn>> columns(Pool pool, String database, String table) {
    return pool.preparedQuery(COLUMNS_SQL).execute(Tuple.of(database, table)).map(rows -> {
      List<BinlogColumn> out = new ArrayList<>();
      for (Row row : rows) out.add(new BinlogColumn(text(row.getValue(0)), text(row.getValue(1)), text(row.getValue(2))));
      return out;
    });
  }

  private static String text(Object value) {
    if (value == null) return null;
    return value instanceof Buffer b ? b.toString(StandardCharsets.UTF_8) : value.toString();
  }

  /** Warns when the server's binlog cannot give whole row changes (the reader would see none, or parts). */
  private void checkServer(BinlogReader.Settings s, Pool pool) {
    pool.query("SELECT @@log_bin, @@binlog_format, @@binlog_row_image").execute().onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("direct binlog: event source {}: cannot read the binlog settings of {}:{}: {}", s.eventSourceId(),
            s.host(), s.port(), ar.cause().getMessage());
        return;
      }
      Row row = ar.result().iterator().next();
      String logBin = text(row.getValue(0));
      String format = text(row.getValue(1));
      String image = text(row.getValue(2));
      if (!"1".equals(logBin) && !"ON".equalsIgnoreCase(logBin)) {
        LOG.warn("direct binlog: event source {}: {}:{} has no binlog (log_bin off)", s.eventSourceId(), s.host(), s.port());
      } else if (!"ROW".equalsIgnoreCase(format)) {
        LOG.warn("direct binlog: event source {}: {}:{} has binlog_format={}: row changes need ROW", s.eventSourceId(),
            s.host(), s.port(), format);
      } else if (!"FULL".equalsIgnoreCase(image)) {
        LOG.warn("direct binlog: event source {}: {}:{} has binlog_row_image={}: events will hold only some columns",
            s.eventSourceId(), s.host(), s.port(), image);
      }
    });
  }

  /**
   * The reader's sink: asks the dispatcher to persist the events and waits for its reply; a failure or no
   * answer is retried with backoff until it succeeds or the reader closes (interrupt).
   */
  private void send(String eventSourceId, List<Event> events) throws InterruptedException {
    IngestRequest request = new IngestRequest(eventSourceId, events);
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MS).setLocalOnly(true);
    long backoff = 200;
    while (true) {
      try {
        vertx.eventBus().request(Addresses.EVENTS_INGEST, request, delivery).toCompletionStage().toCompletableFuture()
            .get(REQUEST_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
        return;
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        LOG.warn("direct binlog: event source {}: {} events not accepted ({}); again in {} ms", eventSourceId,
            events.size(), cause == null ? e : cause.getMessage(), backoff);
      }
      Thread.sleep(backoff); // the binlog reader's own thread, never an event loop: waiting here is back-pressure
      backoff = Math.min(backoff * 2, MAX_SEND_BACKOFF_MS);
    }
  }

  private static <T> T await(Future<T> future, long timeoutMs) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
