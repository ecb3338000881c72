package dev.tally.ingest.format;

import static dev.tally.ingest.format.Samples.assertMalformed;
import static dev.tally.ingest.format.Samples.bytes;
import static dev.tally.ingest.format.Samples.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeFormatTest {
  private final NativeFormat format = new NativeFormat();

  @Test
  void single() {
    RowChange c = format.parse(utf8("{\"op\":\"UPDATE\",\"data\":{\"id\":1}}")).get(0);
    assertEquals("UPDATE", c.op());
    assertEquals(Map.of("id", 1L), c.data());
    assertNull(c.before());
    assertNull(c.id());
    assertNull(c.occurredAt());
    assertNull(c.database());
    assertNull(c.table());
  }

  @Test
  void array() {
    List<RowChange> changes = format.parse(bytes("native/batch.json"));
    assertEquals(3, changes.size());

    RowChange first = changes.get(0);
    assertEquals("evt-1", first.id());
    assertEquals("UPDATE", first.op());
    assertEquals(new BigDecimal("12.50"), first.data().get("amount"));
    assertEquals(new BigDecimal("10.00"), first.before().get("amount"));
    assertEquals(1767323045000L, first.occurredAt());
    assertEquals("shop", first.database());
    assertEquals("orders", first.table());

    RowChange second = changes.get(1);
    assertEquals("42", second.id());
    assertEquals("DELETE", second.op());
    assertEquals(1767323045000L, second.occurredAt());

    RowChange third = changes.get(2);
    assertEquals("price-changed", third.op()); // the producer's own name, as written
    assertEquals(List.of("x", "y"), third.data().get("tags"));
    assertEquals(Map.of("n", new BigDecimal("18446744073709551616")), third.data().get("meta"));

    assertEquals(List.of(), format.parse(utf8("[]")));
  }

  @Test
  void occurredAtWithOffset() {
    RowChange c = format.parse(utf8("{\"op\":\"INSERT\",\"data\":{},\"occurredAt\":\"2026-01-02T11:04:05+08:00\"}")).get(0);
    assertEquals(1767323045000L, c.occurredAt());
  }

  @Test
  void wrongShapesAreMalformed() {
    assertMalformed(format, "{\"op\":\"INSERT\",\"data\":{},\"extra\":1}",
        "native event has unknown field 'extra' (known: id, op, data, before, occurredAt, database, table)");
    assertMalformed(format, "[{\"op\":\"INSERT\",\"data\":{}},{\"op\":\"INSERT\",\"data\":{},\"Op\":1}]",
        "native event [1] has unknown field 'Op'");
    assertMalformed(format, "{\"data\":{}}", "native event needs 'op'");
    assertMalformed(format, "{\"op\":\" \",\"data\":{}}", "native event needs 'op'");
    assertMalformed(format, "{\"op\":\"INSERT\"}", "native event needs 'data'");
    assertMalformed(format, "{\"op\":\"INSERT\",\"data\":[1]}", "native event needs 'data', an object with the row's fields; got an array");
    assertMalformed(format, "{\"op\":\"INSERT\",\"data\":{},\"before\":1}", "native event 'before' must be an object or null");
    assertMalformed(format, "{\"op\":\"INSERT\",\"data\":{},\"occurredAt\":\"yesterday\"}", "native event 'occurredAt' is not a time");
    assertMalformed(format, "{\"op\":\"INSERT\",\"data\":{},\"occurredAt\":\"2026-01-02T03:04:05\"}", "'occurredAt' is not a time");
    assertMalformed(format, "{\"op\":\"INSERT\",\"data\":{},\"id\":{}}", "native event 'id' must be a string or integer");
    assertMalformed(format, "{\"op\":\"INSERT\",\"data\":{},\"id\":\"" + "x".repeat(129) + "\"}", "'id' must be a string or integer");
    assertMalformed(format, "{\"op\":\"INSERT\",\"data\":{},\"table\":5}", "native event 'table' must be a string, got a number");
    assertMalformed(format, "[1]", "native event [0] must be a JSON object, got a number");
    assertMalformed(format, "true", "native event must be a JSON object or an array of them, got a boolean");
    assertMalformed(format, "{\"op\":\"INSERT\",\"data\":{\"id\":1}", "not JSON: Unexpected end-of-input");
  }
}
