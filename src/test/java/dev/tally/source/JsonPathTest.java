package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonPathTest {
  private static final Map<String, Object> DOC = Map.of(
      "a", Map.of("b", 7),
      "items", List.of(Map.of("x", "first"), Map.of("x", "second")),
      "odd key", "odd",
      "nothing", new HashMap<>(Map.of()));

  @Test
  void rootForms() {
    assertEquals(Optional.of(DOC), JsonPath.parse(null).select(DOC));
    assertEquals(Optional.of(DOC), JsonPath.parse("").select(DOC));
    assertEquals(Optional.of(DOC), JsonPath.parse("$").select(DOC));
    assertTrue(JsonPath.parse("$").isRoot());
  }

  @Test
  void membersAndIndexes() {
    assertEquals(Optional.of(7), JsonPath.parse("$.a.b").select(DOC));
    assertEquals(Optional.of(7), JsonPath.parse("a.b").select(DOC));
    assertEquals(Optional.of("second"), JsonPath.parse("$.items[1].x").select(DOC));
    assertEquals(Optional.of("first"), JsonPath.parse("items[0].x").select(DOC));
    assertEquals(Optional.of("odd"), JsonPath.parse("$['odd key']").select(DOC));
    assertEquals(Optional.of(2), JsonPath.parse("[1]").select(List.of(1, 2)));
  }

  @Test
  void absentStepsAndJsonNullAreEmpty() {
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("gone", null);
    assertEquals(Optional.empty(), JsonPath.parse("$.nope").select(DOC));
    assertEquals(Optional.empty(), JsonPath.parse("$.items[5].x").select(DOC));
    assertEquals(Optional.empty(), JsonPath.parse("$.a[0]").select(DOC));
    assertEquals(Optional.empty(), JsonPath.parse("$.a.b.c").select(DOC));
    assertEquals(Optional.empty(), JsonPath.parse("$.gone").select(withNull));
    assertEquals(Optional.empty(), JsonPath.parse("$.x").select(new ArrayList<>(Arrays.asList(1))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"$..a", "$.a[", "$.a[x]", "$.a[-1]", "$.a['b]", "$a", "a..b"})
  void rejectsMalformedPaths(String path) {
    assertThrows(IllegalArgumentException.class, () -> JsonPath.parse(path));
  }
}
