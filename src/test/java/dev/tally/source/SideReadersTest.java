package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.SideSpec;
import dev.tally.model.ValueType;
import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SideReadersTest {
  private Vertx vertx;
  private SideReaders readers;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    readers = new SideReaders(vertx);
  }

  @AfterEach
  void tearDown() {
    Await.result(readers.close());
    Await.result(vertx.close());
  }

  private static DataSource redis(String id, long updatedAt) {
    return new DataSource(id, "redis", DataSourceKind.REDIS, "127.0.0.1", 6379, null, null, null, 0, null, null,
        2000, 1, null, null, null, null, null, null, null, 0L, updatedAt);
  }

  private static final SideSpec PING_KEY = new SideSpec("r", null, null, null, "tally:test:readers:#{id}",
      ValueType.STRING, null, null, null, null);

  private static boolean works(SideReader reader) {
    var read = Await.result(reader.read(PING_KEY, new dev.tally.model.Event("e", "s", "op", Map.of("id", 1), null, 0, 0)));
    return !read.failed();
  }

  @Test
  void oneReaderPerDataSourceUntilItChanges() {
    SideReader first = readers.reader(redis("r", 1));
    assertSame(first, readers.reader(redis("r", 1)));
    assertTrue(works(first));

    SideReader second = readers.reader(redis("r", 2));
    assertNotSame(first, second);
    assertTrue(works(second));
    assertTrue(!works(first), "the replaced reader is closed");
  }

  @Test
  void aReadOnAReplacedMySqlReaderEndsAsAFailedSide() {
    DataSource v1 = SqlSideReaderTestBase.sqlDataSource(DataSourceKind.MYSQL, 3306, "root");
    SideReader first = readers.reader(v1);
    Await.result(first.test());
    readers.reader(new DataSource(v1.id(), v1.name(), v1.kind(), v1.host(), v1.port(), v1.database(), v1.user(),
        v1.password(), null, null, null, v1.timeoutMs(), v1.poolSize(), null, null, null, null, null, null, null, v1.createdAt(), v1.updatedAt() + 1));
    SideSpec spec = new SideSpec("m", "information_schema.TABLES", "TABLE_NAME = #{id}", java.util.List.of("TABLE_NAME"),
        null, null, null, null, null, null);
    var read = Await.result(first.read(spec, new dev.tally.model.Event("e", "s", "op", Map.of("id", "x"), null, 0, 0)));
    assertTrue(read.failed());
  }

  @Test
  void invalidateClosesAndForgets() {
    SideReader first = readers.reader(redis("r", 1));
    Await.result(readers.invalidate("r"));
    assertNull(Await.result(readers.invalidate("r")));
    assertNotSame(first, readers.reader(redis("r", 1)));
  }

  @Test
  void createsTheReaderOfEachKind() {
    assertInstanceOf(RedisSideReader.class, readers.reader(redis("r", 1)));
    assertInstanceOf(MySqlSideReader.class, readers.reader(SqlSideReaderTestBase.sqlDataSource(DataSourceKind.MYSQL, 3306, "root")));
    assertInstanceOf(PostgresSideReader.class, readers.reader(SqlSideReaderTestBase.sqlDataSource(DataSourceKind.POSTGRES, 5432, "postgres")
        .withIdentity("pg", 0L, 0L)));
    assertInstanceOf(HttpSideReader.class, readers.reader(new DataSource("h", "h", DataSourceKind.HTTP, null, null,
        null, null, null, null, "http://127.0.0.1:1", null, null, null, null, null, null, null, null, null, null, 0L, 0L)));
  }
}
