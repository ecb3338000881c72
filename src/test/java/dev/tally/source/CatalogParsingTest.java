package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plain parts of the catalogs: Redis MATCH patterns, and Elasticsearch's index list and mappings. */
class CatalogParsingTest {
  @Test
  void aKeyPrefixIsMatchedLiterally() {
    assertEquals("order:", RedisSideReader.glob("order:"));
    assertEquals("a\\*b\\?\\[x\\]\\\\", RedisSideReader.glob("a*b?[x]\\"));
  }

  @Test
  void hiddenIndicesAreLeftOutAndTheRestSorted() {
    Object cat = List.of(Map.of("index", "orders"), Map.of("index", ".kibana_1"), Map.of("index", "carts"), Map.of("x", 1));
    assertEquals(List.of(new Catalog.Entry("carts", null), new Catalog.Entry("orders", null)), ElasticsearchCatalog.indices(cat));
  }

  @Test
  void fieldsOfEveryIndexAreFlattenedToDottedPaths() {
    Object mapping = Map.of(
        "orders-1", Map.of("mappings", Map.of("properties", Map.of(
            "status", Map.of("type", "keyword"),
            "customer", Map.of("properties", Map.of("name", Map.of("type", "text", "fields", Map.of("raw", Map.of("type", "keyword")))))))),
        "orders-2", Map.of("mappings", Map.of("properties", Map.of("status", Map.of("type", "text"), "lines", Map.of("type", "nested",
            "properties", Map.of("sku", Map.of("type", "keyword")))))));
    Map<String, String> fields = new java.util.TreeMap<>();
    ElasticsearchCatalog.fields(mapping).forEach(e -> fields.put(e.name(), e.type()));
    assertEquals(List.of("customer.name", "lines.sku", "status"), List.copyOf(fields.keySet()));
    assertEquals("text", fields.get("customer.name"));
    assertEquals("keyword", fields.get("lines.sku"));
  }

  @Test
  void anAnswerOfAnotherShapeListsNothing() {
    assertEquals(List.of(), ElasticsearchCatalog.indices(Map.of("error", "x")));
    assertEquals(List.of(), ElasticsearchCatalog.fields(List.of()));
  }
}
