package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Against the real MariaDB on 127.0.0.1:3306, database test. */
class MySqlSideReaderTest extends SqlSideReaderTestBase {
  @Override
  protected DataSourceKind kind() {
    return DataSourceKind.MYSQL;
  }

  @Override
  protected int port() {
    return 3306;
  }

  @Override
  protected String user() {
    return "root";
  }

  @Override
  protected Pool openAdmin() {
    return MySQLBuilder.pool().connectingTo(new MySQLConnectOptions()
        .setHost("127.0.0.1").setPort(3306).setUser("root").setPassword("").setDatabase("test")).using(vertx).build();
  }

  @Override
  protected List<String> fixture() {
    return List.of("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, code VARCHAR(32) NOT NULL,"
        + " grp INT, amount DECIMAL(10,2), created DATETIME, flag TINYINT(1), doc JSON, note TEXT,"
        + " big BIGINT UNSIGNED, day DATE, ratio DOUBLE)",
        "INSERT INTO " + table + " VALUES"
        + " (1, 'A-1', 7, 12.50, '2026-01-02 03:04:05', 1, '{\"a\": [1, 2]}', NULL, 18446744073709551615, '2026-01-02', 0.25),"
        + " (2, 'B-2', 7, 3.00, '2026-01-03 00:00:00', 0, NULL, 'n', 5, NULL, NULL),"
        + " (3, 'C-3', 8, 1.00, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
  }

  @Override
  protected SideReader newReader(DataSource dataSource) {
    return new MySqlSideReader(vertx, dataSource);
  }

  @Override
  protected List<String> lockTable(String name) {
    return List.of("LOCK TABLES " + name + " WRITE");
  }

  @Override
  protected String unlockTables() {
    return "UNLOCK TABLES";
  }

  @Override
  protected String slowView(String name) {
    return "CREATE VIEW " + name + " AS SELECT id, SLEEP(1) AS s FROM " + table;
  }

  /** root may write; the statement form every read is run in still may not (MariaDB: SET STATEMENT tx_read_only=1). */
  @Test
  void readsRunInAReadOnlyTransactionEvenForAUserWhoMayWrite() {
    UnaryOperator<String> guard = Await.result(MySqlDialect.INSTANCE.guard(admin, 2000));
    String select = "SELECT `code` FROM `" + table + "` WHERE (`id` = ?) LIMIT 2";
    assertEquals("SET STATEMENT max_statement_time=2, tx_read_only=1 FOR " + select, guard.apply(select));
    assertEquals("A-1", Await.result(admin.preparedQuery(guard.apply(select)).execute(Tuple.of(1))).iterator().next().getString(0));
    Throwable write = Await.failure(admin.query(guard.apply("INSERT INTO " + table + " (id, code) VALUES (50, 'W')")).execute());
    assertTrue(write.getMessage().contains("READ ONLY"), write.getMessage());
    Throwable lock = Await.failure(admin.query(guard.apply("SELECT id FROM " + table + " WHERE id = 1 FOR UPDATE")).execute());
    assertTrue(lock.getMessage().contains("READ ONLY"), lock.getMessage());
    assertEquals(0L, Await.result(admin.query("SELECT COUNT(*) FROM " + table + " WHERE id = 50").execute())
        .iterator().next().getLong(0));
  }

  @Test
  void theStatementTimeOutStopsTheServerWork() {
    UnaryOperator<String> guard = Await.result(MySqlDialect.INSTANCE.guard(admin, 300));
    long start = System.nanoTime();
    Throwable slow = Await.failure(admin.query(guard.apply("SELECT SLEEP(5)")).execute());
    assertTrue(slow.getMessage().contains("max_statement_time"), slow.getMessage());
    assertTrue(System.nanoTime() - start < 3_000_000_000L, "stopped by the server well before 5 s");
  }

  @Test
  void mySqlGetsTheExecutionTimeHint() {
    assertEquals("SELECT /*+ MAX_EXECUTION_TIME(1500) */ `a` FROM `t` WHERE (`a` = ?) LIMIT 2",
        MySqlDialect.mySql(1500).apply("SELECT `a` FROM `t` WHERE (`a` = ?) LIMIT 2"));
    assertEquals("SET STATEMENT max_statement_time=0.25, tx_read_only=1 FOR SELECT 1", MySqlDialect.mariaDb(250).apply("SELECT 1"));
  }

  @Test
  void readsOneRowWithNormalizedTypes() {
    SideRead read = read("id = #{id}",
        List.of("id", "code", "amount", "created", "flag", "doc", "note", "big", "day", "ratio"), Map.of("id", "1"));
    assertNull(read.error());
    assertTrue(read.found());
    Map<String, Object> v = read.values();
    assertEquals(1L, v.get("id"));
    assertEquals("A-1", v.get("code"));
    assertEquals(new BigDecimal("12.50"), v.get("amount"));
    assertEquals(2, ((BigDecimal) v.get("amount")).scale());
    assertEquals("2026-01-02T03:04:05", v.get("created"));
    assertEquals(1, ((Number) v.get("flag")).intValue());
    assertTrue(String.valueOf(v.get("doc")).replace(" ", "").equals("{\"a\":[1,2]}"), String.valueOf(v.get("doc")));
    assertTrue(v.containsKey("note"));
    assertNull(v.get("note"));
    assertEquals(new BigDecimal("18446744073709551615"), v.get("big"));
    assertEquals("2026-01-02", v.get("day"));
    assertEquals(0.25d, v.get("ratio"));
    assertEquals("SELECT `id`, `code`, `amount`, `created`, `flag`, `doc`, `note`, `big`, `day`, `ratio` FROM `"
        + table + "` WHERE (`id` = ?) LIMIT 2", read.query());
    assertEquals(List.of(1L), read.params());
  }

  @Test
  void decimalAndDatetimeParametersAreBoundByColumnType() {
    assertEquals(1L, read("amount = #{a} AND grp = #{g}", List.of("id"), Map.of("a", "12.5", "g", 7)).values().get("id"));
    assertEquals(2L, read("created = #{ts}", List.of("id"), Map.of("ts", "2026-01-03 00:00:00")).values().get("id"));
    assertTrue(read("amount = #{a}", List.of("id"), Map.of("a", "12.5; x")).error().contains("not a valid decimal"));
  }

  @Test
  void qualifiedTableAndNestedVariables() {
    SideSpec qualified = new SideSpec("ds-sql", "test." + table, "id = #{order.id}", List.of("code"),
        null, null, null, null, null, null);
    SideRead read = read(reader, qualified, Map.of("order", Map.of("id", 3)));
    assertEquals("C-3", read.values().get("code"));
  }

  @Test
  void wrongCredentialsFailTheTestWithTheServersReason() {
    MySqlSideReader denied = new MySqlSideReader(vertx, dataSource(3306, "tally_no_such_user"));
    try {
      Throwable failure = Await.failure(denied.test());
      assertTrue(failure.getMessage().contains("Access denied for user 'tally_no_such_user'"), failure.getMessage());
      assertTrue(read(denied, spec(), Map.of("id", 1)).error().contains("Access denied"));
    } finally {
      Await.result(denied.close());
    }
  }
}
