package dev.tally.model;

/**
 * One difference. kind {@code mismatch}: both values present and unequal under the comparator;
 * {@code missing}: the entity (field null) or a field is absent on {@code side} ("left" or "right").
 */
public record Diff(String kind, String field, String rightField, String side, Object leftValue,
                   Object rightValue, String comparator, String detail) {
  public static final String MISMATCH = "mismatch";
  public static final String MISSING = "missing";
}
