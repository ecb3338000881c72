package dev.tally.strategy;

import static dev.tally.strategy.Fixtures.NOW;
import static dev.tally.strategy.Fixtures.ctx;
import static dev.tally.strategy.Fixtures.event;
import static dev.tally.strategy.Fixtures.job;
import static dev.tally.strategy.Fixtures.strategy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.EventFilter;
import dev.tally.model.Job;
import dev.tally.model.Task;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventFilterStrategyTest {
  private final EventFilterStrategy filter = new EventFilterStrategy();

  private static Task taskWith(List<String> ops, Map<String, List<Object>> fields) {
    return strategy().filter(new EventFilter(ops, fields)).task("task-1");
  }

  private static Map<String, Object> data(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  private StrategyFilter.Admission admit(Task task, String op, Map<String, Object> data) {
    Job job = job(task, "42", event(op, data, NOW));
    StrategyFilter.Admission a = filter.admit(job, task, ctx());
    if (a.kept()) {
      assertSame(job, a.job(), "a kept job passes unchanged");
    } else {
      assertEquals("filter", a.droppedBy());
      assertNull(a.job());
    }
    return a;
  }

  @Test
  void noFilterKeepsEverything() {
    Task task = strategy().task("task-1");
    assertTrue(admit(task, "delete", data("status", "x")).kept());
    assertTrue(admit(task, null, Map.of()).kept());
  }

  @Test
  void keepsOnlyListedOpsIgnoringCase() {
    Task task = taskWith(List.of("insert", "update"), null);
    assertTrue(admit(task, "insert", Map.of()).kept());
    assertTrue(admit(task, "UPDATE", Map.of()).kept());
    assertTrue(admit(task, "Update", Map.of()).kept());
    StrategyFilter.Admission dropped = admit(task, "delete", Map.of());
    assertFalse(dropped.kept());
    assertTrue(dropped.reason().contains("delete"), dropped.reason());
    assertFalse(admit(task, null, Map.of()).kept(), "an event without op does not match a list of ops");
  }

  @Test
  void emptyOpsListMeansAnyOp() {
    Task task = taskWith(List.of(), Map.of("status", List.of("PAID")));
    for (String op : new String[] {"insert", "update", "delete", "whatever"}) {
      assertTrue(admit(task, op, data("status", "PAID")).kept(), op);
    }
  }

  @Test
  void keepsOnlyListedFieldValues() {
    Task task = taskWith(null, Map.of("status", List.of("PAID", "SHIPPED")));
    assertTrue(admit(task, "update", data("status", "PAID")).kept());
    assertTrue(admit(task, "update", data("status", "SHIPPED", "other", 1)).kept());
    StrategyFilter.Admission dropped = admit(task, "update", data("status", "NEW"));
    assertFalse(dropped.kept());
    assertTrue(dropped.reason().contains("status"), dropped.reason());
    assertFalse(admit(task, "update", data("other", "PAID")).kept(), "missing field");
    assertFalse(admit(task, "update", data("status", null)).kept(), "null field");
  }

  @Test
  void everyConfiguredFieldMustMatch() {
    Task task = taskWith(List.of("update"), Map.of("status", List.of("PAID"), "currency", List.of("EUR", "USD")));
    assertTrue(admit(task, "update", data("status", "PAID", "currency", "USD")).kept());
    assertFalse(admit(task, "update", data("status", "PAID", "currency", "GBP")).kept());
    assertFalse(admit(task, "update", data("status", "NEW", "currency", "EUR")).kept());
    assertFalse(admit(task, "update", data("status", "PAID")).kept());
    assertFalse(admit(task, "insert", data("status", "PAID", "currency", "EUR")).kept(), "op still applies");
  }

  static Stream<Arguments> sameNumber() {
    return Stream.of(
        Arguments.of(1, 1),
        Arguments.of(1, 1L),
        Arguments.of(1, 1.0),
        Arguments.of(1, 1.0f),
        Arguments.of(1, "1"),
        Arguments.of(1, new BigDecimal("1.000")),
        Arguments.of(1, BigInteger.ONE),
        Arguments.of(1.0, 1),
        Arguments.of(1.0, "1"),
        Arguments.of("1", 1),
        Arguments.of("1", 1.0),
        Arguments.of(2.5, "2.5"),
        Arguments.of(2.5, new BigDecimal("2.50")),
        Arguments.of(0, -0.0),
        Arguments.of(12345678901234567L, "12345678901234567"),
        Arguments.of(100, 1e2));
  }

  @ParameterizedTest(name = "configured {0} matches event value {1}")
  @MethodSource("sameNumber")
  void numbersFromJsonMatchWhateverTheirJavaType(Object configured, Object actual) {
    Task task = taskWith(null, Map.of("status", List.of(configured)));
    assertTrue(admit(task, "update", data("status", actual)).kept(),
        configured + " (" + configured.getClass().getSimpleName() + ") vs " + actual + " ("
            + actual.getClass().getSimpleName() + ")");
  }

  static Stream<Arguments> differentNumber() {
    return Stream.of(
        Arguments.of(1, 2),
        Arguments.of(1, 1.5),
        Arguments.of(1, "2"),
        Arguments.of(1, 10),
        Arguments.of(10, 1),
        Arguments.of(1, "one"),
        Arguments.of(1, true),
        Arguments.of(12345678901234567L, 12345678901234568L),
        Arguments.of(0.1, 0.10000001));
  }

  @ParameterizedTest(name = "configured {0} does not match event value {1}")
  @MethodSource("differentNumber")
  void differentNumbersDoNotMatch(Object configured, Object actual) {
    Task task = taskWith(null, Map.of("status", List.of(configured)));
    assertFalse(admit(task, "update", data("status", actual)).kept());
  }

  @Test
  void anyOfSeveralNumericValues() {
    Task task = taskWith(null, Map.of("state", List.of(3, 4, 5)));
    assertTrue(admit(task, "update", data("state", 4.0)).kept());
    assertTrue(admit(task, "update", data("state", "5")).kept());
    assertFalse(admit(task, "update", data("state", 6)).kept());
  }

  @Test
  void booleansMatchBooleans() {
    Task task = taskWith(null, Map.of("done", List.of(true)));
    assertTrue(admit(task, "update", data("done", true)).kept());
    assertFalse(admit(task, "update", data("done", false)).kept());
  }

  @Test
  void aListedNullMatchesAMissingOrNullField() {
    Task task = taskWith(null, Map.of("deletedAt", Arrays.asList((Object) null)));
    assertTrue(admit(task, "update", data("deletedAt", null)).kept());
    assertTrue(admit(task, "update", data("other", 1)).kept());
    assertFalse(admit(task, "update", data("deletedAt", 17L)).kept());
  }
}
