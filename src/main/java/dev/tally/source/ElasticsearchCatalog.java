package dev.tally.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads the answers of {@code GET /_cat/indices?format=json&h=index} and {@code GET /{index}/_mapping} into catalog entries. */
final class ElasticsearchCatalog {
  private ElasticsearchCatalog() {
  }

  /** Index names, sorted, without hidden and system indices (a name starting with "."). */
  static List<Catalog.Entry> indices(Object catIndices) {
    List<String> names = new ArrayList<>();
    if (catIndices instanceof List<?> rows) {
      for (Object row : rows) {
        if (row instanceof Map<?, ?> map && map.get("index") instanceof String name && !name.startsWith(".")) names.add(name);
      }
    }
    names.sort(null);
    return names.stream().map(name -> new Catalog.Entry(name, null)).toList();
  }

  /**
   * The fields of every index in a mapping answer (an alias or pattern may name several), objects flattened to
   * dotted paths ({@code customer.name}), each with its mapped type; sorted by path. A path mapped differently in
   * two indices keeps the first type seen.
   */
  static List<Catalog.Entry> fields(Object mappingAnswer) {
    Map<String, String> fields = new TreeMap<>();
    if (mappingAnswer instanceof Map<?, ?> indices) {
      for (Object index : indices.values()) {
        Object mappings = index instanceof Map<?, ?> m ? m.get("mappings") : null;
        if (mappings instanceof Map<?, ?> mm) collect(mm.get("properties"), "", fields);
      }
    }
    return fields.entrySet().stream().map(e -> new Catalog.Entry(e.getKey(), e.getValue())).toList();
  }

  private static void collect(Object properties, String path, Map<String, String> fields) {
    if (!(properties instanceof Map<?, ?> map)) return;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String name = path + e.getKey();
      if (!(e.getValue() instanceof Map<?, ?> field)) continue;
      if (field.get("properties") instanceof Map<?, ?> inner) {
        collect(inner, name + ".", fields);
      } else {
        fields.putIfAbsent(name, field.get("type") instanceof String type ? type : "object");
      }
    }
  }
}
