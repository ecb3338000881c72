package dev.tally.ingest.binlog;

import static dev.tally.ingest.binlog.BinlogServer.await;
import static dev.tally.ingest.binlog.BinlogServer.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.bus.Addresses;
import dev.tally.bus.Messages.ConfigChanged;
import dev.tally.bus.Messages.IngestReply;
import dev.tally.bus.Messages.IngestRequest;
import dev.tally.bus.RecordCodec;
import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.Event;
import dev.tally.model.EventSource;
import dev.tally.model.EventSourceKind;
import dev.tally.store.BinlogPositionRepository;
import dev.tally.store.ConfigCache;
import dev.tally.store.ConfigRepository;
import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The verticle against the real MariaDB with the binlog on (127.0.0.1:3307), data sources in an H2 store, and a
 * fake dispatcher on {@link Addresses#EVENTS_INGEST} that refuses the first request. The event sources are handed
 * to the verticle by the supplier, as the lead's wiring does from the configuration cache.
 */
@Timeout(120)
class DirectBinlogVerticleTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final BinlogReader.Options FAST = new BinlogReader.Options(5_000, 100, 1_000, 1_000, 10_000, 2_000, 5_000);

  private final String table = BinlogServer.uniqueName("bl_v_");
  private final String otherTable = BinlogServer.uniqueName("bl_v2_");
  private final List<IngestRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger refusalsLeft = new AtomicInteger(1);
  private Vertx vertx;
  private Pool mariadb;
  private ConfigRepository repository;
  private ConfigCache cache;
  private BinlogPositionRepository positions;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    RecordCodec.registerAll(vertx);
    mariadb = BinlogServer.pool(vertx);
    BinlogServer.require(mariadb);
    Pool store = StoreFixture.open(vertx, StoreFixture.h2());
    repository = new ConfigRepository(store, StoreFixture.secrets());
    cache = new ConfigCache(repository);
    positions = new BinlogPositionRepository(store);
    for (String t : List.of(table, otherTable)) {
      await(mariadb.query("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, code VARCHAR(32)) ENGINE=InnoDB").execute());
    }
    await(vertx.eventBus().<IngestRequest>consumer(Addresses.EVENTS_INGEST, m -> {
      requests.add(m.body());
      if (refusalsLeft.getAndDecrement() > 0) {
        m.fail(500, "store unavailable");
      } else {
        m.reply(new IngestReply(m.body().events().stream().map(Event::id).toList(), 0, List.of()));
      }
    }).completion());
  }

  @AfterEach
  void tearDown() {
    await(vertx.close()); // undeploys the verticle: its readers stop
    Vertx admin = Vertx.vertx();
    try {
      Pool pool = BinlogServer.pool(admin);
      await(pool.query("DROP TABLE IF EXISTS " + table + ", " + otherTable).execute());
    } finally {
      await(admin.close());
    }
  }

  private static EventSource source(String id, String connector, String table, String dataSourceId) {
    return new EventSource(id, id, EventSourceKind.BINLOG, BinlogServer.DATABASE, table, "topic-" + id, null, null,
        connector, dataSourceId, null, 1L, 1L);
  }

  private void changed(AtomicReference<List<EventSource>> sources, List<EventSource> now, String id) {
    sources.set(now);
    vertx.eventBus().publish(Addresses.CONFIG_CHANGED, new ConfigChanged("event-source", id));
  }

  private List<Map<String, Object>> acceptedData() {
    // every request but the refused first one was answered
    return requests.stream().skip(1).flatMap(r -> r.events().stream()).map(Event::data).toList();
  }

  @Test
  void runsOneReaderPerDirectSourceSendsItsEventsUntilAcceptedAndFollowsConfigurationChanges() {
    String directId = BinlogServer.uniqueName("es-direct-");
    await(repository.insert(new DataSource("ds-binlog", "binlog", DataSourceKind.MYSQL, BinlogServer.HOST,
        BinlogServer.PORT, BinlogServer.DATABASE, "root", "", null, null, null, 2000, 1, null, null, null, null, null, null, null, 1L, 1L)));
    await(repository.insert(new DataSource("ds-redis", "redis", DataSourceKind.REDIS, "127.0.0.1", 6379, null, null,
        null, 0, null, null, 2000, 1, null, null, null, null, null, null, null, 1L, 1L)));
    await(cache.reload());
    List<EventSource> others = List.of(source("es-kafka", "KAFKA", table, null),
        source("es-not-mysql", "DIRECT", table, "ds-redis"), source("es-no-data-source", "DIRECT", table, "ds-missing"));
    List<EventSource> initial = new ArrayList<>(others);
    initial.add(0, source(directId, "DIRECT", table, "ds-binlog"));
    AtomicReference<List<EventSource>> sources = new AtomicReference<>(initial);

    DirectBinlogVerticle verticle = new DirectBinlogVerticle(cache, positions, sources::get, FAST);
    await(vertx.deployVerticle(verticle));
    assertEquals(List.of(directId), List.copyOf(verticle.readers().keySet()), "only the DIRECT source with a MYSQL data source runs");
    eventually("the reader to connect", WAIT, () -> await(positions.get(directId)) != null);

    await(mariadb.query("INSERT INTO " + table + " VALUES (1, 'one'), (2, 'two')").execute());
    eventually("the events sent again after the refusal", WAIT, () -> requests.size() >= 2);
    IngestRequest refused = requests.get(0);
    IngestRequest accepted = requests.get(1);
    assertEquals(directId, accepted.eventSourceId());
    assertEquals(refused, accepted, "the refused events are sent again as they were");
    assertEquals(List.of("INSERT", "INSERT"), accepted.events().stream().map(Event::op).toList());
    assertEquals(List.of(Map.of("id", 1L, "code", "one"), Map.of("id", 2L, "code", "two")), acceptedData());
    String firstId = accepted.events().get(0).id();
    eventually("the position after the accepted events", WAIT, () -> {
      var saved = await(positions.get(directId));
      String[] parts = firstId.split(":");
      return saved.file().equals(parts[1]) && saved.position() > Long.parseLong(parts[2]);
    });

    // the source now reads another table: its reader is replaced, and resumes at the saved position
    EventSource moved = new EventSource(directId, directId, EventSourceKind.BINLOG, BinlogServer.DATABASE, otherTable,
        null, null, null, "DIRECT", "ds-binlog", 4242L, 1L, 2L);
    List<EventSource> afterMove = new ArrayList<>(others);
    afterMove.add(moved);
    changed(sources, afterMove, directId);
    eventually("the reader of the new table", WAIT, () -> {
      BinlogReader.Settings now = verticle.readers().get(directId);
      return now != null && now.table().equals(otherTable) && now.serverId() == 4242L;
    });
    await(mariadb.query("INSERT INTO " + table + " VALUES (3, 'old table')").execute());
    await(mariadb.query("INSERT INTO " + otherTable + " VALUES (7, 'new table')").execute());
    eventually("the event of the new table", WAIT,
        () -> acceptedData().stream().anyMatch(d -> Long.valueOf(7).equals(d.get("id"))));
    assertEquals(List.of(Map.of("id", 1L, "code", "one"), Map.of("id", 2L, "code", "two"),
        Map.of("id", 7L, "code", "new table")), acceptedData(), "nothing of the old table after the change");
    assertEquals(1, verticle.readers().size());

    // the source is deleted: its reader stops
    changed(sources, others, directId);
    eventually("the reader to stop", WAIT, () -> verticle.readers().isEmpty());
    assertTrue(requests.stream().allMatch(r -> r.eventSourceId().equals(directId)));
  }

  @Test
  void oneReaderPerSourceHoldsTheLeaseAndAnotherTakesOverWhenItGoes() {
    String directId = BinlogServer.uniqueName("es-lease-");
    await(repository.insert(new DataSource("ds-binlog", "binlog", DataSourceKind.MYSQL, BinlogServer.HOST,
        BinlogServer.PORT, BinlogServer.DATABASE, "root", "", null, null, null, 2000, 1, null, null, null, null, null, null, null, 1L, 1L)));
    await(cache.reload());
    List<EventSource> sources = List.of(source(directId, "DIRECT", table, "ds-binlog"));
    // two nodes' verticles on one Vert.x: the lease is the same lock a cluster shares
    DirectBinlogVerticle first = new DirectBinlogVerticle(cache, positions, () -> sources, FAST);
    DirectBinlogVerticle second = new DirectBinlogVerticle(cache, positions, () -> sources, FAST);
    String firstDeployment = await(vertx.deployVerticle(first));
    await(vertx.deployVerticle(second));
    assertEquals(1, first.readers().size() + second.readers().size(), "one reader for the source");
    assertEquals(List.of(directId), List.copyOf(first.readers().keySet()), "the first to ask holds the lease");

    await(vertx.undeploy(firstDeployment));
    eventually("the other verticle to take the lease over", WAIT, () -> second.readers().containsKey(directId));
  }
}
