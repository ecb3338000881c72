package dev.tally.model;

import java.util.List;
import java.util.Map;

/**
 * What one side returned: whether the entity exists, its fields (JSON-like values; temporal values as
 * ISO-8601 strings, decimals as BigDecimal), the concrete query and its bound parameters, and an error
 * message if the side could not be read. A list side ({@link SideSpec#isList()}) has its rows in {@code rows}
 * (null for a single entity) and is found when it has at least one.
 */
public record SideRead(boolean found, Map<String, Object> values, String query, List<Object> params,
                       long tookMs, String error, List<Map<String, Object>> rows) {
  public SideRead {
    values = values == null ? Map.of() : values;
    params = params == null ? List.of() : params;
  }

  public SideRead(boolean found, Map<String, Object> values, String query, List<Object> params, long tookMs, String error) {
    this(found, values, query, params, tookMs, error, null);
  }

  public static SideRead foundRows(List<Map<String, Object>> rows, String query, List<Object> params, long tookMs) {
    return new SideRead(!rows.isEmpty(), Map.of(), query, params, tookMs, null, List.copyOf(rows));
  }

  public static SideRead found(Map<String, Object> values, String query, List<Object> params, long tookMs) {
    return new SideRead(true, values, query, params, tookMs, null);
  }

  public static SideRead missing(String query, List<Object> params, long tookMs) {
    return new SideRead(false, Map.of(), query, params, tookMs, null);
  }

  public static SideRead failed(String error, String query, List<Object> params, long tookMs) {
    return new SideRead(false, Map.of(), query, params, tookMs, error);
  }

  public boolean failed() {
    return error != null;
  }
}
