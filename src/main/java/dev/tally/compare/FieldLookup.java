package dev.tally.compare;

import java.util.List;
import java.util.Map;

/**
 * Finds a field in a side's values: the exact key first, else a dotted path into nested maps and lists
 * ("address.city", "items.0.sku"), so that keys which themselves contain dots still win.
 * Distinguishes a field that is absent from one that is present with a null value.
 */
public final class FieldLookup {

  /** What a lookup found; {@code present} false means the key is not there at all. */
  public record Found(boolean present, Object value) {
    static final Found ABSENT = new Found(false, null);
  }

  private FieldLookup() {
  }

  public static Found find(Object container, String path) {
    if (container instanceof Map<?, ?> map) {
      if (map.containsKey(path)) {
        return new Found(true, map.get(path));
      }
      // try every split point, so {"a.b": {"c": 1}} is found by "a.b.c" as well as {"a": {"b.c": 1}}
      for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
        String head = path.substring(0, dot);
        if (map.containsKey(head)) {
          Found found = find(map.get(head), path.substring(dot + 1));
          if (found.present()) {
            return found;
          }
        }
      }
      return Found.ABSENT;
    }
    if (container instanceof List<?> list) {
      int dot = path.indexOf('.');
      String head = dot < 0 ? path : path.substring(0, dot);
      int index = index(head, list.size());
      if (index < 0) {
        return Found.ABSENT;
      }
      return dot < 0 ? new Found(true, list.get(index)) : find(list.get(index), path.substring(dot + 1));
    }
    return Found.ABSENT;
  }

  private static int index(String text, int size) {
    if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    int index = Integer.parseInt(text);
    return index < size ? index : -1;
  }
}
