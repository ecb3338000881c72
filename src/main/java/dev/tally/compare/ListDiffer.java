package dev.tally.compare;

import dev.tally.model.Diff;
import dev.tally.model.FieldPair;
import dev.tally.model.SideRead;
import dev.tally.model.Status;
import dev.tally.model.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares two list sides (several rows per event) as sets keyed by each side's rowKey: a row on one side
 * only is a {@code missing} diff with field {@code [<key>]} and the side it is missing on; each differing
 * field of a matched row is a {@code mismatch} (or {@code missing}) diff with field {@code [<key>].<field>}.
 * Keys are matched by their canonical text, so 7 (BIGINT) matches 7 (int8) and "7".
 */
public final class ListDiffer {
  private ListDiffer() {
  }

  public static Verdict diff(List<FieldPair> pairs, SideRead left, String leftKey, SideRead right, String rightKey) {
    Verdict unread = EntityDiffer.unreadable(left, right);
    if (unread != null) return unread;
    Map<String, Map<String, Object>> leftRows;
    Map<String, Map<String, Object>> rightRows;
    try {
      leftRows = byKey(left, leftKey, EntityDiffer.LEFT);
      rightRows = byKey(right, rightKey, EntityDiffer.RIGHT);
    } catch (IllegalArgumentException e) {
      return Verdict.error(e.getMessage());
    }
    List<FieldComparator> comparators = new ArrayList<>(pairs.size());
    for (FieldPair pair : pairs) {
      try {
        comparators.add(Comparators.forPair(pair));
      } catch (IllegalArgumentException e) {
        return Verdict.error("field " + pair.left() + ": " + e.getMessage());
      }
    }
    List<Diff> diffs = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> l : leftRows.entrySet()) {
      String key = "[" + l.getKey() + "]";
      Map<String, Object> r = rightRows.get(l.getKey());
      if (r == null) {
        diffs.add(new Diff(Diff.MISSING, key, key, EntityDiffer.RIGHT, l.getValue(), null, null, "right has no row " + key));
        continue;
      }
      for (int i = 0; i < pairs.size(); i++) {
        for (Diff d : EntityDiffer.comparePair(pairs.get(i), comparators.get(i), l.getValue(), r)) {
          diffs.add(new Diff(d.kind(), key + "." + d.field(), key + "." + d.rightField(), d.side(), d.leftValue(),
              d.rightValue(), d.comparator(), d.detail()));
        }
      }
    }
    for (Map.Entry<String, Map<String, Object>> r : rightRows.entrySet()) {
      if (leftRows.containsKey(r.getKey())) continue;
      String key = "[" + r.getKey() + "]";
      diffs.add(new Diff(Diff.MISSING, key, key, EntityDiffer.LEFT, null, r.getValue(), null, "left has no row " + key));
    }
    return diffs.isEmpty() ? Verdict.pass() : new Verdict(Status.FAIL, List.copyOf(diffs), null);
  }

  /** The rows in read order by the canonical text of their key; a row without a key or a repeated key is an error. */
  private static Map<String, Map<String, Object>> byKey(SideRead read, String rowKey, String side) {
    Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
    List<Map<String, Object>> list = read.rows() == null ? List.of() : read.rows();
    for (Map<String, Object> row : list) {
      Object value = row.get(rowKey);
      if (value == null) throw new IllegalArgumentException(side + ": a row has no value for rowKey '" + rowKey + "'");
      String key = Values.canonical(value);
      if (rows.putIfAbsent(key, row) != null) {
        throw new IllegalArgumentException(side + ": rowKey '" + rowKey + "' is not unique: two rows have " + key);
      }
    }
    return rows;
  }
}
