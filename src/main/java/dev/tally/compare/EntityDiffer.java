package dev.tally.compare;

import dev.tally.model.Diff;
import dev.tally.model.FieldPair;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import dev.tally.model.Status;
import dev.tally.model.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns what both sides returned into a verdict: ERROR, PASS, or FAIL with field-level diffs. */
public final class EntityDiffer {
  static final String LEFT = "left";
  static final String RIGHT = "right";

  private EntityDiffer() {
  }

  /**
   * ERROR if a side could not be read (or a pair's options are invalid); PASS if the entity is missing on
   * both sides (a delete that reached both); FAIL with one "missing" diff if it is missing on one side;
   * otherwise every pair compared, FAIL with its diffs in pair order if any.
   */
  public static Verdict diff(List<FieldPair> pairs, SideRead left, SideRead right) {
    Verdict unread = unreadable(left, right);
    if (unread != null) {
      return unread;
    }
    if (!left.found() && !right.found()) {
      return Verdict.pass();
    }
    if (!left.found() || !right.found()) {
      String side = left.found() ? RIGHT : LEFT;
      return fail(List.of(new Diff(Diff.MISSING, null, null, side, null, null, null, side + " has no entity")));
    }
    List<Diff> diffs = new ArrayList<>();
    for (FieldPair pair : pairs) {
      FieldComparator comparator;
      try {
        comparator = Comparators.forPair(pair);
      } catch (IllegalArgumentException e) {
        return Verdict.error("field " + pair.left() + ": " + e.getMessage());
      }
      diffs.addAll(comparePair(pair, comparator, left.values(), right.values()));
    }
    return diffs.isEmpty() ? Verdict.pass() : fail(diffs);
  }

  /**
   * The verdict of a task's two sides: list sides ({@link SideSpec#isList()} on both) row by row through
   * {@link ListDiffer}, otherwise as one entity.
   */
  public static Verdict diff(List<FieldPair> pairs, SideSpec leftSpec, SideRead left, SideSpec rightSpec, SideRead right) {
    if (leftSpec.isList() && rightSpec.isList()) {
      return ListDiffer.diff(pairs, left, leftSpec.rowKey(), right, rightSpec.rowKey());
    }
    return diff(pairs, left, right);
  }

  /** ERROR naming each side that could not be read, or null if both were. */
  static Verdict unreadable(SideRead left, SideRead right) {
    if (!left.failed() && !right.failed()) {
      return null;
    }
    List<String> errors = new ArrayList<>();
    if (left.failed()) {
      errors.add(LEFT + ": " + left.error());
    }
    if (right.failed()) {
      errors.add(RIGHT + ": " + right.error());
    }
    return Verdict.error(String.join("; ", errors));
  }

  /** The diffs of one pair between two rows (none if equal). */
  static List<Diff> comparePair(FieldPair pair, FieldComparator comparator, Map<String, Object> left, Map<String, Object> right) {
    FieldLookup.Found l = FieldLookup.find(left, pair.left());
    FieldLookup.Found r = FieldLookup.find(right, pair.right());
    if (!l.present() || !r.present()) {
      List<Diff> missing = new ArrayList<>();
      if (!l.present()) {
        missing.add(missingField(pair, LEFT, pair.left(), r.value()));
      }
      if (!r.present()) {
        missing.add(missingField(pair, RIGHT, pair.right(), l.value()));
      }
      return missing;
    }
    FieldComparator.Match match = comparator.compare(l.value(), r.value());
    return match.equal() ? List.of()
        : List.of(new Diff(Diff.MISMATCH, pair.left(), pair.right(), null, l.value(), r.value(),
            pair.comparator().name(), match.detail()));
  }

  private static Diff missingField(FieldPair pair, String side, String name, Object otherValue) {
    Object leftValue = LEFT.equals(side) ? null : otherValue;
    Object rightValue = RIGHT.equals(side) ? null : otherValue;
    return new Diff(Diff.MISSING, pair.left(), pair.right(), side, leftValue, rightValue,
        pair.comparator().name(), side + " has no field '" + name + "'");
  }

  private static Verdict fail(List<Diff> diffs) {
    return new Verdict(Status.FAIL, List.copyOf(diffs), null);
  }
}
