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

class MaxwellFormatTest {
  private final MaxwellFormat format = new MaxwellFormat();

  @Test
  void insert() {
    String json = """
        {"database":"test","table":"maxwell","type":"insert","ts":1449786310,"xid":940752,"commit":true,
        "data":{"id":1,"daemon":"Stanislaw Lem","price":12.50}}""";
    RowChange c = format.parse(utf8(json)).get(0);
    assertEquals("test", c.database());
    assertEquals("maxwell", c.table());
    assertEquals("INSERT", c.op());
    assertEquals(1449786310000L, c.occurredAt()); // seconds → millis
    assertEquals(1L, c.data().get("id"));
    assertEquals("Stanislaw Lem", c.data().get("daemon"));
    assertEquals(new BigDecimal("12.50"), c.data().get("price"));
    assertEquals(2, ((BigDecimal) c.data().get("price")).scale());
    assertNull(c.before());
    assertNull(c.id());
  }

  @Test
  void updateOverlaysOld() {
    RowChange c = format.parse(bytes("maxwell/update.json")).get(0);
    assertEquals("UPDATE", c.op());
    assertEquals(1767323045000L, c.occurredAt());
    assertEquals("PAID", c.data().get("status"));
    assertEquals(new BigDecimal("12.50"), c.data().get("amount"));
    Map<String, Object> before = new LinkedHashMap<>();
    before.put("id", 1L);
    before.put("status", "NEW");
    before.put("amount", new BigDecimal("10.00"));
    before.put("updated_at", "2026-01-01 09:00:00");
    before.put("note", null);
    assertEquals(before, c.before());
  }

  @Test
  void updateWithoutOldMeansNothingChanged() {
    String json = text("maxwell/update.json").replaceAll(",\"old\":\\{[^}]*}", "");
    RowChange c = format.parse(utf8(json)).get(0);
    assertEquals(c.data(), c.before());
  }

  @Test
  void deleteAndBootstrapInsert() {
    String delete = """
        {"database":"shop","table":"orders","type":"delete","ts":1767323100,"xid":940790,"commit":true,
        "data":{"id":9,"status":"CANCELLED"}}""";
    RowChange d = format.parse(utf8(delete)).get(0);
    assertEquals("DELETE", d.op());
    assertEquals(9L, d.data().get("id"));
    assertNull(d.before());

    String bootstrap = """
        {"database":"shop","table":"orders","type":"bootstrap-insert","ts":1767323200,"data":{"id":1,"status":"PAID"}}""";
    assertEquals("READ", format.parse(utf8(bootstrap)).get(0).op());
  }

  @Test
  void tsMsWinsAndMillisTsIsNotMultiplied() {
    String tsMs = text("maxwell/update.json").replace("\"ts\":1767323045,", "\"ts\":1767323045,\"ts_ms\":1767323045678,");
    assertEquals(1767323045678L, format.parse(utf8(tsMs)).get(0).occurredAt());
    String millis = text("maxwell/update.json").replace("\"ts\":1767323045,", "\"ts\":1767323045678,");
    assertEquals(1767323045678L, format.parse(utf8(millis)).get(0).occurredAt());
  }

  @Test
  void nonRowTypesAreSkipped() {
    for (String json : List.of(
        "{\"database\":\"shop\",\"table\":\"orders\",\"type\":\"bootstrap-start\",\"ts\":1767323200,\"data\":{}}",
        "{\"database\":\"shop\",\"table\":\"orders\",\"type\":\"bootstrap-complete\",\"ts\":1767323300,\"data\":{}}",
        "{\"type\":\"table-alter\",\"database\":\"shop\",\"table\":\"orders\",\"old\":{\"database\":\"shop\","
            + "\"charset\":\"utf8mb4\",\"table\":\"orders\",\"columns\":[{\"type\":\"bigint\",\"name\":\"id\"}],"
            + "\"primary-key\":[\"id\"]},\"def\":{\"database\":\"shop\",\"charset\":\"utf8mb4\",\"table\":\"orders\","
            + "\"columns\":[{\"type\":\"bigint\",\"name\":\"id\"},{\"type\":\"varchar\",\"name\":\"channel\"}],"
            + "\"primary-key\":[\"id\"]},\"ts\":1767323400000,\"sql\":\"ALTER TABLE orders ADD channel VARCHAR(16)\"}",
        "{\"type\":\"database-create\",\"database\":\"shop2\",\"def\":{\"database\":\"shop2\",\"charset\":\"utf8mb4\"},"
            + "\"ts\":1767323500000,\"sql\":\"CREATE DATABASE shop2\"}")) {
      assertEquals(List.of(), format.parse(utf8(json)), json);
    }
  }

  @Test
  void wrongShapesAreMalformed() {
    String update = text("maxwell/update.json");
    assertMalformed(format, update.replace("\"type\":\"update\",", ""), "maxwell message has no 'type'");
    assertMalformed(format, update.replace("\"database\":\"shop\",", ""), "maxwell message has no 'database'");
    assertMalformed(format, update.replace("\"table\":\"orders\",", ""), "maxwell message has no 'table'");
    assertMalformed(format, update.replaceAll("\"data\":\\{.*?},", ""), "maxwell update has no 'data' object");
    assertMalformed(format, update.replaceAll("\"data\":\\{.*?},", "\"data\":[1],"),
        "maxwell update has no 'data' object, got an array");
    assertMalformed(format, update.replaceAll("\"old\":\\{.*?}", "\"old\":\"x\""), "maxwell 'old' must be an object");
    assertMalformed(format, "\"insert\"", "maxwell message must be a JSON object, got a string");
    assertMalformed(format, update.substring(0, 30), "not JSON");
  }
}
