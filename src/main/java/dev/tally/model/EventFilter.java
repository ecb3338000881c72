package dev.tally.model;

import java.util.List;
import java.util.Map;

/** Only events whose op is one of {@code ops} (if set) and whose data fields have one of the listed values. */
public record EventFilter(List<String> ops, Map<String, List<Object>> fields) {
  public EventFilter {
    ops = ops == null ? List.of() : List.copyOf(ops);
    fields = fields == null ? Map.of() : Map.copyOf(fields);
  }
}
