package dev.tally.compare;

import static dev.tally.compare.MatchAssertions.assertEqual;
import static dev.tally.compare.MatchAssertions.assertMismatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonComparatorTest {
  private final FieldComparator strict = new JsonComparator(false);
  private final FieldComparator unordered = new JsonComparator(true);

  @Test
  void mysqlJsonTextEqualsDecodedRedisDocument() {
    String mysql = "{\"sku\": \"A-1\", \"qty\": 2, \"tags\": [\"x\", \"y\"], \"price\": 12.50}";
    Map<String, Object> redis = Map.of("price", 12.5, "tags", List.of("x", "y"), "qty", 2L, "sku", "A-1");
    assertEqual(strict, mysql, redis);
    assertEqual(strict, redis, mysql);
  }

  @Test
  void bothSidesMayBeText() {
    assertEqual(strict, "{\"a\":[1,{\"b\":null}]}", " { \"a\" : [ 1.0 , { \"b\" : null } ] } ");
  }

  @Test
  void numbersCompareNumerically() {
    assertEqual(strict, Map.of("n", 1), Map.of("n", 1.0));
    assertEqual(strict, Map.of("n", new BigDecimal("1.10")), "{\"n\": 1.1}");
    assertEquals("$.n: 1 != 2", assertMismatch(strict, Map.of("n", 1), Map.of("n", 2)));
  }

  @Test
  void typesMatter() {
    String detail = assertMismatch(strict, "{\"n\": 1}", "{\"n\": \"1\"}");
    assertTrue(detail.startsWith("$.n: number 1 != string '1'"), detail);
    assertMismatch(strict, "{\"b\": true}", "{\"b\": \"true\"}");
    assertMismatch(strict, "{\"a\": []}", "{\"a\": {}}");
  }

  @Test
  void detailNamesThePathOfTheFirstDifference() {
    String left = "{\"items\": [{\"qty\": 1}, {\"qty\": 2}]}";
    String right = "{\"items\": [{\"qty\": 1}, {\"qty\": 3}]}";
    assertEquals("$.items[1].qty: 2 != 3", assertMismatch(strict, left, right));
  }

  @Test
  void missingKeysAreNamed() {
    assertEquals("$.b: missing on right", assertMismatch(strict, "{\"a\":1,\"b\":2}", "{\"a\":1}"));
    assertEquals("$.b: missing on left", assertMismatch(strict, "{\"a\":1}", "{\"a\":1,\"b\":null}"));
  }

  @Test
  void nullValueInsideIsNotAbsent() {
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("a", null);
    assertEqual(strict, "{\"a\":null}", withNull);
    assertMismatch(strict, "{}", withNull);
  }

  @Test
  void listOrderMattersByDefault() {
    assertMismatch(strict, "[1,2,3]", List.of(3, 2, 1));
    assertEquals("$: 2 elements != 3 elements", assertMismatch(strict, "[1,2]", "[1,2,3]"));
  }

  @Test
  void ignoreOrderComparesListsAsMultisetsAtEveryDepth() {
    assertEqual(unordered, "[1,2,3]", List.of(3, 2, 1));
    assertEqual(unordered,
        "{\"lines\": [{\"sku\": \"b\", \"tags\": [2, 1]}, {\"sku\": \"a\", \"tags\": []}]}",
        "{\"lines\": [{\"sku\": \"a\", \"tags\": []}, {\"sku\": \"b\", \"tags\": [1, 2]}]}");
  }

  @Test
  void ignoreOrderStillCountsDuplicates() {
    String detail = assertMismatch(unordered, "[1,1,2]", "[1,2,2]");
    assertTrue(detail.contains("no equal element"), detail);
    assertMismatch(unordered, "[1,1]", "[1]");
  }

  @Test
  void brokenJsonIsAMismatch() {
    String detail = assertMismatch(strict, "{\"a\":", Map.of("a", 1));
    assertTrue(detail.startsWith("cannot parse"), detail);
    assertTrue(detail.endsWith("as JSON"), detail);
    assertMismatch(strict, "[1, 2", "[1, 2]");
  }

  @Test
  void scalarsAndPlainText() {
    assertEqual(strict, "12.5", 12.5);
    assertEqual(strict, "true", true);
    assertEqual(strict, "plain text", "plain text");
    assertMismatch(strict, "plain text", "other text");
  }

  @Test
  void nullEqualsOnlyNull() {
    assertEqual(strict, null, null);
    assertMismatch(strict, null, "{}");
    assertEqual(strict, Arrays.asList(1, null), "[1, null]");
  }
}
