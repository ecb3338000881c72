package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EsQueryTemplateTest {
  private static final Map<String, Object> QUERY = Map.of("bool", Map.of(
      "filter", List.of(
          Map.of("term", Map.of("qty", "#{qty}")),
          Map.of("term", Map.of("sku", "SKU-#{order.sku}-#{qty}")),
          Map.of("terms", Map.of("tags", List.of("#{tag}", "fixed"))),
          Map.of("range", Map.of("price", Map.of("gte", 10, "lt", "#{price}")))),
      "must_not", Map.of("term", Map.of("#{qty}", true))));

  @Test
  void wholePlaceholdersBecomeJsonValuesAndPartialOnesText() {
    Map<String, Object> data = Map.of("qty", 3, "order", Map.of("sku", "A\"b"), "tag", Map.of("k", "v"),
        "price", new BigDecimal("12.50"));
    EsQueryTemplate.Bound bound = EsQueryTemplate.bind(QUERY, data);
    assertEquals(Map.of("bool", Map.of(
        "filter", List.of(
            Map.of("term", Map.of("qty", 3)),
            Map.of("term", Map.of("sku", "SKU-A\"b-3")),
            Map.of("terms", Map.of("tags", List.of(Map.of("k", "v"), "fixed"))),
            Map.of("range", Map.of("price", Map.of("gte", 10, "lt", new BigDecimal("12.50"))))),
        "must_not", Map.of("term", Map.of("#{qty}", true)))), bound.query());
    assertEquals(5, bound.params().size()); // qty twice, order.sku, tag, price
  }

  @Test
  void aMissingOrNullVariableIsRefused() {
    Map<String, Object> data = new HashMap<>(Map.of("qty", 3, "order", Map.of("sku", "x"), "tag", "t"));
    assertEquals("price", assertThrows(Template.MissingVariableException.class, () -> EsQueryTemplate.bind(QUERY, data)).variable());
    data.put("price", null);
    assertEquals("template variable 'price' is null",
        assertThrows(IllegalArgumentException.class, () -> EsQueryTemplate.bind(QUERY, data)).getMessage());
  }
}
