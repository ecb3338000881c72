package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.it.Services;
import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Against the real PostgreSQL on 127.0.0.1:5432 (trust), database test. */
class PostgresSideReaderTest extends SqlSideReaderTestBase {
  private static final String UUID_1 = "0e4a2b8c-9d1f-4c3e-8a5b-7f6e5d4c3b2a";

  @Override
  protected DataSourceKind kind() {
    return DataSourceKind.POSTGRES;
  }

  @Override
  protected int port() {
    return 5432;
  }

  @Override
  protected String user() {
    return "postgres";
  }

  @Override
  protected Pool openAdmin() throws Exception {
    return Services.postgres(vertx);
  }

  @Override
  protected List<String> fixture() {
    return List.of("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, code VARCHAR(32) NOT NULL,"
        + " grp INT, amount NUMERIC(12,2), paid_at TIMESTAMPTZ, created TIMESTAMP, day DATE, flag BOOLEAN,"
        + " doc JSON, docb JSONB, ref UUID, small SMALLINT, ratio DOUBLE PRECISION, note TEXT)",
        "INSERT INTO " + table + " VALUES"
        + " (1, 'A-1', 7, 12.50, '2026-01-02 05:04:05+02', '2026-01-02 03:04:05', '2026-01-02', true,"
        + "  '{\"a\": [1, 2.50]}', '{\"b\": {\"c\": null}}', '" + UUID_1 + "', 3, 0.25, NULL),"
        + " (2, 'B-2', 7, 3.00, NULL, NULL, NULL, false, '[1, \"x\"]', 'null', NULL, NULL, NULL, 'n'),"
        + " (3, 'C-3', 8, 1.00, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
        "INSERT INTO " + table + " (id, code, grp) SELECT n, 'L-' || n, 99 FROM generate_series(1000, 2000) n");
  }

  @Override
  protected SideReader newReader(DataSource dataSource) {
    return new PostgresSideReader(vertx, dataSource);
  }

  @Test
  void readsOneRowWithTypesNormalizedLikeMySql() {
    SideRead read = read("id = #{id}", List.of("id", "code", "amount", "paid_at", "created", "day", "flag", "doc",
        "docb", "ref", "small", "ratio", "note"), Map.of("id", "1"));
    assertNull(read.error());
    assertTrue(read.found());
    Map<String, Object> v = read.values();
    assertEquals(1L, v.get("id"));
    assertEquals("A-1", v.get("code"));
    assertEquals(new BigDecimal("12.50"), v.get("amount"));
    assertEquals(2, ((BigDecimal) v.get("amount")).scale());
    assertEquals("2026-01-02T03:04:05Z", v.get("paid_at"), "timestamptz: the instant, in UTC");
    assertEquals("2026-01-02T03:04:05", v.get("created"));
    assertEquals("2026-01-02", v.get("day"));
    assertEquals(true, v.get("flag"));
    // read as text and parsed here: 2.50 keeps its scale (the pg client would decode it as the double 2.5)
    assertEquals(Map.of("a", List.of(1, new BigDecimal("2.50"))), v.get("doc"));
    Map<String, Object> nested = new java.util.HashMap<>();
    nested.put("c", null);
    assertEquals(Map.of("b", nested), v.get("docb"));
    assertEquals(UUID_1, v.get("ref"));
    assertEquals(3, v.get("small"));
    assertEquals(0.25d, v.get("ratio"));
    assertTrue(v.containsKey("note"));
    assertNull(v.get("note"));
    assertEquals("SELECT \"id\", \"code\", \"amount\", \"paid_at\", \"created\", \"day\", \"flag\", \"doc\"::text AS \"doc\","
        + " \"docb\"::text AS \"docb\", \"ref\","
        + " \"small\", \"ratio\", \"note\" FROM \"" + table + "\" WHERE (\"id\" = $1) LIMIT 2", read.query());
    assertEquals(List.of(1L), read.params());
  }

  @Test
  void jsonArraysAndJsonNullComeBackParsed() {
    Map<String, Object> v = read("id = #{id}", List.of("doc", "docb", "flag"), Map.of("id", 2)).values();
    assertEquals(List.of(1, "x"), v.get("doc"));
    assertNull(v.get("docb"));
    assertEquals(false, v.get("flag"));
  }

  @Test
  void parametersAreTypedByColumn() {
    assertEquals(1L, read("amount = #{a} AND grp = #{g}", List.of("id"), Map.of("a", "12.5", "g", 7)).values().get("id"));
    assertEquals(1L, read("paid_at = #{t}", List.of("id"), Map.of("t", "2026-01-02T03:04:05Z")).values().get("id"));
    assertEquals(1L, read("created = #{t}", List.of("id"), Map.of("t", "2026-01-02 03:04:05")).values().get("id"));
    assertEquals(1L, read("day = #{d} AND flag = #{f}", List.of("id"), Map.of("d", "2026-01-02", "f", "true")).values().get("id"));
    assertEquals(1L, read("ref = #{r}", List.of("id"), Map.of("r", UUID_1)).values().get("id"));
    assertTrue(read("ref = #{r}", List.of("id"), Map.of("r", "not-a-uuid")).error().contains("not a valid uuid"));
    assertTrue(read("small = #{s}", List.of("id"), Map.of("s", 70000)).failed(), "out of SMALLINT range");
  }

  @Test
  void qualifiedTableAndCatalogSpellingOfNames() {
    SideSpec qualified = new SideSpec("ds-sql", "public." + table, "id = #{id}", List.of("CODE"), null, null, null, null, null, null);
    SideRead read = read(reader, qualified, Map.of("id", 3));
    assertNull(read.error());
    assertEquals("C-3", read.values().get("CODE"));
    assertTrue(read.query().startsWith("SELECT \"code\" FROM \"public\".\"" + table + "\""), read.query());
  }

  @Test
  void dollarParametersAndStatementsInTheWhereAreRefused() {
    assertTrue(read("id = $1", List.of("id"), Map.of("id", 1)).error().startsWith("where '$' is not allowed"));
    assertTrue(read("id = #{id}; DELETE FROM x", List.of("id"), Map.of("id", 1)).error().startsWith("where ';' is not allowed"));
    assertTrue(read("id = #{id} AND code = $$x$$", List.of("id"), Map.of("id", 1)).error().startsWith("where '$' is not allowed"));
  }

  @Test
  void serverErrorsNamePostgres() {
    SideRead read = read("id = #{id} AND code > 0", List.of("id"), Map.of("id", 1));
    assertTrue(read.error().startsWith("PostgreSQL error"), read.error());
  }

  @Test
  void aListSideOfMoreThan1000RowsFailsSayingSo() {
    SideRead read = read(reader, listSpec("grp = #{g}", List.of("id"), "id"), Map.of("g", 99));
    assertEquals("more than 1000 rows match; a list side reads at most 1000", read.error());
    SideRead thousand = read(reader, listSpec("grp = #{g} AND id < #{max}", List.of("id"), "id"), Map.of("g", 99, "max", 2000));
    assertNull(thousand.error());
    assertEquals(1000, thousand.rows().size());
  }

  @Override
  protected List<String> lockTable(String name) {
    return List.of("BEGIN", "LOCK TABLE " + name + " IN ACCESS EXCLUSIVE MODE");
  }

  @Override
  protected String unlockTables() {
    return "COMMIT";
  }

  @Override
  protected String slowView(String name) {
    return "CREATE VIEW " + name + " AS SELECT id, length(pg_sleep(1)::text) AS s FROM " + table;
  }

  /** postgres is a superuser; a session opened the way the reader opens its sessions still may not write. */
  @Test
  void readSessionsAreReadOnlyWithAStatementTimeOutEvenForASuperuser() {
    Pool session = PgBuilder.pool().connectingTo(PostgresSideReader.connectOptions(sqlDataSource(kind(), 5432, "postgres", 300)))
        .using(vertx).build();
    try {
      assertEquals("on", Await.result(session.query("SHOW transaction_read_only").execute()).iterator().next().getString(0));
      Throwable write = Await.failure(session.query("INSERT INTO " + table + " (id, code) VALUES (50, 'W')").execute());
      assertTrue(write.getMessage().contains("read-only transaction"), write.getMessage());
      Throwable slow = Await.failure(session.query("SELECT pg_sleep(5)").execute());
      assertTrue(slow.getMessage().contains("statement timeout"), slow.getMessage());
      assertEquals(0L, Await.result(admin.query("SELECT COUNT(*) FROM " + table + " WHERE id = 50").execute())
          .iterator().next().getLong(0));
    } finally {
      Await.result(session.close());
    }
  }

  @Test
  void tlsSettingsMapToTheSslMode() {
    PgConnectOptions plain = PostgresSideReader.connectOptions(dataSource(5432, "postgres"));
    assertEquals(SslMode.DISABLE, plain.getSslMode());
    DataSource tls = new DataSource("p", "p", DataSourceKind.POSTGRES, "db.example", 5433, "shop", "reader", "s", null, null,
        null, null, null, null, null, true, null, null, null, null, 0L, 0L);
    PgConnectOptions required = PostgresSideReader.connectOptions(tls);
    assertEquals(SslMode.REQUIRE, required.getSslMode());
    assertNull(required.getSslOptions().getTrustOptions(), "no CA file: the JVM's trust store");
    DataSource withCa = new DataSource("p", "p", DataSourceKind.POSTGRES, "db.example", 5433, "shop", "reader", "s", null, null,
        null, null, null, null, null, true, "/etc/tally/pg-ca.pem", null, null, null, 0L, 0L);
    PgConnectOptions verified = PostgresSideReader.connectOptions(withCa);
    assertEquals(SslMode.VERIFY_CA, verified.getSslMode());
    assertEquals(List.of("/etc/tally/pg-ca.pem"), ((PemTrustOptions) verified.getSslOptions().getTrustOptions()).getCertPaths());
    assertEquals("db.example", verified.getHost());
    assertEquals(5433, verified.getPort());
    assertEquals("shop", verified.getDatabase());
  }

  @Test
  void tlsFailureIsAFailedSideNamingTls() {
    // the machine's PostgreSQL has no TLS: REQUIRE must fail the side, never fall back to plain text
    DataSource tls = new DataSource("p", "p", DataSourceKind.POSTGRES, "127.0.0.1", 5432, "test", "postgres", "", null, null,
        null, 2000, 1, null, null, true, null, null, null, null, 0L, 0L);
    SideReader tlsReader = newReader(tls);
    try {
      SideRead read = read(tlsReader, spec(), Map.of("id", 1));
      assertTrue(read.failed());
      assertTrue(read.error().contains("TLS"), read.error());
    } finally {
      Await.result(tlsReader.close());
    }
  }

  @Test
  void aRoleGrantedOnlySelectReadsTheTable() {
    String role = "tally_ro_" + table.substring(table.length() - 8);
    Await.result(admin.query("CREATE ROLE " + role + " LOGIN").execute());
    SideReader readOnly = newReader(dataSource(5432, role));
    try {
      // the grants the README recommends
      Await.result(admin.query("GRANT CONNECT ON DATABASE test TO " + role).execute());
      Await.result(admin.query("GRANT USAGE ON SCHEMA public TO " + role).execute());
      Await.result(admin.query("GRANT SELECT ON public." + table + " TO " + role).execute());
      SideRead read = read(readOnly, spec(), Map.of("id", 1));
      assertNull(read.error());
      assertEquals("A-1", read.values().get("code"));
    } finally {
      Await.result(readOnly.close());
      Await.result(admin.query("DROP OWNED BY " + role).execute());
      Await.result(admin.query("DROP ROLE " + role).execute());
    }
  }
}
