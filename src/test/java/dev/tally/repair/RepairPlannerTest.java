package dev.tally.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.compare.EntityDiffer;
import dev.tally.model.ComparatorKind;
import dev.tally.model.DataSourceKind;
import dev.tally.model.Event;
import dev.tally.model.FieldPair;
import dev.tally.model.Json;
import dev.tally.model.RepairPlan;
import dev.tally.model.RepairPlan.Operation;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import dev.tally.model.Status;
import dev.tally.model.Task;
import dev.tally.model.ValueType;
import dev.tally.model.Verdict;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each target kind and case, with the diffs the real differ makes from both sides. */
class RepairPlannerTest {
  private static final String EVIL = "x'); DROP TABLE orders; --";
  private static final Event EVENT = new Event("e1", "src", "UPDATE", Map.of("id", 7L), null, 0, 0);
  private static final SideSpec LEFT = sql("db", "orders", "id = #{id}", List.of("id", "status", "amount"));
  private static final Map<String, Object> ROW = row("id", 7L, "status", EVIL, "amount", new BigDecimal("12.50"));
  private static final List<FieldPair> PAIRS = List.of(FieldPair.of("status", "status", ComparatorKind.EXACT),
      FieldPair.of("amount", "amount", ComparatorKind.DECIMAL));

  private static Map<String, Object> row(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  private static SideSpec sql(String ds, String table, String where, List<String> fields) {
    return new SideSpec(ds, table, where, fields, null, null, null, null, null, null);
  }

  private static SideSpec redis(String key, ValueType type, String jsonPath) {
    return new SideSpec("cache", null, null, null, key, type, null, null, null, jsonPath);
  }

  private static SideSpec es(String index, String id, List<String> fields) {
    return new SideSpec("search", null, null, fields, null, null, null, null, null, null, index, id, null, null, null);
  }

  private static Task task(SideSpec right, List<FieldPair> pairs) {
    return new Task("t", "t", "src", null, true, LEFT, right, pairs, null, null, null, null, null, 0, 0);
  }

  private static SideRead left() {
    return SideRead.found(ROW, "SELECT ...", List.of(7L), 1);
  }

  /** Plans from what the differ concludes, as the compare verticle does. */
  private static RepairPlan plan(Task task, DataSourceKind kind, SideRead left, SideRead right) {
    Verdict verdict = EntityDiffer.diff(task.compare(), left, right);
    assertEquals(Status.FAIL, verdict.status());
    return RepairPlanner.plan(task, kind, EVENT, left, right, verdict.diffs());
  }

  private static Operation only(RepairPlan plan) {
    assertTrue(plan.derived(), "no plan: " + plan.reason());
    assertEquals(1, plan.operations().size(), plan.operations().toString());
    Operation op = plan.operations().get(0);
    assertFalse(op.text().contains("DROP"), "a value is spliced into " + op.text());
    assertEquals(op.text().chars().filter(c -> c == '?').count(), op.values().size(), "one value per ? in " + op.text());
    return op;
  }

  // ---------------------------------------------------------------- MySQL / PostgreSQL

  @Test
  void mysqlMismatchIsAnUpdateOfTheDifferingColumnsWithTheSidesWhere() {
    Task task = task(sql("db2", "shop.orders_copy", "id = #{id} AND deleted = 0", List.of("status", "amount")), PAIRS);
    SideRead right = SideRead.found(row("status", "NEW", "amount", new BigDecimal("12.5")), "SELECT ...", List.of(7L), 1);
    RepairPlan plan = plan(task, DataSourceKind.MYSQL, left(), right);
    Operation op = only(plan);
    assertEquals(DataSourceKind.MYSQL, plan.target());
    assertEquals("db2", plan.dataSourceId());
    assertEquals("UPDATE", op.action());
    assertEquals("UPDATE `shop`.`orders_copy` SET `status` = ? WHERE (id = ? AND deleted = 0)", op.text());
    assertEquals(List.of(EVIL, 7L), op.values());
  }

  @Test
  void mysqlMissingRowIsAnInsertOfTheComparedColumnsAndTheKeyTheWherePins() {
    Task task = task(sql("db2", "orders_copy", "(tenant = #{t} AND id = #{id})", List.of("status", "amount")), PAIRS);
    SideRead right = SideRead.missing("SELECT ...", List.of("acme", 7L), 1);
    Operation op = only(plan(task, DataSourceKind.MYSQL, left(), right));
    assertEquals("INSERT", op.action());
    assertEquals("INSERT INTO `orders_copy` (`status`, `amount`, `tenant`, `id`) VALUES (?, ?, ?, ?)", op.text());
    assertEquals(List.of(EVIL, new BigDecimal("12.50"), "acme", 7L), op.values());
  }

  @Test
  void mysqlRowMissingOnTheLeftIsADelete() {
    Task task = task(sql("db2", "orders_copy", "id = #{id}", List.of("status", "amount")), PAIRS);
    SideRead right = SideRead.found(row("status", "NEW", "amount", 1), "SELECT ...", List.of(7L), 1);
    Operation op = only(plan(task, DataSourceKind.MYSQL, SideRead.missing("SELECT ...", List.of(7L), 1), right));
    assertEquals("DELETE FROM `orders_copy` WHERE (id = ?)", op.text());
    assertEquals(List.of(7L), op.values());
  }

  @Test
  void postgresNumbersItsParametersAndDoubleQuotesNames() {
    Task task = task(sql("pg", "orders_copy", "id = #{id}", List.of("status", "amount")), PAIRS);
    SideRead right = SideRead.found(row("status", "NEW", "amount", new BigDecimal("3")), "SELECT ...", List.of(7L), 1);
    RepairPlan plan = plan(task, DataSourceKind.POSTGRES, left(), right);
    assertTrue(plan.derived(), plan.reason());
    Operation op = plan.operations().get(0);
    assertEquals("UPDATE \"orders_copy\" SET \"status\" = $1, \"amount\" = $2 WHERE (id = $3)", op.text());
    assertEquals(List.of(EVIL, new BigDecimal("12.50"), 7L), op.values());
  }

  @Test
  void aFieldThatIsNotAColumnOfTheSideGivesAReasonNotAGuess() {
    Task task = task(sql("db2", "orders_copy", "id = #{id}", List.of("status", "doc")),
        List.of(FieldPair.of("status", "doc.status", ComparatorKind.EXACT)));
    SideRead right = SideRead.found(row("status", "x", "doc", Map.of("status", "NEW")), "SELECT ...", List.of(7L), 1);
    RepairPlan plan = plan(task, DataSourceKind.MYSQL, left(), right);
    assertFalse(plan.derived());
    assertTrue(plan.operations().isEmpty());
    assertTrue(plan.reason().contains("doc.status"), plan.reason());
  }

  @Test
  void aMissingRowBehindARangeWhereGivesAReason() {
    Task task = task(sql("db2", "orders_copy", "id >= #{id}", List.of("status", "amount")), PAIRS);
    RepairPlan plan = plan(task, DataSourceKind.MYSQL, left(), SideRead.missing("SELECT ...", List.of(7L), 1));
    assertFalse(plan.derived());
    assertNotNull(plan.reason());
  }

  // ---------------------------------------------------------------- Redis

  @Test
  void redisStringIsASetOfTheLeftValue() {
    Task task = task(redis("status:#{id}", ValueType.STRING, null), List.of(FieldPair.of("status", "$", ComparatorKind.EXACT)));
    SideRead right = SideRead.found(row("$", "NEW"), "GET status:7", List.of("status:7"), 1);
    Operation op = only(plan(task, DataSourceKind.REDIS, left(), right));
    assertEquals("SET ? ?", op.text());
    assertEquals(List.of("status:7", EVIL), op.values());
  }

  @Test
  void redisJsonIsTheDocumentReserializedWithTheLeftValues() {
    Task task = task(redis("order:#{id}", ValueType.JSON, null), List.of(FieldPair.of("status", "status", ComparatorKind.EXACT),
        FieldPair.of("amount", "price.amount", ComparatorKind.DECIMAL)));
    SideRead right = SideRead.found(row("id", 7, "status", "NEW", "note", "kept", "price", row("amount", new BigDecimal("10.00"), "ccy", "EUR")),
        "GET order:7", List.of("order:7"), 1);
    Operation op = only(plan(task, DataSourceKind.REDIS, left(), right));
    assertEquals("SET", op.action());
    assertEquals("order:7", op.values().get(0));
    assertEquals("{\"id\":7,\"status\":\"" + EVIL.replace("\"", "\\\"") + "\",\"note\":\"kept\",\"price\":{\"amount\":12.50,\"ccy\":\"EUR\"}}",
        op.values().get(1));
  }

  @Test
  void redisJsonMissingKeyIsSetFromTheComparedLeftFields() {
    Task task = task(redis("order:#{id}", ValueType.JSON, "$"), PAIRS);
    Operation op = only(plan(task, DataSourceKind.REDIS, left(), SideRead.missing("GET order:7", List.of("order:7"), 1)));
    assertEquals(Map.of("status", EVIL, "amount", new BigDecimal("12.50")), Json.read((String) op.values().get(1), Map.class));
  }

  @Test
  void redisJsonEntityNestedInALargerValueIsWrittenBackIntoTheWholeValue() {
    Task task = task(redis("order:#{id}", ValueType.JSON, "$.order"), PAIRS);
    SideRead right = SideRead.found(row("status", "NEW", "amount", new BigDecimal("12.50")), "GET order:7", List.of("order:7"), 1);
    Verdict verdict = EntityDiffer.diff(task.compare(), left(), right);
    String whole = "{\"meta\":{\"v\":1},\"order\":{\"status\":\"NEW\",\"amount\":12.50,\"sku\":\"A\"}}";
    RepairPlan plan = RepairPlanner.plan(task, DataSourceKind.REDIS, EVENT, left(), right, verdict.diffs(), true, whole);
    Operation op = only(plan);
    assertEquals(row("meta", row("v", 1), "order", row("status", EVIL, "amount", new BigDecimal("12.50"), "sku", "A")),
        Json.read((String) op.values().get(1), Map.class));
  }

  @Test
  void redisJsonEntityNestedInAValueThatWasNotReadGivesAReason() {
    Task task = task(redis("order:#{id}", ValueType.JSON, "$.order"), PAIRS);
    SideRead right = SideRead.found(row("status", "NEW", "amount", new BigDecimal("12.50")), "GET order:7", List.of("order:7"), 1);
    RepairPlan plan = plan(task, DataSourceKind.REDIS, left(), right);
    assertFalse(plan.derived());
    assertTrue(plan.reason().contains("$.order"), plan.reason());
  }

  @Test
  void redisJsonEntityMissingAtItsPathIsPutThere() {
    Task task = task(redis("order:#{id}", ValueType.JSON, "$.data.order"), PAIRS);
    SideRead missing = SideRead.missing("GET order:7", List.of("order:7"), 1);
    Verdict verdict = EntityDiffer.diff(task.compare(), left(), missing);
    Operation absentKey = only(RepairPlanner.plan(task, DataSourceKind.REDIS, EVENT, left(), missing, verdict.diffs(), true, null));
    assertEquals(Map.of("data", Map.of("order", Map.of("status", EVIL, "amount", new BigDecimal("12.50")))),
        Json.read((String) absentKey.values().get(1), Map.class));
    Operation otherContent = only(RepairPlanner.plan(task, DataSourceKind.REDIS, EVENT, left(), missing, verdict.diffs(), true,
        "{\"data\":{\"user\":1}}"));
    assertEquals(Map.of("data", Map.of("user", 1, "order", Map.of("status", EVIL, "amount", new BigDecimal("12.50")))),
        Json.read((String) otherContent.values().get(1), Map.class));
  }

  @Test
  void redisHashSetsDifferingFieldsAndRemovesFieldsTheLeftLacks() {
    List<FieldPair> pairs = List.of(FieldPair.of("status", "status", ComparatorKind.EXACT),
        FieldPair.of("amount", "amount", ComparatorKind.DECIMAL), FieldPair.of("coupon", "coupon", ComparatorKind.EXACT));
    Task task = task(redis("h:#{id}", ValueType.HASH, null), pairs);
    SideRead right = SideRead.found(row("status", "NEW", "amount", "12.50", "coupon", "X1"), "HGETALL h:7", List.of("h:7"), 1);
    RepairPlan plan = plan(task, DataSourceKind.REDIS, left(), right);
    assertTrue(plan.derived(), plan.reason());
    assertEquals(2, plan.operations().size());
    assertEquals("HSET ? ? ?", plan.operations().get(0).text());
    assertEquals(List.of("h:7", "status", EVIL), plan.operations().get(0).values());
    assertEquals("HDEL ? ?", plan.operations().get(1).text());
    assertEquals(List.of("h:7", "coupon"), plan.operations().get(1).values());
  }

  @Test
  void redisKeyMissingOnTheLeftIsADel() {
    Task task = task(redis("h:#{id}", ValueType.HASH, null), PAIRS);
    SideRead right = SideRead.found(row("status", "NEW"), "HGETALL h:7", List.of("h:7"), 1);
    Operation op = only(plan(task, DataSourceKind.REDIS, SideRead.missing("SELECT ...", List.of(7L), 1), right));
    assertEquals("DEL ?", op.text());
    assertEquals(List.of("h:7"), op.values());
  }

  // ---------------------------------------------------------------- Elasticsearch, HTTP

  @Test
  void elasticsearchWholeDocumentIsReindexed() {
    Task task = task(es("orders", "#{id}", List.of()), PAIRS);
    SideRead right = SideRead.found(row("status", "NEW", "amount", new BigDecimal("12.50"), "tags", List.of("a")), "GET ...", List.of(), 1);
    Operation op = only(plan(task, DataSourceKind.ELASTICSEARCH, left(), right));
    assertEquals("INDEX", op.action());
    assertEquals("PUT /?/_doc/? ?", op.text());
    assertEquals(List.of("orders", "7", row("status", EVIL, "amount", new BigDecimal("12.50"), "tags", List.of("a"))), op.values());
  }

  @Test
  void elasticsearchPartlyReadDocumentIsAPartialUpdate() {
    Task task = task(es("orders", "#{id}", List.of("status", "amount")), PAIRS);
    SideRead right = SideRead.found(row("status", "NEW", "amount", new BigDecimal("12.50")), "GET ...", List.of(), 1);
    Operation op = only(plan(task, DataSourceKind.ELASTICSEARCH, left(), right));
    assertEquals("POST /?/_update/? ?", op.text());
    assertEquals(List.of("orders", "7", Map.of("doc", Map.of("status", EVIL))), op.values());
  }

  @Test
  void elasticsearchMissingAndSurplusDocuments() {
    Task task = task(es("orders", "#{id}", List.of("status", "amount")), PAIRS);
    Operation index = only(plan(task, DataSourceKind.ELASTICSEARCH, left(), SideRead.missing("GET ...", List.of(), 1)));
    assertEquals("INDEX", index.action());
    assertEquals(row("status", EVIL, "amount", new BigDecimal("12.50")), index.values().get(2));
    SideRead right = SideRead.found(row("status", "NEW"), "GET ...", List.of(), 1);
    Operation delete = only(plan(task, DataSourceKind.ELASTICSEARCH, SideRead.missing("SELECT ...", List.of(7L), 1), right));
    assertEquals("DELETE /?/_doc/?", delete.text());
    assertEquals(List.of("orders", "7"), delete.values());
  }

  @Test
  void elasticsearchDocumentFoundByAQueryGivesAReason() {
    SideSpec byQuery = new SideSpec("search", null, null, List.of(), null, null, null, null, null, null, "orders", null,
        Map.of("term", Map.of("orderId", "#{id}")), null, null);
    RepairPlan plan = plan(task(byQuery, PAIRS), DataSourceKind.ELASTICSEARCH, left(),
        SideRead.found(row("status", "NEW", "amount", 1), "POST ...", List.of(), 1));
    assertFalse(plan.derived());
    assertTrue(plan.reason().contains("query"), plan.reason());
  }

  @Test
  void httpRightSideGivesAReason() {
    SideSpec http = new SideSpec("api", null, null, null, null, null, "GET", "/orders/#{id}", null, null);
    RepairPlan plan = plan(task(http, PAIRS), DataSourceKind.HTTP, left(), SideRead.found(row("status", "NEW", "amount", 1), "GET", List.of(), 1));
    assertFalse(plan.derived());
    assertEquals(DataSourceKind.HTTP, plan.target());
    assertTrue(plan.reason().contains("HTTP"), plan.reason());
  }
}
