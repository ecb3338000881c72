package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.Event;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * How Tally should connect in production: as a user that may only SELECT (MariaDB on 3306), and over TLS
 * (the MariaDB of scripts/infra/mariadb-binlog.sh on 3307, which serves TLS with the CA it made at start).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlAccessTest {
  static final String BINLOG_CA = System.getenv().getOrDefault("TALLY_INFRA_RUN", "/tmp/tally-infra") + "/mariadb-binlog/tls/ca.pem";
  private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final String table = "tally_acc_" + suffix;
  private final String readOnlyUser = "tally_ro_" + suffix;
  private final String tlsUser = "tally_tls_" + suffix;
  private final String password = "pw-" + suffix;
  private Vertx vertx;
  private Pool main;
  private Pool binlog;

  private Pool root(int port) {
    return MySQLBuilder.pool().connectingTo(new MySQLConnectOptions()
        .setHost("127.0.0.1").setPort(port).setUser("root").setPassword("").setDatabase("test")).using(vertx).build();
  }

  private static void sql(Pool pool, String... statements) {
    for (String s : statements) Await.result(pool.query(s).execute());
  }

  @BeforeAll
  void setUp() {
    vertx = Vertx.vertx();
    main = root(3306);
    binlog = root(3307);
    for (Pool pool : List.of(main, binlog)) {
      sql(pool, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, code VARCHAR(20))",
          "INSERT INTO " + table + " VALUES (1, 'A-1')");
    }
    sql(main, "CREATE USER '" + readOnlyUser + "'@'127.0.0.1' IDENTIFIED BY '" + password + "'",
        "GRANT SELECT ON test." + table + " TO '" + readOnlyUser + "'@'127.0.0.1'");
    sql(binlog, "CREATE USER '" + tlsUser + "'@'127.0.0.1' IDENTIFIED BY '" + password + "' REQUIRE SSL",
        "GRANT SELECT ON test." + table + " TO '" + tlsUser + "'@'127.0.0.1'");
  }

  @AfterAll
  void tearDown() {
    try {
      sql(main, "DROP USER IF EXISTS '" + readOnlyUser + "'@'127.0.0.1'", "DROP TABLE IF EXISTS " + table);
      sql(binlog, "DROP USER IF EXISTS '" + tlsUser + "'@'127.0.0.1'", "DROP TABLE IF EXISTS " + table);
    } finally {
      Await.result(main.close());
      Await.result(binlog.close());
      Await.result(vertx.close());
    }
  }

  private DataSource source(int port, String user, Boolean tls, String caFile) {
    return new DataSource("ds", "ds", DataSourceKind.MYSQL, "127.0.0.1", port, "test", user, password, null, null, null,
        3000, 1, null, null, tls, caFile, null, null, null, 0L, 0L);
  }

  private SideRead readRowOne(DataSource dataSource) {
    MySqlSideReader reader = new MySqlSideReader(vertx, dataSource);
    try {
      SideSpec spec = new SideSpec("ds", table, "id = #{id}", List.of("id", "code"), null, null, null, null, null, null);
      return Await.result(reader.read(spec, new Event("e", "s", "update", Map.of("id", 1), null, 0L, 0L)));
    } finally {
      Await.result(reader.close());
    }
  }

  @Test
  void aUserGrantedOnlySelectReadsTheTable() {
    SideRead read = readRowOne(source(3306, readOnlyUser, null, null));
    assertNull(read.error());
    assertEquals(Map.of("id", 1L, "code", "A-1"), read.values());
  }

  @Test
  void aUserThatRequiresSslReadsOverTlsVerifiedByTheCaFile() {
    SideRead read = readRowOne(source(3307, tlsUser, true, BINLOG_CA));
    assertNull(read.error());
    assertEquals("A-1", read.values().get("code"));
  }

  @Test
  void withoutTlsTheSameUserIsRefusedWithAClearError() {
    SideRead read = readRowOne(source(3307, tlsUser, false, null));
    assertTrue(read.failed());
    assertTrue(read.error().contains("Access denied for user '" + tlsUser + "'"), read.error());
    assertTrue(read.error().contains("set tls: true"), read.error());
  }

  @Test
  void aServerCertificateTheTrustStoreDoesNotKnowFailsNamingTls() {
    // tls without a CA file trusts the JVM's CAs, which do not include the test CA
    SideRead read = readRowOne(source(3307, tlsUser, true, null));
    assertTrue(read.failed());
    assertTrue(read.error().startsWith("TLS with 127.0.0.1:3307 failed"), read.error());
  }
}
