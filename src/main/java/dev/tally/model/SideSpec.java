package dev.tally.model;

import java.util.List;

/**
 * How one side of a CONFIG task reads one entity. Which fields apply depends on the data source kind:
 * MYSQL: table, where (with {@code #{var}} placeholders), fields;
 * REDIS: key (template), valueType, jsonPath (JSON only);
 * HTTP: method, url (template, relative to the data source's baseUrl or absolute), body (template), jsonPath.
 */
public record SideSpec(String dataSourceId,
                       String table, String where, List<String> fields,
                       String key, ValueType valueType,
                       String method, String url, String body,
                       String jsonPath) {
  public SideSpec {
    fields = fields == null ? List.of() : List.copyOf(fields);
  }
}
