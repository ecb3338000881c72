package dev.tally.compare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Deep equality of JSON documents. A side given as a String is parsed first (MySQL JSON columns and Redis
 * values arrive as text); a string that is not JSON and does not look like an object or array is taken as a
 * JSON string scalar. Numbers are compared numerically (1 equals 1.0), with {@code ignoreOrder} lists are
 * compared as multisets at every depth. The detail names the first difference by path, e.g. "$.items[1].qty: 2 != 3".
 */
public final class JsonComparator extends NullSafeComparator {
  // BigDecimal so that parsing never rounds what the store holds
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final boolean ignoreOrder;

  public JsonComparator(boolean ignoreOrder) {
    this.ignoreOrder = ignoreOrder;
  }

  @Override
  protected Match compareNonNull(Object left, Object right) {
    String difference = difference("$", parse(left), parse(right));
    return difference == null ? Match.EQUAL : Match.mismatch(difference);
  }

  private static Object parse(Object value) {
    if (!(value instanceof String text)) {
      return value;
    }
    String trimmed = text.trim();
    try {
      return MAPPER.readValue(trimmed, Object.class);
    } catch (JsonProcessingException e) {
      if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        throw new NotParseable(value, "JSON");
      }
      return text;
    }
  }

  /** Where and how the two values differ, or null if they are equal. */
  private String difference(String path, Object left, Object right) {
    if (left == null || right == null) {
      return left == right ? null : path + ": " + Values.show(left) + " != " + Values.show(right);
    }
    if (left instanceof Map<?, ?> l && right instanceof Map<?, ?> r) {
      return mapDifference(path, l, r);
    }
    if (left instanceof List<?> l && right instanceof List<?> r) {
      return ignoreOrder ? multisetDifference(path, l, r) : listDifference(path, l, r);
    }
    if (left instanceof Number && right instanceof Number) {
      return Values.toDecimal(left).compareTo(Values.toDecimal(right)) == 0 ? null
          : path + ": " + Values.show(left) + " != " + Values.show(right);
    }
    if (isContainer(left) || isContainer(right) || left.getClass() != right.getClass()) {
      return path + ": " + kind(left) + " " + Values.show(left) + " != " + kind(right) + " " + Values.show(right);
    }
    return left.equals(right) ? null : path + ": " + Values.show(left) + " != " + Values.show(right);
  }

  private String mapDifference(String path, Map<?, ?> left, Map<?, ?> right) {
    // sorted, so the reported difference does not depend on map iteration order
    TreeSet<String> keys = new TreeSet<>();
    left.keySet().forEach(k -> keys.add(String.valueOf(k)));
    right.keySet().forEach(k -> keys.add(String.valueOf(k)));
    for (String key : keys) {
      String child = path + "." + key;
      if (!left.containsKey(key)) {
        return child + ": missing on left";
      }
      if (!right.containsKey(key)) {
        return child + ": missing on right";
      }
      String difference = difference(child, left.get(key), right.get(key));
      if (difference != null) {
        return difference;
      }
    }
    return null;
  }

  private String listDifference(String path, List<?> left, List<?> right) {
    for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
      String difference = difference(path + "[" + i + "]", left.get(i), right.get(i));
      if (difference != null) {
        return difference;
      }
    }
    return left.size() == right.size() ? null
        : path + ": " + left.size() + " elements != " + right.size() + " elements";
  }

  private String multisetDifference(String path, List<?> left, List<?> right) {
    if (left.size() != right.size()) {
      return path + ": " + left.size() + " elements != " + right.size() + " elements";
    }
    List<Object> unmatched = new ArrayList<>(right);
    for (int i = 0; i < left.size(); i++) {
      if (!removeEqual(unmatched, left.get(i))) {
        return path + "[" + i + "]: " + Values.show(left.get(i)) + " has no equal element on right";
      }
    }
    return null;
  }

  private boolean removeEqual(List<Object> candidates, Object wanted) {
    for (Iterator<Object> it = candidates.iterator(); it.hasNext(); ) {
      if (difference("$", wanted, it.next()) == null) {
        it.remove();
        return true;
      }
    }
    return false;
  }

  private static boolean isContainer(Object value) {
    return value instanceof Map || value instanceof List;
  }

  private static String kind(Object value) {
    return value instanceof Map ? "object" : value instanceof List ? "array" : value instanceof Number ? "number"
        : value instanceof Boolean ? "boolean" : value instanceof String ? "string" : value.getClass().getSimpleName();
  }
}
