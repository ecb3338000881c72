package dev.tally.ingest.binlog;

import static dev.tally.store.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.config.TallyConfig;
import dev.tally.store.BinlogPositionRepository;
import dev.tally.store.BinlogPositionRepository.Position;
import dev.tally.store.BothStoresTest;
import dev.tally.store.StoreFixture;
import io.vertx.sqlclient.Pool;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same repository code against both store kinds (H2, and MariaDB on 127.0.0.1:3306). */
class BinlogPositionRepositoryTest extends BothStoresTest {
  static Stream<TallyConfig.Store> stores() throws Exception {
    return Stream.of(StoreFixture.h2(), StoreFixture.mysql("tally_test_binlog_positions"));
  }

  @ParameterizedTest
  @MethodSource("stores")
  void savesReplacesAndForgetsThePositionOfEachEventSource(TallyConfig.Store cfg) throws Exception {
    Pool pool = StoreFixture.open(vertx, cfg);
    try {
      BinlogPositionRepository positions = new BinlogPositionRepository(pool);
      assertNull(await(positions.get("es-1")));

      await(positions.save("es-1", new Position("mysql-bin.000001", 4)));
      await(positions.save("es-2", new Position("mysql-bin.000007", 123)));
      assertEquals(new Position("mysql-bin.000001", 4), await(positions.get("es-1")));

      await(positions.save("es-1", new Position("mysql-bin.000002", 5_000_000_000L)));
      assertEquals(new Position("mysql-bin.000002", 5_000_000_000L), await(positions.get("es-1")));
      assertEquals(new Position("mysql-bin.000007", 123), await(positions.get("es-2")));

      await(positions.delete("es-1"));
      assertNull(await(positions.get("es-1")));
      assertEquals(new Position("mysql-bin.000007", 123), await(positions.get("es-2")));
    } finally {
      await(pool.close());
    }
  }

  @Test
  void aPositionNeedsAFileAndNoNegativeOffset() {
    assertThrows(IllegalArgumentException.class, () -> new Position("", 4));
    assertThrows(IllegalArgumentException.class, () -> new Position(null, 4));
    assertThrows(IllegalArgumentException.class, () -> new Position("mysql-bin.000001", -1));
  }
}
