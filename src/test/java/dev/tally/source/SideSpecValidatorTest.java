package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.model.DataSourceKind;
import dev.tally.model.SideSpec;
import dev.tally.model.ValidationException;
import dev.tally.model.ValueType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SideSpecValidatorTest {
  private static SideSpec mysql(String table, String where, List<String> fields) {
    return new SideSpec("ds", table, where, fields, null, null, null, null, null, null);
  }

  private static SideSpec redis(String key, ValueType type, String jsonPath) {
    return new SideSpec("ds", null, null, null, key, type, null, null, null, jsonPath);
  }

  private static SideSpec http(String method, String url, String body, String jsonPath) {
    return new SideSpec("ds", null, null, null, null, null, method, url, body, jsonPath);
  }

  private static SideSpec es(String index, String id, Map<String, Object> query, List<String> fields) {
    return new SideSpec("ds", null, null, fields, null, null, null, null, null, null, index, id, query, null, null);
  }

  private static String failingField(DataSourceKind kind, SideSpec spec, String prefix) {
    return assertThrows(ValidationException.class, () -> SideSpecValidator.validate(kind, spec, prefix)).field();
  }

  @Test
  void acceptsGoodSides() {
    assertDoesNotThrow(() -> SideSpecValidator.validate(DataSourceKind.MYSQL,
        mysql("shop.orders", "id = #{id}", List.of("id", "amount")), "left"));
    assertDoesNotThrow(() -> SideSpecValidator.validate(DataSourceKind.REDIS, redis("order:#{id}", ValueType.JSON, "$.order"), "right"));
    assertDoesNotThrow(() -> SideSpecValidator.validate(DataSourceKind.REDIS, redis("order:#{id}", ValueType.HASH, null), "right"));
    assertDoesNotThrow(() -> SideSpecValidator.validate(DataSourceKind.HTTP, http(null, "/orders/#{id}", null, "$.data"), "right"));
    assertDoesNotThrow(() -> SideSpecValidator.validate(DataSourceKind.HTTP,
        http("post", "https://api.example.com/q", "{\"id\": #{id}}", null), "right"));
  }

  @Test
  void mysqlErrorsNameTheField() {
    assertEquals("left.table", failingField(DataSourceKind.MYSQL, mysql(null, "id = #{id}", List.of("id")), "left"));
    assertEquals("left.table", failingField(DataSourceKind.MYSQL, mysql("orders; x", "id = #{id}", List.of("id")), "left"));
    assertEquals("left.table", failingField(DataSourceKind.MYSQL, mysql("a.b.c", "id = #{id}", List.of("id")), "left"));
    assertEquals("left.where", failingField(DataSourceKind.MYSQL, mysql("orders", " ", List.of("id")), "left"));
    assertEquals("left.where", failingField(DataSourceKind.MYSQL, mysql("orders", "id = #{id}; --", List.of("id")), "left"));
    assertEquals("left.where", failingField(DataSourceKind.MYSQL, mysql("orders", "id = '#{id}'", List.of("id")), "left"));
    assertEquals("left.fields", failingField(DataSourceKind.MYSQL, mysql("orders", "id = #{id}", List.of()), "left"));
    assertEquals("left.fields[2]",
        failingField(DataSourceKind.MYSQL, mysql("orders", "id = #{id}", List.of("id", "amount", "a`b")), "left"));
  }

  @Test
  void redisErrorsNameTheField() {
    assertEquals("right.key", failingField(DataSourceKind.REDIS, redis("", ValueType.STRING, null), "right"));
    assertEquals("right.valueType", failingField(DataSourceKind.REDIS, redis("k:#{id}", null, null), "right"));
    assertEquals("right.jsonPath", failingField(DataSourceKind.REDIS, redis("k:#{id}", ValueType.HASH, "$.a"), "right"));
    assertEquals("right.jsonPath", failingField(DataSourceKind.REDIS, redis("k:#{id}", ValueType.JSON, "$..a"), "right"));
  }

  @Test
  void httpErrorsNameTheField() {
    assertEquals("left.url", failingField(DataSourceKind.HTTP, http(null, null, null, null), "left"));
    assertEquals("left.url", failingField(DataSourceKind.HTTP, http(null, "ftp://x/#{id}", null, null), "left"));
    assertEquals("left.method", failingField(DataSourceKind.HTTP, http("DELETE", "/x", null, null), "left"));
    assertEquals("left.body", failingField(DataSourceKind.HTTP, http("GET", "/x", "{}", null), "left"));
    assertEquals("left.jsonPath", failingField(DataSourceKind.HTTP, http(null, "/x", null, "$.a["), "left"));
  }

  @Test
  void acceptsGoodElasticsearchSides() {
    assertDoesNotThrow(() -> SideSpecValidator.validate(DataSourceKind.ELASTICSEARCH, es("orders", "#{id}", null, List.of()), "right"));
    assertDoesNotThrow(() -> SideSpecValidator.validate(DataSourceKind.ELASTICSEARCH,
        es("shop-orders.v2", null, Map.of("term", Map.of("sku", "#{sku}")), List.of("sku", "ship.city")), "right"));
  }

  @Test
  void elasticsearchErrorsNameTheField() {
    assertEquals("right.index", failingField(DataSourceKind.ELASTICSEARCH, es(null, "#{id}", null, List.of()), "right"));
    for (String bad : List.of("Orders", "_orders", "-o", "a/b", "a,b", "a*", "a b", "a:b", "a#b", "..", "x".repeat(256))) {
      assertEquals("right.index", failingField(DataSourceKind.ELASTICSEARCH, es(bad, "#{id}", null, List.of()), "right"), bad);
    }
    assertEquals("right.id", failingField(DataSourceKind.ELASTICSEARCH, es("o", null, null, List.of()), "right"));
    assertEquals("right.id", failingField(DataSourceKind.ELASTICSEARCH, es("o", "#{id}", Map.of("match_all", Map.of()), List.of()), "right"));
    assertEquals("right.query", failingField(DataSourceKind.ELASTICSEARCH, es("o", null, Map.of(), List.of()), "right"));
    assertEquals("right.fields[1]", failingField(DataSourceKind.ELASTICSEARCH, es("o", "#{id}", null, List.of("a", "b,c")), "right"));
    SideSpec withTable = new SideSpec("ds", "orders", null, null, null, null, null, null, null, null, "o", "#{id}", null, null, null);
    assertEquals("right.table", failingField(DataSourceKind.ELASTICSEARCH, withTable, "right"));
    SideSpec withWhere = new SideSpec("ds", null, "id = #{id}", null, null, null, null, null, null, null, "o", "#{id}", null, null, null);
    assertEquals("right.where", failingField(DataSourceKind.ELASTICSEARCH, withWhere, "right"));
    SideSpec withKey = new SideSpec("ds", null, null, null, "k:#{id}", null, null, null, null, null, "o", "#{id}", null, null, null);
    assertEquals("right.key", failingField(DataSourceKind.ELASTICSEARCH, withKey, "right"));
    SideSpec withUrl = new SideSpec("ds", null, null, null, null, null, null, "/x", null, null, "o", "#{id}", null, null, null);
    assertEquals("right.url", failingField(DataSourceKind.ELASTICSEARCH, withUrl, "right"));
  }

  @Test
  void emptyPrefixGivesBareFieldNames() {
    assertEquals("key", failingField(DataSourceKind.REDIS, redis(null, ValueType.STRING, null), ""));
  }

  private static SideSpec list(String table, List<String> fields, Boolean list, String rowKey) {
    return new SideSpec("ds", table, "order_id = #{id}", fields, null, null, null, null, null, null, null, null, null, list, rowKey);
  }

  @Test
  void postgresSidesAreValidatedLikeMySqlWithoutDollarSyntax() {
    assertDoesNotThrow(() -> SideSpecValidator.validate(DataSourceKind.POSTGRES,
        mysql("public.orders", "id = #{id} AND status <> 'gone'", List.of("id", "amount")), "left"));
    assertEquals("left.where", failingField(DataSourceKind.POSTGRES, mysql("orders", "id = $1", List.of("id")), "left"));
    assertEquals("left.where", failingField(DataSourceKind.POSTGRES, mysql("orders", "id = #{id}; drop", List.of("id")), "left"));
    assertEquals("left.table", failingField(DataSourceKind.POSTGRES, mysql("a.b.c", "id = #{id}", List.of("id")), "left"));
    assertEquals("left.fields[0]", failingField(DataSourceKind.POSTGRES, mysql("orders", "id = #{id}", List.of("a\"b")), "left"));
  }

  @Test
  void aRefusedWhereNamesTheSideAndSaysWhatAndWhere() {
    for (DataSourceKind kind : List.of(DataSourceKind.MYSQL, DataSourceKind.POSTGRES)) {
      ValidationException e = assertThrows(ValidationException.class, () -> SideSpecValidator.validate(kind,
          mysql("orders", "id = #{id} OR SLEEP(5) = 0", List.of("id")), "right"));
      assertEquals("right.where", e.field());
      assertEquals("function 'SLEEP' is not allowed (allowed: ABS, CHAR_LENGTH, COALESCE, DATE, LOWER, TRIM, UPPER)"
          + " at offset 14", e.getMessage());
    }
  }

  @Test
  void listSidesNeedARowKeyAndASqlSource() {
    assertDoesNotThrow(() -> SideSpecValidator.validate(DataSourceKind.MYSQL, list("lines", List.of("sku", "qty"), true, "line_no"), "left"));
    assertDoesNotThrow(() -> SideSpecValidator.validate(DataSourceKind.POSTGRES, list("lines", List.of("line_no", "qty"), true, "line_no"), "right"));
    assertEquals("left.rowKey", failingField(DataSourceKind.MYSQL, list("lines", List.of("qty"), true, null), "left"));
    assertEquals("left.rowKey", failingField(DataSourceKind.MYSQL, list("lines", List.of("qty"), true, "no-name"), "left"));
    assertEquals("left.rowKey", failingField(DataSourceKind.MYSQL, list("lines", List.of("qty"), null, "line_no"), "left"));
    assertEquals("right.list", failingField(DataSourceKind.REDIS,
        new SideSpec("ds", null, null, null, "k:#{id}", ValueType.JSON, null, null, null, null, null, null, null, true, "id"), "right"));
  }

  @Test
  void bothSidesListsOrNeither() {
    SideSpec single = mysql("orders", "id = #{id}", List.of("id"));
    SideSpec many = list("lines", List.of("qty"), true, "line_no");
    assertDoesNotThrow(() -> SideSpecValidator.validatePair(many, many));
    assertDoesNotThrow(() -> SideSpecValidator.validatePair(single, single));
    assertEquals("right.list", assertThrows(ValidationException.class, () -> SideSpecValidator.validatePair(many, single)).field());
    assertEquals("left.list", assertThrows(ValidationException.class, () -> SideSpecValidator.validatePair(single, many)).field());
  }
}
