package dev.tally.model;

import java.util.List;

/**
 * One pair of fields to compare, and how. Options are read only by the comparators they concern:
 * NUMBER: tolerance (absolute); DECIMAL: scale (round both sides to it, optional);
 * DATETIME: zone (for values without one, default UTC), formats (extra patterns), precision
 * (SECONDS, MILLIS, MINUTES...; default SECONDS... see DatetimeComparator), tolerance not used;
 * JSON: ignoreOrder; STRING: trim, ignoreCase.
 */
public record FieldPair(String left, String right, ComparatorKind comparator,
                        Double tolerance, Integer scale,
                        String zone, List<String> formats, String precision,
                        Boolean ignoreOrder, Boolean trim, Boolean ignoreCase) {
  public FieldPair {
    comparator = comparator == null ? ComparatorKind.EXACT : comparator;
    right = right == null ? left : right;
    formats = formats == null ? List.of() : List.copyOf(formats);
  }

  public static FieldPair of(String left, String right, ComparatorKind kind) {
    return new FieldPair(left, right, kind, null, null, null, null, null, null, null, null);
  }
}
