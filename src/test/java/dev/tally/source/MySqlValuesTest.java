package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MySqlValuesTest {
  private static final SqlColumn DECIMAL = new SqlColumn("amount", "decimal", "decimal(10,2)");
  private static final SqlColumn UNSIGNED = new SqlColumn("id", "bigint", "bigint(20) unsigned");

  @Test
  void numbers() {
    assertEquals(new BigDecimal("12.50"), MySqlValues.normalize(Numeric.parse("12.50"), DECIMAL));
    assertEquals(42L, MySqlValues.normalize(Numeric.parse("42"), UNSIGNED));
    assertEquals(new BigDecimal("18446744073709551615"), MySqlValues.normalize(Numeric.parse("18446744073709551615"), UNSIGNED));
    assertEquals(1, MySqlValues.normalize((byte) 1, null));
    assertEquals(1.1d, MySqlValues.normalize(1.1f, null));
  }

  @Test
  void temporalsAsIso8601AlwaysWithSeconds() {
    assertEquals("2026-01-02T03:04:05", MySqlValues.normalize(LocalDateTime.of(2026, 1, 2, 3, 4, 5), null));
    assertEquals("2026-01-02T03:04:00", MySqlValues.normalize(LocalDateTime.of(2026, 1, 2, 3, 4), null));
    assertEquals("2026-01-02T03:04:05.25", MySqlValues.normalize(LocalDateTime.of(2026, 1, 2, 3, 4, 5, 250_000_000), null));
    assertEquals("2026-01-02", MySqlValues.normalize(LocalDate.of(2026, 1, 2), null));
    assertEquals("03:04:00", MySqlValues.normalize(LocalTime.of(3, 4), null));
    assertEquals("2026-01-02T03:04:05Z", MySqlValues.normalize(OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC), null));
    assertEquals("-25:01:02.5", MySqlValues.normalize(Duration.ofHours(-25).minusMinutes(1).minusSeconds(2).minusMillis(500), null));
  }

  @Test
  void binaryAndJson() {
    assertEquals("héllo", MySqlValues.normalize(Buffer.buffer("héllo"), null));
    assertEquals("{\"a\":1}", MySqlValues.normalize(new JsonObject().put("a", 1), null));
  }
}
