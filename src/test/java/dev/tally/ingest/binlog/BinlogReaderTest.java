package dev.tally.ingest.binlog;

import static dev.tally.ingest.binlog.BinlogServer.await;
import static dev.tally.ingest.binlog.BinlogServer.eventually;
import static dev.tally.ingest.binlog.BinlogServer.row;
import static dev.tally.ingest.binlog.BinlogServer.transaction;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.ingest.binlog.BinlogServer.Change;
import dev.tally.model.Event;
import dev.tally.store.BinlogPositionRepository;
import dev.tally.store.BinlogPositionRepository.Position;
import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A BinlogReader against the real MariaDB with the binlog on (127.0.0.1:3307), positions in an H2 store. */
@Timeout(120)
class BinlogReaderTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Pattern ID = Pattern.compile("binlog:(mysql-bin\\.\\d{6}):(\\d+):(\\d+)");
  private static final BinlogReader.Options FAST = new BinlogReader.Options(5_000, 100, 1_000, 1_000, 10_000, 2_000, 5_000);

  private static Vertx vertx;
  private static Pool mariadb;
  private static BinlogPositionRepository positions;

  private final String table = BinlogServer.uniqueName("bl_");
  private final String other = BinlogServer.uniqueName("bl_other_");
  private final List<BinlogReader> readers = new ArrayList<>();

  /** Records every batch; the reader's position is saved only after accept returns. */
  private static final class RecordingSink implements BinlogReader.Sink {
    final List<List<Event>> batches = new CopyOnWriteArrayList<>();

    @Override
    public void accept(List<Event> events) {
      batches.add(events);
    }

    List<Event> events() {
      return batches.stream().flatMap(List::stream).toList();
    }
  }

  @BeforeAll
  static void startAll() throws Exception {
    vertx = Vertx.vertx();
    mariadb = BinlogServer.pool(vertx);
    BinlogServer.require(mariadb);
    positions = new BinlogPositionRepository(StoreFixture.open(vertx, StoreFixture.h2()));
  }

  @AfterAll
  static void stopAll() {
    if (vertx != null) await(vertx.close());
  }

  @BeforeEach
  void createTables() {
    await(mariadb.query("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, code VARCHAR(32) NOT NULL,"
        + " amount DECIMAL(10,2), created DATETIME, note VARCHAR(64), flag TINYINT(1), qty INT UNSIGNED,"
        + " day DATE, ts TIMESTAMP(3) NULL, status ENUM('Open','Closed'), doc JSON) ENGINE=InnoDB").execute());
    await(mariadb.query("CREATE TABLE " + other + " (id BIGINT PRIMARY KEY, code VARCHAR(32)) ENGINE=InnoDB").execute());
  }

  @AfterEach
  void dropTables() {
    readers.forEach(BinlogReader::close);
    await(mariadb.query("DROP TABLE IF EXISTS " + table + ", " + other).execute());
  }

  private BinlogReader reader(String sourceId, BinlogReader.Sink sink) {
    BinlogReader.Settings settings = new BinlogReader.Settings(sourceId, BinlogServer.HOST, BinlogServer.PORT, "root", "",
        BinlogReader.Settings.defaultServerId(sourceId), BinlogServer.DATABASE, table);
    BinlogReader reader = new BinlogReader(settings,
        (database, name) -> await(DirectBinlogVerticle.columns(mariadb, database, name)), sink, positions, FAST);
    readers.add(reader);
    return reader;
  }

  /** Starts a reader with no saved position and waits until it has saved where it starts (it is reading). */
  private Position startFresh(BinlogReader reader) {
    String id = reader.settings().eventSourceId();
    reader.start();
    eventually("the reader of " + id + " to connect and save its start position", WAIT, () -> saved(id) != null);
    return saved(id);
  }

  private static Position saved(String sourceId) {
    return await(positions.get(sourceId));
  }

  private void sql(String statement) {
    await(mariadb.query(statement).execute());
  }

  /** A row of the test table with the columns not given as NULL. */
  private static Map<String, Object> full(long id, String code, String amount, String created, String note) {
    return row("id", id, "code", code, "amount", amount == null ? null : new BigDecimal(amount), "created", created,
        "note", note, "flag", null, "qty", null, "day", null, "ts", null, "status", null, "doc", null);
  }

  @Test
  void readsTheInsertsUpdatesAndDeletesOfItsTableOneTransactionPerBatch() {
    String sourceId = BinlogServer.uniqueName("es-rows-");
    RecordingSink sink = new RecordingSink();
    BinlogReader reader = reader(sourceId, sink);
    long startedAt = System.currentTimeMillis();
    Position start = startFresh(reader);

    sql("INSERT INTO " + table + " (id, code, amount, created, note) VALUES (1, 'A-1', 12.50, '2026-01-02 03:04:05', NULL)");
    transaction(mariadb,
        "INSERT INTO " + table + " (id, code, amount, created, note) VALUES (2, 'B-2', 3, '2026-01-03 00:00:00', 'n')",
        "INSERT INTO " + table + " (id, code, amount, created, note) VALUES (3, 'C-3', 0.1, NULL, 'grüße ✓')",
        "INSERT INTO " + other + " VALUES (1, 'ignored')",
        "UPDATE " + table + " SET amount = 13.75, note = 'changed' WHERE id = 1");
    sql("DELETE FROM " + table + " WHERE id = 2");
    sql("INSERT INTO " + other + " VALUES (2, 'ignored too')");
    sql("UPDATE " + table + " SET code = CONCAT(code, '!') WHERE id IN (1, 3)"); // one rows event, two rows
    transaction(mariadb, "SET time_zone = '+08:00'",
        "INSERT INTO " + table + " VALUES (4, 'D-4', -7.05, '2026-02-28 23:59:59', '', 1, 4294967295, '2026-03-01',"
            + " '2026-01-02 11:04:05.125', 'Closed', '{\"a\": [1, 2]}')",
        "SET time_zone = SYSTEM");

    eventually("5 batches", WAIT, () -> sink.batches.size() >= 5);
    List<List<Change>> expected = List.of(
        List.of(new Change("INSERT", full(1, "A-1", "12.50", "2026-01-02T03:04:05", null), null)),
        List.of(new Change("INSERT", full(2, "B-2", "3.00", "2026-01-03T00:00:00", "n"), null),
            new Change("INSERT", full(3, "C-3", "0.10", null, "grüße ✓"), null),
            new Change("UPDATE", full(1, "A-1", "13.75", "2026-01-02T03:04:05", "changed"),
                full(1, "A-1", "12.50", "2026-01-02T03:04:05", null))),
        List.of(new Change("DELETE", full(2, "B-2", "3.00", "2026-01-03T00:00:00", "n"), null)),
        List.of(new Change("UPDATE", full(1, "A-1!", "13.75", "2026-01-02T03:04:05", "changed"),
                full(1, "A-1", "13.75", "2026-01-02T03:04:05", "changed")),
            new Change("UPDATE", full(3, "C-3!", "0.10", null, "grüße ✓"), full(3, "C-3", "0.10", null, "grüße ✓"))),
        List.of(new Change("INSERT", row("id", 4L, "code", "D-4", "amount", new BigDecimal("-7.05"),
            "created", "2026-02-28T23:59:59", "note", "", "flag", 1L, "qty", 4294967295L, "day", "2026-03-01",
            "ts", "2026-01-02T03:04:05.125", "status", "Closed", "doc", "{\"a\": [1, 2]}"), null)));
    assertEquals(expected, BinlogServer.changes(sink.batches));

    List<Event> events = sink.events();
    Set<String> ids = new HashSet<>();
    long now = System.currentTimeMillis();
    for (Event e : events) {
      assertEquals(sourceId, e.sourceId());
      assertTrue(ids.add(e.id()), "duplicate id " + e.id());
      assertTrue(ID.matcher(e.id()).matches(), e.id());
      // the header timestamp has whole seconds
      assertTrue(e.occurredAt() >= startedAt - 1000 && e.occurredAt() <= now, "occurredAt " + e.occurredAt());
      assertTrue(e.receivedAt() >= e.occurredAt() - 1000 && e.receivedAt() <= now, "receivedAt " + e.receivedAt());
    }
    // the two rows of one UPDATE statement: one rows event, row indexes 0 and 1
    Matcher first = ID.matcher(events.get(5).id());
    Matcher second = ID.matcher(events.get(6).id());
    assertTrue(first.matches() && second.matches());
    assertEquals(first.group(2), second.group(2));
    assertEquals(List.of("0", "1"), List.of(first.group(3), second.group(3)));

    // after the last batch, the position after its transaction is saved
    eventually("the position after the last batch", WAIT, () -> {
      Position p = saved(sourceId);
      Matcher last = ID.matcher(events.get(events.size() - 1).id());
      return last.matches() && p.file().equals(last.group(1)) && p.position() > Long.parseLong(last.group(2));
    });
    assertNotEquals(start, saved(sourceId));
  }

  @Test
  void aNewReaderResumesAtTheSavedPositionWithExactlyTheChangesMadeMeanwhile() {
    String sourceId = BinlogServer.uniqueName("es-restart-");
    RecordingSink firstSink = new RecordingSink();
    BinlogReader first = reader(sourceId, firstSink);
    Position start = startFresh(first);
    sql("INSERT INTO " + table + " (id, code) VALUES (1, 'before')");
    eventually("the first reader's batch", WAIT, () -> firstSink.batches.size() == 1);
    eventually("the position after the first batch", WAIT, () -> !saved(sourceId).equals(start));
    first.close();
    Position resumeAt = saved(sourceId);

    sql("FLUSH BINARY LOGS"); // the next reader has to follow a rotation to the next file
    sql("INSERT INTO " + table + " (id, code) VALUES (2, 'while stopped')");
    sql("UPDATE " + table + " SET code = 'after' WHERE id = 1");
    transaction(mariadb, "INSERT INTO " + table + " (id, code) VALUES (3, 'three')",
        "DELETE FROM " + table + " WHERE id = 2");
    sql("INSERT INTO " + other + " VALUES (1, 'ignored')");
    assertEquals(resumeAt, saved(sourceId), "a closed reader saves nothing");

    RecordingSink secondSink = new RecordingSink();
    BinlogReader second = reader(sourceId, secondSink);
    second.start();
    sql("INSERT INTO " + table + " (id, code) VALUES (99, 'marker')");
    eventually("the marker", WAIT, () -> secondSink.events().stream().anyMatch(e -> Long.valueOf(99).equals(e.data().get("id"))));

    assertEquals(List.of(List.of(new Change("INSERT", full(1, "before", null, null, null), null))),
        BinlogServer.changes(firstSink.batches), "the first reader saw nothing after it closed");
    assertEquals(List.of(
            List.of(new Change("INSERT", full(2, "while stopped", null, null, null), null)),
            List.of(new Change("UPDATE", full(1, "after", null, null, null), full(1, "before", null, null, null))),
            List.of(new Change("INSERT", full(3, "three", null, null, null), null),
                new Change("DELETE", full(2, "while stopped", null, null, null), null)),
            List.of(new Change("INSERT", full(99, "marker", null, null, null), null))),
        BinlogServer.changes(secondSink.batches));
    Matcher before = ID.matcher(firstSink.events().get(0).id());
    Matcher after = ID.matcher(secondSink.events().get(0).id());
    assertTrue(before.matches() && after.matches());
    assertNotEquals(before.group(1), after.group(1), "the changes after FLUSH BINARY LOGS are in the next file");
    eventually("the position in the next file", WAIT, () -> saved(sourceId).file().equals(after.group(1)));
  }

  @Test
  void aBatchTheSinkRefusesIsReadAgainWithTheSameIds() {
    String sourceId = BinlogServer.uniqueName("es-retry-");
    AtomicInteger calls = new AtomicInteger();
    List<List<Event>> refused = new CopyOnWriteArrayList<>();
    RecordingSink accepted = new RecordingSink();
    BinlogReader reader = reader(sourceId, events -> {
      if (calls.incrementAndGet() <= 2) {
        refused.add(events);
        throw new IllegalStateException("dispatcher unavailable");
      }
      accepted.accept(events);
    });
    Position start = startFresh(reader);
    transaction(mariadb, "INSERT INTO " + table + " (id, code) VALUES (1, 'one')",
        "INSERT INTO " + table + " (id, code) VALUES (2, 'two')");

    eventually("the batch to be accepted after two refusals", WAIT, () -> accepted.batches.size() == 1);
    assertEquals(2, refused.size());
    List<String> acceptedIds = accepted.events().stream().map(Event::id).toList();
    assertEquals(2, acceptedIds.size());
    for (List<Event> attempt : refused) assertEquals(acceptedIds, attempt.stream().map(Event::id).toList());
    assertEquals(List.of(List.of(new Change("INSERT", full(1, "one", null, null, null), null),
        new Change("INSERT", full(2, "two", null, null, null), null))), BinlogServer.changes(accepted.batches));
    assertNotNull(reader.lastError());
    eventually("the position after the accepted batch", WAIT, () -> !saved(sourceId).equals(start));
  }

  @Test
  void aConnectionTheServerDropsIsMadeAgainWithoutLosingOrRepeatingChanges() {
    String sourceId = BinlogServer.uniqueName("es-drop-");
    RecordingSink sink = new RecordingSink();
    BinlogReader reader = reader(sourceId, sink);
    startFresh(reader);
    sql("INSERT INTO " + table + " (id, code) VALUES (1, 'before')");
    eventually("the first event", WAIT, () -> sink.batches.size() == 1);
    List<Long> dumps = new ArrayList<>();
    await(mariadb.query("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'").execute())
        .forEach(r -> dumps.add(r.getLong(0)));
    assertEquals(1, dumps.size(), "one binlog dump thread: " + dumps);
    sql("KILL CONNECTION " + dumps.get(0));
    eventually("the reader to notice", WAIT, () -> reader.lastError() != null);
    sql("INSERT INTO " + table + " (id, code) VALUES (2, 'after')");
    eventually("the second event", WAIT, () -> sink.batches.size() >= 2);
    assertEquals(List.of(List.of(new Change("INSERT", full(1, "before", null, null, null), null)),
        List.of(new Change("INSERT", full(2, "after", null, null, null), null))), BinlogServer.changes(sink.batches));
    eventually("the reader to be connected again", WAIT, reader::isConnected);
  }

  @Test
  void aColumnAddedWhileReadingIsInTheNextEvents() {
    String sourceId = BinlogServer.uniqueName("es-alter-");
    RecordingSink sink = new RecordingSink();
    startFresh(reader(sourceId, sink));
    sql("INSERT INTO " + table + " (id, code) VALUES (1, 'before')");
    eventually("the event before the change", WAIT, () -> sink.batches.size() == 1);
    sql("ALTER TABLE " + table + " ADD COLUMN extra INT AFTER id");
    sql("INSERT INTO " + table + " (id, extra, code) VALUES (2, 5, 'after')");
    eventually("the event after the change", WAIT, () -> sink.batches.size() == 2);
    assertEquals(full(1, "before", null, null, null), sink.batches.get(0).get(0).data());
    Map<String, Object> after = sink.batches.get(1).get(0).data();
    assertEquals(List.of("id", "extra", "code"), new ArrayList<>(after.keySet()).subList(0, 3));
    assertEquals(5L, after.get("extra"));
    assertEquals("after", after.get("code"));
  }

  /** Sets the global binlog_row_metadata for the rows written by {@code body}, then puts the old value back. */
  private void withRowMetadata(String value, Runnable body) {
    String previous = String.valueOf(await(mariadb.query("SELECT @@global.binlog_row_metadata").execute())
        .iterator().next().getValue(0));
    sql("SET GLOBAL binlog_row_metadata = '" + value + "'");
    try {
      body.run();
    } finally {
      sql("SET GLOBAL binlog_row_metadata = '" + previous + "'");
    }
  }

  /** Rows written before an ALTER, read after it: how a reader that lags or restarts meets a schema change. */
  private BinlogReader replayAcrossAddColumn(String sourceId, RecordingSink sink) {
    BinlogReader first = reader(sourceId, new RecordingSink());
    startFresh(first);
    first.close();
    sql("INSERT INTO " + table + " (id, code) VALUES (1, 'before')");
    sql("ALTER TABLE " + table + " ADD COLUMN extra INT AFTER id");
    sql("INSERT INTO " + table + " (id, extra, code) VALUES (2, 5, 'after')");
    BinlogReader second = reader(sourceId, sink);
    second.start();
    return second;
  }

  @Test
  void withBinlogRowMetadataFullRowsWrittenBeforeAnAddColumnDecodeByName() {
    String sourceId = BinlogServer.uniqueName("es-names-");
    RecordingSink sink = new RecordingSink();
    withRowMetadata("FULL", () -> replayAcrossAddColumn(sourceId, sink));
    eventually("both rows", WAIT, () -> sink.events().size() == 2);
    assertEquals(full(1, "before", null, null, null), sink.events().get(0).data());
    Map<String, Object> second = new LinkedHashMap<>();
    second.put("id", 2L);
    second.put("extra", 5L);
    second.putAll(full(2, "after", null, null, null));
    assertEquals(second, sink.events().get(1).data());
    assertEquals(List.of("id", "extra", "code"), new ArrayList<>(sink.events().get(1).data().keySet()).subList(0, 3));
  }

  @Test
  void withoutColumnNamesInTheBinlogRowsThatNoLongerFitTheTableStopTheReaderLoudly() {
    String sourceId = BinlogServer.uniqueName("es-nonames-");
    RecordingSink sink = new RecordingSink();
    AtomicReference<BinlogReader> second = new AtomicReference<>();
    withRowMetadata("NO_LOG", () -> second.set(replayAcrossAddColumn(sourceId, sink)));
    eventually("the reader to report the schema change", WAIT,
        () -> second.get().lastError() != null && second.get().lastError().getMessage().contains("schema changed"));
    assertTrue(sink.batches.isEmpty(), "nothing handed over under possibly wrong names");
  }
}
