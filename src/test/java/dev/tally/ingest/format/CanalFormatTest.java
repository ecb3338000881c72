package dev.tally.ingest.format;

import static dev.tally.ingest.format.Samples.assertMalformed;
import static dev.tally.ingest.format.Samples.bytes;
import static dev.tally.ingest.format.Samples.text;
import static dev.tally.ingest.format.Samples.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanalFormatTest {
  private final CanalFormat format = new CanalFormat();

  @Test
  void multiRowInsertTypesValuesByMysqlType() {
    List<RowChange> changes = format.parse(bytes("canal/insert-multi-row.json"));

    assertEquals(2, changes.size());
    RowChange first = changes.get(0);
    assertEquals("shop", first.database());
    assertEquals("orders", first.table());
    assertEquals("INSERT", first.op());
    assertNull(first.before());
    assertNull(first.id());
    assertEquals(1767323045000L, first.occurredAt()); // es, not ts
    Map<String, Object> d = first.data();
    assertEquals(1L, d.get("id"));                                   // bigint(20)
    assertEquals("PAID", d.get("status"));                            // varchar
    assertEquals(new BigDecimal("12.50"), d.get("amount"));          // decimal(10,2), scale kept
    assertEquals(2, ((BigDecimal) d.get("amount")).scale());
    assertEquals(new BigDecimal("5.18"), d.get("weight"));           // double
    assertEquals(3L, d.get("qty"));                                  // int unsigned
    assertEquals(new BigDecimal("18446744073709551615"), d.get("big")); // bigint unsigned beyond Long
    assertEquals(1L, d.get("flag"));                                 // tinyint(1)
    assertEquals(5L, d.get("bits"));                                 // bit(3)
    assertEquals("2026-01-02 03:04:05", d.get("created_at"));        // datetime stays text
    assertEquals("2026-01-02", d.get("created_on"));
    assertEquals("{\"gift\":true}", d.get("attrs"));                 // json stays text
    assertNull(d.get("note"));
    assertEquals(List.of("id", "status", "amount", "weight", "qty", "big", "flag", "bits", "created_at",
        "created_on", "attrs", "note"), List.copyOf(d.keySet()));

    RowChange second = changes.get(1);
    assertEquals(2L, second.data().get("id"));
    assertEquals(new BigDecimal("-0.10"), second.data().get("amount"));
    assertEquals(new BigDecimal("0.000010"), second.data().get("weight"));
    assertEquals(0L, second.data().get("flag"));
    assertEquals("second row", second.data().get("note"));
  }

  @Test
  void updateOverlaysOldOnEachRow() {
    List<RowChange> changes = format.parse(bytes("canal/update.json"));

    assertEquals(2, changes.size());
    RowChange first = changes.get(0);
    assertEquals("UPDATE", first.op());
    assertEquals("PAID", first.data().get("status"));
    assertEquals(new BigDecimal("12.50"), first.data().get("amount"));
    Map<String, Object> before = new LinkedHashMap<>();
    before.put("id", 1L);
    before.put("status", "NEW");
    before.put("amount", new BigDecimal("10.00"));
    before.put("updated_at", "2026-01-01 09:00:00");
    assertEquals(before, first.before());

    RowChange second = changes.get(1);
    assertEquals(2L, second.before().get("id"));
    assertEquals("NEW", second.before().get("status"));
    assertEquals(new BigDecimal("7.00"), second.before().get("amount")); // unchanged: from data
    assertEquals("2026-01-01 09:30:00", second.before().get("updated_at"));
  }

  @Test
  void updateWithoutPairedOldHasNoBefore() {
    // Canal before 1.1.5 left out empty old entries, so old no longer pairs with data by index
    String unpaired = text("canal/update.json").replace(
        "[{\"status\":\"NEW\",\"amount\":\"10.00\",\"updated_at\":\"2026-01-01 09:00:00\"},", "[");
    for (RowChange c : format.parse(utf8(unpaired))) assertNull(c.before());
    String noOld = text("canal/update.json").replaceAll("\"old\":\\[.*?}\\],", "\"old\":null,");
    assertEquals(2, format.parse(utf8(noOld)).size());
    assertNull(format.parse(utf8(noOld)).get(0).before());
  }

  @Test
  void deleteCarriesTheDeletedRow() {
    String json = """
        {"data":[{"id":"9","status":"CANCELLED","amount":"3.30"}],"database":"shop","es":1767323100000,"gtid":"",
        "id":6,"isDdl":false,"mysqlType":{"id":"bigint(20)","status":"varchar(20)","amount":"decimal(10,2)"},
        "old":null,"pkNames":["id"],"sql":"","sqlType":{"id":-5,"status":12,"amount":3},"table":"orders",
        "ts":1767323100200,"type":"DELETE"}""";
    RowChange c = format.parse(utf8(json)).get(0);
    assertEquals("DELETE", c.op());
    assertEquals(9L, c.data().get("id"));
    assertEquals(new BigDecimal("3.30"), c.data().get("amount"));
    assertNull(c.before());
  }

  @Test
  void ddlAndOtherTypesAreSkipped() {
    assertEquals(List.of(), format.parse(bytes("canal/ddl.json")));
    assertEquals(List.of(), format.parse(utf8("{\"data\":null,\"database\":\"shop\",\"es\":1767323200000,\"id\":0,"
        + "\"isDdl\":false,\"mysqlType\":null,\"old\":null,\"pkNames\":null,\"sql\":\"\",\"sqlType\":null,"
        + "\"table\":\"\",\"ts\":1767323200000,\"type\":\"QUERY\"}")));
    assertEquals(List.of(), format.parse(null));
  }

  @Test
  void timesInSecondsAndFallbackToTs() {
    String seconds = text("canal/update.json").replace("\"es\":1767323045000", "\"es\":1767323045");
    assertEquals(1767323045000L, format.parse(utf8(seconds)).get(0).occurredAt());
    String noEs = text("canal/update.json").replace("\"es\":1767323045000,", "");
    assertEquals(1767323045400L, format.parse(utf8(noEs)).get(0).occurredAt());
  }

  @Test
  void withoutMysqlTypeValuesStayText() {
    String json = text("canal/update.json").replaceAll("\"mysqlType\":\\{.*?},", "\"mysqlType\":null,");
    RowChange c = format.parse(utf8(json)).get(0);
    assertEquals("1", c.data().get("id"));
    assertEquals("12.50", c.data().get("amount"));
  }

  @Test
  void upperCaseMysqlTypesAsInFlinkDocs() {
    String json = """
        {"data":[{"id":"111","name":"scooter","description":"Big 2-wheel scooter","weight":"5.18"}],
        "database":"inventory","es":1589373560000,"id":9,"isDdl":false,
        "mysqlType":{"id":"INTEGER","name":"VARCHAR(255)","description":"VARCHAR(512)","weight":"FLOAT"},
        "old":[{"weight":"5.15"}],"pkNames":["id"],"sql":"","sqlType":{"id":4,"name":12,"description":12,"weight":7},
        "table":"products","ts":1589373560798,"type":"UPDATE"}""";
    RowChange c = format.parse(utf8(json)).get(0);
    assertEquals(111L, c.data().get("id"));
    assertEquals(new BigDecimal("5.18"), c.data().get("weight"));
    assertEquals(new BigDecimal("5.15"), c.before().get("weight"));
    assertEquals("scooter", c.before().get("name"));
  }

  @Test
  void wrongShapesAreMalformed() {
    String update = text("canal/update.json");
    assertMalformed(format, update.replaceAll("\"data\":\\[.*?}\\],", ""), "canal message has no 'data' array");
    assertMalformed(format, update.replaceAll("\"data\":\\[.*?}\\],", "\"data\":null,"), "canal message has no 'data' array");
    assertMalformed(format, update.replaceAll("\"data\":\\[.*?}\\],", "\"data\":{\"id\":\"1\"},"),
        "canal 'data' must be an array, got an object");
    assertMalformed(format, update.replaceAll("\"data\":\\[.*?}\\],", "\"data\":[\"1\"],"),
        "canal data[0] must be an object, got a string");
    assertMalformed(format, update.replace("\"database\":\"shop\",", ""), "canal message has no 'database'");
    assertMalformed(format, update.replace("\"table\":\"orders\",", ""), "canal message has no 'table'");
    assertMalformed(format, update.replace("\"type\":\"UPDATE\"", "\"type\":null"), "canal message has no 'type'");
    assertMalformed(format, update.replace("\"amount\":\"12.50\"", "\"amount\":\"12,50\""),
        "canal column 'amount' (decimal(10,2)) has a non-numeric value '12,50'");
    assertMalformed(format, update.replace("\"id\":\"2\"", "\"id\":\"two\""),
        "canal column 'id' (bigint(20)) has a non-numeric value 'two'");
    assertMalformed(format, update.replace("\"es\":1767323045000", "\"es\":\"yesterday\""),
        "canal message 'es' must be an integer");
    assertMalformed(format, "[" + update + "]", "canal message must be a JSON object");
    assertMalformed(format, update.substring(0, update.length() - 20), "not JSON: Unexpected end-of-input");
    // a protobuf (non-flat) Canal message
    assertMalformed(format, new byte[] {0x08, 0x01, 0x12, 0x04, 's', 'h', 'o', 'p'}, "not JSON");
  }
}
