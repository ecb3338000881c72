package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fixture of a SQL reader test: a table of its own (created by {@link #fixture}, dropped after), a reader
 * on the real server, the contract's specs on that table ({@code id = #{id}}, id 1 found, 999 not), and the
 * tests every dialect must pass. The fixture has ids 1 ('A-1'), 2 ('B-2'), 3 ('C-3'); rows 1 and 2 share grp 7.
 */
abstract class SqlSideReaderTestBase extends SideReaderContractTest {
  protected final String table = "tally_src_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  protected Pool admin;
  protected SideReader reader;

  /** The server's kind, port and a user that may read the test database. */
  protected abstract DataSourceKind kind();

  protected abstract int port();

  protected abstract String user();

  /** A pool on the test database with rights to create and drop tables. */
  protected abstract Pool openAdmin() throws Exception;

  /** Statements creating {@link #table} and its rows. */
  protected abstract List<String> fixture();

  protected abstract SideReader newReader(DataSource dataSource);

  protected DataSource dataSource(int port, String user) {
    return sqlDataSource(kind(), port, user);
  }

  /** A data source on 127.0.0.1, database test, empty password, 2 s time-out. */
  static DataSource sqlDataSource(DataSourceKind kind, int port, String user) {
    return sqlDataSource(kind, port, user, 2000);
  }

  static DataSource sqlDataSource(DataSourceKind kind, int port, String user, int timeoutMs) {
    return new DataSource("ds-sql", "sql", kind, "127.0.0.1", port, "test", user, "",
        null, null, null, timeoutMs, 2, null, null, null, null, null, null, null, 0L, 0L);
  }

  /** A statement creating a view {@code name} over {@link #table} with columns id and s, s taking a second a row. */
  protected abstract String slowView(String name);

  @Test
  void aSlowReadIsStoppedByTheStatementTimeOut() {
    String view = table + "_slow";
    Await.result(admin.query(slowView(view)).execute());
    SideReader quick = newReader(sqlDataSource(kind(), port(), user(), 400));
    try {
      SideSpec slow = new SideSpec("ds-sql", view, "id >= #{id}", List.of("id", "s"), null, null, null, null, null, null,
          null, null, null, true, "id");
      SideRead read = read(quick, slow, Map.of("id", 0));
      assertTrue(read.failed(), String.valueOf(read.error()));
      assertTrue(read.error().toLowerCase(java.util.Locale.ROOT).contains("time"), read.error());
      assertTrue(read.tookMs() < 1500, "stopped at the time-out, not after the scan: " + read.tookMs() + " ms");
    } finally {
      Await.result(quick.close());
      Await.result(admin.query("DROP VIEW IF EXISTS " + view).execute());
    }
  }

  @Test
  void everyColumnTheWhereNamesIsChecked() {
    assertEquals("unknown column 'nope' in table '" + table + "'",
        read("id = #{id} AND LOWER(nope) = 'x'", List.of("code"), Map.of("id", 1)).error());
    assertEquals("unknown column 'open' in table '" + table + "'",
        read("\"open\" = code AND id = #{id}", List.of("code"), Map.of("id", 1)).error());
  }

  @Test
  void theWhereRunIsTheParsersOutput() {
    SideRead read = read("  ID in (#{id} , 99)and   NOT code like 'Z%'", List.of("code"), Map.of("id", 1));
    assertNull(read.error());
    assertEquals("A-1", read.values().get("code"));
    assertTrue(read.query().endsWith(" IN (" + (kind() == DataSourceKind.POSTGRES ? "$1" : "?") + ", 99) AND NOT "
        + (kind() == DataSourceKind.POSTGRES ? "\"code\"" : "`code`") + " LIKE 'Z%') LIMIT 2"), read.query());
  }

  /** Statements, run on one connection, after which reads of {@code name} wait (a write lock). */
  protected abstract List<String> lockTable(String name);

  /** The statement that ends {@link #lockTable}. */
  protected abstract String unlockTables();

  /**
   * Starts reads while {@code name} is locked, so that all but the first two of each side (as many as the data
   * source has connections) wait for one to end; unlocks once {@code waiting} reads wait, and answers them all.
   */
  private List<SideRead> whileLocked(SqlSideReader reader, String name, int waiting, List<Future<SideRead>> reads,
                                     java.util.function.Supplier<List<Future<SideRead>>> start) {
    SqlConnection lock = Await.result(admin.getConnection());
    try {
      for (String statement : lockTable(name)) Await.result(lock.query(statement).execute());
      reads.addAll(start.get());
      long deadline = System.currentTimeMillis() + 5000;
      while (reader.lookupsWaiting() < waiting && System.currentTimeMillis() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(200_000);
      }
      assertEquals(waiting, reader.lookupsWaiting(), "reads waiting for a connection");
    } finally {
      Await.result(lock.query(unlockTables()).execute());
      Await.result(lock.close());
    }
    List<SideRead> done = new ArrayList<>();
    for (Future<SideRead> read : reads) done.add(Await.result(read));
    return done;
  }

  @Test
  void readsOfOneTurnGoTogetherThoughConnectionsAreFreeEachSeeingItsOwnRows() {
    SqlSideReader reader = (SqlSideReader) newReader(dataSource(port(), user()));
    SideSpec byId = spec("id = #{id}", List.of("id", "code"));
    long[] ids = {1, 2, 3, 999};
    try {
      String single = read(reader, byId, Map.of("id", 1)).query(); // the catalog, cached
      long before = reader.statementsRun();
      // the jobs of one POST, checked in one turn of an event loop
      java.util.concurrent.CompletableFuture<List<SideRead>> done = new java.util.concurrent.CompletableFuture<>();
      vertx.runOnContext(v -> {
        List<Future<SideRead>> started = new ArrayList<>();
        for (int i = 0; i < 12; i++) started.add(reader.read(byId, event(Map.of("id", ids[i % 4]))));
        Future.all(started).onComplete(all -> done.complete(started.stream().map(Future::result).toList()));
      });
      List<SideRead> reads = Await.result(Future.fromCompletionStage(done));
      for (int i = 0; i < 12; i++) {
        SideRead read = reads.get(i);
        assertNull(read.error(), read.error());
        assertEquals(single, read.query(), "each read shows the statement that reads it alone");
        if (ids[i % 4] == 999) assertFalse(read.found());
        else assertEquals(List.of("A-1", "B-2", "C-3").get(i % 4), read.values().get("code"));
      }
      assertEquals(1, reader.statementsRun() - before, "twelve reads of one turn, one statement");
    } finally {
      Await.result(reader.close());
    }
  }

  @Test
  void keyLookupsWaitingForAConnectionAreReadTogetherEachSeeingItsOwnRows() {
    SqlSideReader batching = (SqlSideReader) newReader(dataSource(port(), user()));
    // which reads go alone is exact only without the gathering of a loop's turn (see readsOfOneTurnGoTogether...)
    batching.gatherTurns(false);
    SideSpec byId = spec("id = #{id}", List.of("id", "code"));
    SideSpec byGroup = spec("#{g} = grp", List.of("code"));
    long[] ids = {1, 2, 3, 999};
    int[] groups = {7, 8, 9, 8};
    try {
      String single = read(batching, byId, Map.of("id", 1)).query(); // the catalog, cached
      assertEquals("C-3", read(batching, byGroup, Map.of("g", 8)).values().get("code"));
      long before = batching.statementsRun();
      List<SideRead> done = whileLocked(batching, table, 40 - 2 + 8 - 2, new ArrayList<>(), () -> {
        List<Future<SideRead>> started = new ArrayList<>();
        for (int i = 0; i < 40; i++) started.add(batching.read(byId, event(Map.of("id", ids[i % 4]))));
        for (int i = 0; i < 8; i++) started.add(batching.read(byGroup, event(Map.of("g", groups[i % 4]))));
        return started;
      });
      for (int i = 0; i < 40; i++) {
        SideRead read = done.get(i);
        assertNull(read.error(), read.error());
        assertEquals(single, read.query(), "each read shows the statement that reads it alone");
        assertEquals(List.of(ids[i % 4]), read.params());
        if (ids[i % 4] == 999) {
          assertFalse(read.found());
        } else {
          assertEquals(ids[i % 4], ((Number) read.values().get("id")).longValue());
          assertEquals(List.of("A-1", "B-2", "C-3").get(i % 4), read.values().get("code"));
        }
      }
      for (int i = 0; i < 8; i++) {
        SideRead read = done.get(40 + i);
        switch (groups[i % 4]) {
          case 7 -> assertEquals("expected one row, got 2 or more", read.error());
          case 8 -> assertEquals("C-3", read.values().get("code"));
          default -> assertFalse(read.found() || read.failed(), String.valueOf(read.error()));
        }
      }
      // two reads of each side ran alone (two holding the connections, two queued in the pool); the 44 others
      // waited, and came in one statement per side
      assertEquals(6, batching.statementsRun() - before, "statements run for 48 reads");
    } finally {
      Await.result(batching.close());
    }
  }

  @Test
  void aBatchOfKeysWithManyRowsIsReadAgainKeyByKey() {
    String many = table + "_many";
    StringBuilder rows = new StringBuilder();
    for (int id = 1; id <= 40; id++) rows.append(id == 1 ? "" : ", ").append("(").append(id).append(", 5)");
    Await.result(admin.query("CREATE TABLE " + many + " (id BIGINT PRIMARY KEY, grp INT)").execute());
    SqlSideReader batching = (SqlSideReader) newReader(dataSource(port(), user()));
    batching.gatherTurns(false);
    try {
      Await.result(admin.query("INSERT INTO " + many + " VALUES " + rows + ", (41, 6)").execute());
      SideSpec byGroup = new SideSpec("ds-sql", many, "grp = #{g}", List.of("id"), null, null, null, null, null, null);
      assertEquals(41L, ((Number) read(batching, byGroup, Map.of("g", 6)).values().get("id")).longValue());
      int[] groups = {5, 6, 4};
      long before = batching.statementsRun();
      List<SideRead> done = whileLocked(batching, many, 7, new ArrayList<>(), () -> {
        List<Future<SideRead>> started = new ArrayList<>();
        for (int i = 0; i < 9; i++) started.add(batching.read(byGroup, event(Map.of("g", groups[i % 3]))));
        return started;
      });
      for (int i = 0; i < 9; i++) {
        SideRead read = done.get(i);
        switch (groups[i % 3]) {
          case 5 -> assertEquals("expected one row, got 2 or more", read.error());
          case 6 -> assertEquals(41L, ((Number) read.values().get("id")).longValue());
          default -> assertFalse(read.found() || read.failed(), String.valueOf(read.error()));
        }
      }
      // two alone, the batch of the seven others (its LIMIT of 16 reached by group 5), then those seven alone
      assertEquals(2 + 1 + 7, batching.statementsRun() - before);
    } finally {
      Await.result(batching.close());
      Await.result(admin.query("DROP TABLE IF EXISTS " + many).execute());
    }
  }

  @BeforeAll
  void createTable() throws Exception {
    admin = openAdmin();
    for (String statement : fixture()) Await.result(admin.query(statement).execute());
    reader = newReader(dataSource(port(), user()));
  }

  @AfterAll
  void dropTable() {
    if (reader != null) Await.result(reader.close());
    try {
      Await.result(admin.query("DROP TABLE IF EXISTS " + table).execute());
    } finally {
      Await.result(admin.close());
    }
  }

  @Override
  protected SideReader reader() {
    return reader;
  }

  @Override
  protected SideReader unreachableReader() {
    return newReader(dataSource(1, user()));
  }

  @Test
  void aTimedOutReadAnswersOnTheEventLoopThatAskedForIt() throws Exception {
    assertTimeOutAnswersOnTheAskingEventLoop(port -> newReader(dataSource(port, user())));
  }

  @Override
  protected SideSpec spec() {
    return spec("id = #{id}", List.of("id", "code"));
  }

  @Override
  protected Object foundId() {
    return 1;
  }

  @Override
  protected Object missingId() {
    return 999;
  }

  protected SideSpec spec(String where, List<String> fields) {
    return new SideSpec("ds-sql", table, where, fields, null, null, null, null, null, null);
  }

  /** A list side keyed by {@code rowKey}. */
  protected SideSpec listSpec(String where, List<String> fields, String rowKey) {
    return new SideSpec("ds-sql", table, where, fields, null, null, null, null, null, null, null, null, null, true, rowKey);
  }

  protected SideRead read(String where, List<String> fields, Map<String, Object> data) {
    return read(reader, spec(where, fields), data);
  }

  @Test
  void missingRowIsMissing() {
    SideRead read = read("id = #{id}", List.of("code"), Map.of("id", 999));
    assertNull(read.error());
    assertFalse(read.found());
    assertEquals(List.of(999L), read.params());
  }

  @Test
  void severalRowsFailTheSide() {
    SideRead read = read("grp = #{g}", List.of("id"), Map.of("g", 7));
    assertEquals("expected one row, got 2 or more", read.error());
  }

  @Test
  void nonIntegerValueForBigintColumnFailsInsteadOfMatchingEveryRow() {
    SideRead read = read("id = #{id}", List.of("code"), Map.of("id", "1 OR 1=1"));
    assertEquals("variable 'id' value '1 OR 1=1' is not a valid bigint for column id", read.error());
    assertTrue(read(reader, spec("id = #{id}", List.of("code")), Map.of("id", 4.5)).failed());
  }

  @Test
  void quoteInjectionIntoVarcharKeyReadsNoOtherRow() {
    SideRead read = read("code = #{code}", List.of("id"), Map.of("code", "1' OR '1'='1"));
    assertNull(read.error());
    assertFalse(read.found());
    assertEquals(List.of("1' OR '1'='1"), read.params());
  }

  @Test
  void unknownColumnOrTableFailsNamingIt() {
    assertEquals("unknown column 'nope' in table '" + table + "'",
        read("id = #{id}", List.of("code", "nope"), Map.of("id", 1)).error());
    assertEquals("unknown column 'nope' in table '" + table + "'",
        read("nope = #{id}", List.of("code"), Map.of("id", 1)).error());
    SideSpec noTable = new SideSpec("ds-sql", "no_such_table_x", "id = #{id}", List.of("id"), null, null, null, null, null, null);
    assertEquals("table 'no_such_table_x' not found in database 'test'", read(reader, noTable, Map.of("id", 1)).error());
  }

  @Test
  void unsafeConfigurationFailsBeforeAnyQuery() {
    assertTrue(read("id = #{id}; DELETE FROM x", List.of("id"), Map.of("id", 1)).error()
        .startsWith("where ';' is not allowed (one condition only, no second statement) at offset 10"));
    assertTrue(read("id = #{id}", List.of("id`"), Map.of("id", 1)).error().contains("not a valid name"));
    SideSpec badTable = new SideSpec("ds-sql", "t; drop", "id = #{id}", List.of("id"), null, null, null, null, null, null);
    assertTrue(read(reader, badTable, Map.of("id", 1)).failed());
  }

  @Test
  void listSideReadsEveryMatchingRowWithItsRowKey() {
    SideRead read = read(reader, listSpec("grp = #{g}", List.of("code"), "id"), Map.of("g", 7));
    assertNull(read.error());
    assertTrue(read.found());
    assertEquals(List.of(Map.of("code", "A-1", "id", 1L), Map.of("code", "B-2", "id", 2L)),
        read.rows().stream().sorted(java.util.Comparator.comparing(r -> (Long) r.get("id"))).toList());
    assertTrue(read.query().endsWith("LIMIT 1001"), read.query());
    SideRead none = read(reader, listSpec("grp = #{g}", List.of("id", "code"), "id"), Map.of("g", 404));
    assertNull(none.error());
    assertFalse(none.found());
    assertEquals(List.of(), none.rows());
  }
}
