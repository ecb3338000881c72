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
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against the real MariaDB on 127.0.0.1:3306, database test. */
class MySqlSideReaderTest extends SideReaderContractTest {
  private final String table = "tally_src_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private Pool admin;
  private MySqlSideReader reader;

  static DataSource dataSource(int port, String user) {
    return new DataSource("ds-mysql", "mysql", DataSourceKind.MYSQL, "127.0.0.1", port, "test", user, "",
        null, null, null, 2000, 2, null, null, null, null, null, null, null, 0L, 0L);
  }

  @BeforeAll
  void createTable() {
    admin = MySQLBuilder.pool().connectingTo(new MySQLConnectOptions()
        .setHost("127.0.0.1").setPort(3306).setUser("root").setPassword("").setDatabase("test")).using(vertx).build();
    Await.result(admin.query("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, code VARCHAR(32) NOT NULL,"
        + " grp INT, amount DECIMAL(10,2), created DATETIME, flag TINYINT(1), doc JSON, note TEXT,"
        + " big BIGINT UNSIGNED, day DATE, ratio DOUBLE)").execute());
    Await.result(admin.query("INSERT INTO " + table + " VALUES"
        + " (1, 'A-1', 7, 12.50, '2026-01-02 03:04:05', 1, '{\"a\": [1, 2]}', NULL, 18446744073709551615, '2026-01-02', 0.25),"
        + " (2, 'B-2', 7, 3.00, '2026-01-03 00:00:00', 0, NULL, 'n', 5, NULL, NULL),"
        + " (3, 'C-3', 8, 1.00, NULL, NULL, NULL, NULL, NULL, NULL, NULL)").execute());
    reader = new MySqlSideReader(vertx, dataSource(3306, "root"));
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
    return new MySqlSideReader(vertx, dataSource(1, "root"));
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

  private SideSpec spec(String where, List<String> fields) {
    return new SideSpec("ds-mysql", table, where, fields, null, null, null, null, null, null);
  }

  private SideRead read(String where, List<String> fields, Map<String, Object> data) {
    return read(reader, spec(where, fields), data);
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
        + table + "` WHERE (id = ?) LIMIT 2", read.query());
    assertEquals(List.of(1L), read.params());
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
  void decimalAndDatetimeParametersAreBoundByColumnType() {
    assertEquals(1L, read("amount = #{a} AND grp = #{g}", List.of("id"), Map.of("a", "12.5", "g", 7)).values().get("id"));
    assertEquals(2L, read("created = #{ts}", List.of("id"), Map.of("ts", "2026-01-03 00:00:00")).values().get("id"));
    assertTrue(read("amount = #{a}", List.of("id"), Map.of("a", "12.5; x")).error().contains("not a valid decimal"));
  }

  @Test
  void qualifiedTableAndNestedVariables() {
    SideSpec qualified = new SideSpec("ds-mysql", "test." + table, "id = #{order.id}", List.of("code"),
        null, null, null, null, null, null);
    SideRead read = read(reader, qualified, Map.of("order", Map.of("id", 3)));
    assertEquals("C-3", read.values().get("code"));
  }

  @Test
  void unknownColumnOrTableFailsNamingIt() {
    assertEquals("unknown column 'nope' in table '" + table + "'",
        read("id = #{id}", List.of("code", "nope"), Map.of("id", 1)).error());
    assertEquals("unknown column 'nope' in table '" + table + "'",
        read("nope = #{id}", List.of("code"), Map.of("id", 1)).error());
    SideSpec noTable = new SideSpec("ds-mysql", "no_such_table_x", "id = #{id}", List.of("id"), null, null, null, null, null, null);
    assertEquals("table 'no_such_table_x' not found in database 'test'", read(reader, noTable, Map.of("id", 1)).error());
  }

  @Test
  void unsafeConfigurationFailsBeforeAnyQuery() {
    assertTrue(read("id = #{id}; DELETE FROM x", List.of("id"), Map.of("id", 1)).error().startsWith("where must not contain"));
    assertTrue(read("id = #{id}", List.of("id`"), Map.of("id", 1)).error().contains("not a valid name"));
    SideSpec badTable = new SideSpec("ds-mysql", "t; drop", "id = #{id}", List.of("id"), null, null, null, null, null, null);
    assertTrue(read(reader, badTable, Map.of("id", 1)).failed());
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
