package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import io.vertx.sqlclient.Pool;
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
