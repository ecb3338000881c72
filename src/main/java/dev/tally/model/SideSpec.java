package dev.tally.model;

import java.util.List;
import java.util.Map;

/**
 * How one side of a CONFIG task reads one entity. Which fields apply depends on the data source kind:
 * <ul>
 *   <li>MYSQL, POSTGRES: table, where (with {@code #{var}} placeholders), fields. With {@code list: true} the
 *       WHERE may match several rows, compared as a set keyed by the {@code rowKey} column.</li>
 *   <li>REDIS: key (template), valueType, jsonPath (JSON only).</li>
 *   <li>HTTP: method, url (template, relative to the data source's baseUrl or absolute), body (template),
 *       jsonPath.</li>
 *   <li>ELASTICSEARCH: index, and either {@code id} (document id template) or {@code query} (a JSON query whose
 *       string values may hold {@code #{var}}; values are bound as JSON values, never spliced into text);
 *       fields (the {@code _source} fields to read, all when empty).</li>
 * </ul>
 */
public record SideSpec(String dataSourceId,
                       String table, String where, List<String> fields,
                       String key, ValueType valueType,
                       String method, String url, String body,
                       String jsonPath,
                       String index, String id, Map<String, Object> query,
                       Boolean list, String rowKey) {
  public SideSpec {
    fields = fields == null ? List.of() : List.copyOf(fields);
  }

  /** A side read from a table, a key, a URL or a document (no list, no Elasticsearch fields). */
  public SideSpec(String dataSourceId, String table, String where, List<String> fields, String key, ValueType valueType,
                  String method, String url, String body, String jsonPath) {
    this(dataSourceId, table, where, fields, key, valueType, method, url, body, jsonPath, null, null, null, null, null);
  }

  public boolean isList() {
    return list != null && list;
  }
}
