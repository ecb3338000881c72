package dev.tally.ingest.format;

import static dev.tally.ingest.format.Samples.assertMalformed;
import static dev.tally.ingest.format.Samples.bytes;
import static dev.tally.ingest.format.Samples.text;
import static dev.tally.ingest.format.Samples.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DebeziumFormatTest {
  private final DebeziumFormat format = new DebeziumFormat();

  /** The envelope of mysql-insert-with-schema.json around another payload. */
  private static String withSchema(String payloadJson) {
    String sample = text("debezium/mysql-insert-with-schema.json");
    int at = sample.indexOf(",\"payload\":");
    return sample.substring(0, at) + ",\"payload\":" + payloadJson + "}";
  }

  @Test
  void insertWithSchemaDecodesLogicalTypes() {
    List<RowChange> changes = format.parse(bytes("debezium/mysql-insert-with-schema.json"));

    assertEquals(1, changes.size());
    RowChange c = changes.get(0);
    assertEquals("shop", c.database());
    assertEquals("orders", c.table());
    assertEquals("INSERT", c.op());
    assertNull(c.before());
    assertNull(c.id());
    assertEquals(1767323045000L, c.occurredAt()); // source.ts_ms, not the envelope's ts_ms
    Map<String, Object> d = c.data();
    assertEquals(1001L, d.get("id"));
    assertEquals("PAID", d.get("status"));
    assertEquals(new BigDecimal("12.50"), d.get("amount")); // "BOI=" is 1250 unscaled, scale 2
    assertEquals(2, ((BigDecimal) d.get("amount")).scale());
    assertEquals(new BigDecimal("-12.50"), d.get("refund")); // "+x4=" is -1250: two's complement
    assertEquals("2026-01-02T03:04:05", d.get("updated_at")); // DATETIME: io.debezium.time.Timestamp
    assertEquals("2026-01-02T03:04:05.12345", d.get("settled_at")); // DATETIME(6): MicroTimestamp
    assertEquals("2026-01-02", d.get("created_on")); // DATE
    assertEquals("10:11:12.5", d.get("open_at")); // TIME(1): MicroTime
    assertEquals("2026-01-02T03:04:05Z", d.get("paid_at")); // TIMESTAMP: ZonedTimestamp kept
    assertEquals("{\"gift\": true, \"tags\": [\"a\", \"b\"]}", d.get("attrs")); // JSON column kept as text
    assertEquals(1L, d.get("is_gift"));
    assertTrue(d.containsKey("note"));
    assertNull(d.get("note"));
    assertEquals(List.of("id", "status", "amount", "refund", "updated_at", "settled_at", "created_on", "open_at",
        "paid_at", "attrs", "is_gift", "note"), List.copyOf(d.keySet()));
  }

  @Test
  void updateWithSchemaHasBothRowsAndPrintsSecondsAlways() {
    RowChange c = format.parse(bytes("debezium/mysql-update-with-schema.json")).get(0);

    assertEquals("UPDATE", c.op());
    assertEquals("REFUNDED", c.data().get("status"));
    assertEquals(new BigDecimal("10.00"), c.data().get("amount"));
    assertEquals("2026-01-02T03:04:00", c.data().get("updated_at")); // not "2026-01-02T03:04"
    assertEquals("PAID", c.before().get("status"));
    assertEquals(new BigDecimal("12.50"), c.before().get("amount"));
    assertEquals("2026-01-02T03:04:05", c.before().get("updated_at"));
    assertEquals(1767323040000L, c.occurredAt());
  }

  @Test
  void deleteWithoutSchemaKeepsValuesAndUsesBefore() {
    RowChange c = format.parse(bytes("debezium/mysql-delete-no-schema.json")).get(0);

    assertEquals("DELETE", c.op());
    assertEquals("shop", c.database());
    assertEquals("orders", c.table());
    assertEquals(1001L, c.data().get("id"));
    assertEquals("10.00", c.data().get("amount")); // decimal.handling.mode=string: as written
    assertEquals("2026-01-02T03:04:00Z", c.data().get("updated_at"));
    assertNull(c.before());
    assertEquals(1767323100000L, c.occurredAt());
  }

  @Test
  void snapshotReadWithoutSchema() {
    String json = """
        {"before":null,"after":{"id":7,"price":19.90,"name":"pen"},"source":{"version":"2.7.3.Final","connector":"mysql",
        "name":"shop","ts_ms":1767320000000,"snapshot":"true","db":"shop","sequence":null,"table":"items","server_id":0,
        "gtid":null,"file":"mysql-bin.000003","pos":157,"row":0,"thread":null,"query":null},"op":"r",
        "ts_ms":1767320000123,"transaction":null}""";
    RowChange c = format.parse(utf8(json)).get(0);

    assertEquals("READ", c.op());
    assertEquals("items", c.table());
    assertEquals(Map.of("id", 7L, "price", new BigDecimal("19.90"), "name", "pen"), c.data());
    assertEquals(2, ((BigDecimal) c.data().get("price")).scale()); // the JSON number keeps its scale
  }

  @Test
  void occurredAtFallsBackToEnvelopeTsMs() {
    String json = """
        {"before":null,"after":{"id":1},"source":{"db":"shop","table":"orders"},"op":"c","ts_ms":1767323045999}""";
    assertEquals(1767323045999L, format.parse(utf8(json)).get(0).occurredAt());
    String noTime = """
        {"before":null,"after":{"id":1},"source":{"db":"shop","table":"orders"},"op":"c"}""";
    assertNull(format.parse(utf8(noTime)).get(0).occurredAt());
  }

  @Test
  void moreLogicalTypes() {
    String schemaFields = """
        {"type":"struct","fields":[
          {"type":"struct","optional":true,"field":"after","fields":[
            {"type":"struct","optional":true,"name":"io.debezium.data.VariableScaleDecimal","version":1,"field":"vsd",
             "fields":[{"type":"int32","optional":false,"field":"scale"},{"type":"bytes","optional":false,"field":"value"}]},
            {"type":"int32","optional":true,"name":"io.debezium.time.Time","version":1,"field":"t_ms"},
            {"type":"int64","optional":true,"name":"io.debezium.time.MicroTime","version":1,"field":"t_neg"},
            {"type":"int64","optional":true,"name":"io.debezium.time.MicroTime","version":1,"field":"t_long"},
            {"type":"int64","optional":true,"name":"io.debezium.time.NanoTime","version":1,"field":"t_ns"},
            {"type":"int64","optional":true,"name":"io.debezium.time.NanoTimestamp","version":1,"field":"ts_ns"},
            {"type":"int64","optional":true,"name":"io.debezium.time.Timestamp","version":1,"field":"ts_old"},
            {"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"ts_connect"},
            {"type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Date","version":1,"field":"d_connect"},
            {"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,
             "parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"dec_numeric"},
            {"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,
             "parameters":{"scale":"0"},"field":"dec_int"},
            {"type":"int32","optional":true,"name":"io.debezium.time.Year","version":1,"field":"y"}]},
          {"type":"string","optional":false,"field":"op"}]}""";
    String message = "{\"schema\":" + schemaFields + ",\"payload\":{\"before\":null,\"after\":{"
        + "\"vsd\":{\"scale\":3,\"value\":\"B1vNFQ==\"},"    // 123456789 at scale 3
        + "\"t_ms\":36672000,"                               // 10:11:12
        + "\"t_neg\":-3723000000,"                           // TIME '-01:02:03'
        + "\"t_long\":3020399000000,"                        // TIME '838:59:59'
        + "\"t_ns\":36672000000001,"
        + "\"ts_ns\":1767323045000000100,"
        + "\"ts_old\":-1000,"                                // before the epoch
        + "\"ts_connect\":1767323045000,"
        + "\"d_connect\":20455,"
        + "\"dec_numeric\":12.5,"                            // decimal.format=NUMERIC
        + "\"dec_int\":\"AA==\","
        + "\"y\":2026"
        + "},\"source\":{\"db\":\"shop\",\"table\":\"t\",\"ts_ms\":1},\"op\":\"c\"}}";
    Map<String, Object> d = format.parse(utf8(message)).get(0).data();

    assertEquals(new BigDecimal("123456.789"), d.get("vsd"));
    assertEquals("10:11:12", d.get("t_ms"));
    assertEquals("-01:02:03", d.get("t_neg"));
    assertEquals("838:59:59", d.get("t_long"));
    assertEquals("10:11:12.000000001", d.get("t_ns"));
    assertEquals("2026-01-02T03:04:05.0000001", d.get("ts_ns"));
    assertEquals("1969-12-31T23:59:59", d.get("ts_old"));
    assertEquals("2026-01-02T03:04:05Z", d.get("ts_connect"));
    assertEquals("2026-01-02", d.get("d_connect"));
    assertEquals(new BigDecimal("12.50"), d.get("dec_numeric"));
    assertEquals(BigDecimal.ZERO, d.get("dec_int"));
    assertEquals(2026L, d.get("y"));
  }

  @Test
  void tombstonesAndNonRowMessagesAreEmpty() {
    assertEquals(List.of(), format.parse(null));
    assertEquals(List.of(), format.parse(new byte[0]));
    assertEquals(List.of(), format.parse(utf8("null")));
    assertEquals(List.of(), format.parse(utf8(" \n")));
    assertEquals(List.of(), format.parse(utf8("{\"schema\":null,\"payload\":null}")));
    // heartbeat, with and without the envelope
    assertEquals(List.of(), format.parse(utf8("{\"ts_ms\":1767323045000}")));
    assertEquals(List.of(), format.parse(utf8("{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\","
        + "\"optional\":false,\"field\":\"ts_ms\"}],\"optional\":false,\"name\":\"io.debezium.connector.common.Heartbeat\"},"
        + "\"payload\":{\"ts_ms\":1767323045000}}")));
    // schema change topic
    assertEquals(List.of(), format.parse(bytes("debezium/mysql-schema-change.json")));
    // transaction metadata
    assertEquals(List.of(), format.parse(utf8("{\"status\":\"BEGIN\",\"id\":\"571:53195829\",\"ts_ms\":1486500577125,"
        + "\"event_count\":null,\"data_collections\":null}")));
    // truncate
    assertEquals(List.of(), format.parse(utf8(withSchema("{\"before\":null,\"after\":null,\"source\":{\"db\":\"shop\","
        + "\"table\":\"orders\",\"ts_ms\":1},\"op\":\"t\",\"ts_ms\":2}"))));
  }

  @Test
  void wrongShapesAreMalformed() {
    assertMalformed(format, withSchema("{\"before\":null,\"after\":null,\"source\":{\"db\":\"shop\",\"table\":\"orders\"},"
        + "\"op\":\"c\"}"), "debezium 'c' event has no 'after'");
    assertMalformed(format, "{\"before\":null,\"after\":{\"id\":1},\"source\":{\"db\":\"shop\",\"table\":\"orders\"},"
        + "\"op\":\"d\"}", "debezium 'd' event has no 'before'");
    assertMalformed(format, "{\"after\":{\"id\":1},\"source\":{\"db\":\"shop\",\"table\":\"orders\"}}",
        "debezium message has no 'op'");
    assertMalformed(format, "{\"after\":{\"id\":1},\"source\":{\"db\":\"shop\",\"table\":\"orders\"},\"op\":\"x\"}",
        "unknown op 'x'");
    assertMalformed(format, "{\"after\":{\"id\":1},\"source\":{\"db\":\"shop\",\"table\":\"orders\"},\"op\":1}",
        "'op' must be a string");
    assertMalformed(format, "{\"after\":{\"id\":1},\"op\":\"c\"}", "debezium message has no 'source'");
    assertMalformed(format, "{\"after\":{\"id\":1},\"source\":{\"table\":\"orders\"},\"op\":\"c\"}",
        "debezium source has no 'db'");
    assertMalformed(format, "{\"after\":{\"id\":1},\"source\":{\"db\":\"shop\"},\"op\":\"c\"}",
        "debezium source has no 'table'");
    assertMalformed(format, "{\"after\":[1],\"source\":{\"db\":\"shop\",\"table\":\"orders\"},\"op\":\"c\"}",
        "debezium 'after' must be an object, got an array");
    assertMalformed(format, "[1,2]", "debezium message must be a JSON object, got an array");
    assertMalformed(format, "{\"schema\":{},\"payload\":\"x\"}", "debezium 'payload' must be an object");
    assertMalformed(format, "{\"id\":1,\"name\":\"pen\",\"__deleted\":\"false\"}", "flattened");
  }

  @Test
  void badLogicalValuesNameTheField() {
    String bad = text("debezium/mysql-insert-with-schema.json").replace("\"amount\":\"BOI=\"", "\"amount\":\"@@@\"");
    assertMalformed(format, bad, "debezium field 'amount' (org.apache.kafka.connect.data.Decimal): not base64");
    String text = text("debezium/mysql-insert-with-schema.json").replace("\"updated_at\":1767323045000",
        "\"updated_at\":\"2026-01-02 03:04:05\"");
    assertMalformed(format, text, "debezium field 'updated_at' (io.debezium.time.Timestamp): expected an integer, got a string");
  }

  @Test
  void notJson() {
    String sample = text("debezium/mysql-insert-with-schema.json");
    assertMalformed(format, sample.substring(0, 57), "not JSON: Unexpected end-of-input");
    assertMalformed(format, sample.substring(0, 57), "at line 1 column 58");
    assertMalformed(format, new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, 0x01}, "not JSON");
    assertMalformed(format, new byte[] {0, 0, 0, 0, 7, 2, 'i', 'd'}, "not JSON: binary payload starting with byte 0x00");
    assertMalformed(format, "garbage", "not JSON: Unrecognized token 'garbage'");
    assertMalformed(format, "{\"op\":\"c\"} {}", "not JSON");
  }
}
