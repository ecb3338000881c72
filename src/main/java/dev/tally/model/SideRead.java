package dev.tally.model;

import java.util.List;
import java.util.Map;

/**
 * What one side returned: whether the entity exists, its fields (JSON-like values; temporal values as
 * ISO-8601 strings, decimals as BigDecimal), the concrete query and its bound parameters, and an error
 * message if the side could not be read.
 */
public record SideRead(boolean found, Map<String, Object> values, String query, List<Object> params,
                       long tookMs, String error) {
  public SideRead {
    values = values == null ? Map.of() : values;
    params = params == null ? List.of() : params;
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
