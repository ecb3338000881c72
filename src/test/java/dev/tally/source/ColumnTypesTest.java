package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColumnTypesTest {
  private static final SqlColumn ID = new SqlColumn("id", "bigint", "bigint(20)");
  private static final SqlColumn UNSIGNED = new SqlColumn("id", "bigint", "bigint(20) unsigned");
  private static final SqlColumn FLAG = new SqlColumn("flag", "tinyint", "tinyint(1)");
  private static final SqlColumn AMOUNT = new SqlColumn("amount", "decimal", "decimal(10,2)");
  private static final SqlColumn CREATED = new SqlColumn("created", "datetime", "datetime");
  private static final SqlColumn CODE = new SqlColumn("code", "varchar", "varchar(32)");

  @Test
  void integerColumnsTakeIntegersAndIntegerText() {
    assertEquals(42L, ColumnTypes.coerce("id", 42, ID));
    assertEquals(42L, ColumnTypes.coerce("id", "42", ID));
    assertEquals(-7L, ColumnTypes.coerce("id", " -7 ", ID));
    assertEquals(42L, ColumnTypes.coerce("id", new BigDecimal("42.0"), ID));
    assertEquals(42L, ColumnTypes.coerce("id", 42.0d, ID));
    assertEquals(1L, ColumnTypes.coerce("flag", true, FLAG));
    assertEquals("18446744073709551615", ColumnTypes.coerce("id", new BigInteger("18446744073709551615"), UNSIGNED));
  }

  @Test
  void integerColumnsRefuseAnythingElseInsteadOfMySqlsSilentCast() {
    var e = assertThrows(ColumnTypes.BadValueException.class, () -> ColumnTypes.coerce("id", "1 OR 1=1", ID));
    assertEquals("variable 'id' value '1 OR 1=1' is not a valid bigint for column id", e.getMessage());
    for (Object bad : List.of(4.5d, new BigDecimal("4.5"), "4.5", "", "0x10", "1e3", Map.of("a", 1))) {
      assertThrows(ColumnTypes.BadValueException.class, () -> ColumnTypes.coerce("id", bad, ID), String.valueOf(bad));
    }
  }

  @Test
  void decimalColumnsTakeNumbersAndNumericText() {
    assertEquals(new BigDecimal("12.50"), ColumnTypes.coerce("amount", "12.50", AMOUNT));
    assertEquals(new BigDecimal("12.5"), ColumnTypes.coerce("amount", 12.5d, AMOUNT));
    assertEquals(new BigDecimal("3"), ColumnTypes.coerce("amount", 3, AMOUNT));
    assertThrows(ColumnTypes.BadValueException.class, () -> ColumnTypes.coerce("amount", "12.5 OR 1=1", AMOUNT));
    assertThrows(ColumnTypes.BadValueException.class, () -> ColumnTypes.coerce("amount", Double.NaN, AMOUNT));
    assertThrows(ColumnTypes.BadValueException.class, () -> ColumnTypes.coerce("amount", true, AMOUNT));
  }

  @Test
  void temporalAndTextColumnsTakeStrings() {
    assertEquals("2026-01-02 03:04:05", ColumnTypes.coerce("ts", "2026-01-02 03:04:05", CREATED));
    assertEquals("42", ColumnTypes.coerce("code", 42, CODE));
    assertEquals("1' OR '1'='1", ColumnTypes.coerce("code", "1' OR '1'='1", CODE));
    assertEquals("12.50", ColumnTypes.coerce("code", new BigDecimal("12.50"), CODE));
    assertEquals("{\"a\":1}", ColumnTypes.coerce("code", Map.of("a", 1), CODE));
  }

  @Test
  void nullStaysNullAndUnknownColumnKeepsScalars() {
    assertNull(ColumnTypes.coerce("id", null, ID));
    assertEquals("x", ColumnTypes.coerce("v", "x", null));
    assertEquals(5L, ColumnTypes.coerce("v", 5L, null));
    assertEquals("[1,2]", ColumnTypes.coerce("v", List.of(1, 2), null));
  }
}
