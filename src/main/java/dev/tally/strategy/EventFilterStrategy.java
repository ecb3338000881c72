package dev.tally.strategy;

import dev.tally.model.EventFilter;
import dev.tally.model.Job;
import dev.tally.model.Task;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Keeps only events whose op and field values match the task's condition (e.g. a terminal status). */
public final class EventFilterStrategy implements StrategyFilter {
  @Override
  public String name() {
    return "filter";
  }

  @Override
  public Admission admit(Job job, Task task, StrategyContext ctx) {
    EventFilter filter = task.strategy().filter();
    if (filter == null) return Admission.keep(job);
    String op = job.event().op();
    if (!filter.ops().isEmpty() && filter.ops().stream().noneMatch(o -> o.equalsIgnoreCase(op))) {
      return Admission.drop(name(), "op " + op + " not in " + filter.ops());
    }
    for (Map.Entry<String, List<Object>> condition : filter.fields().entrySet()) {
      Object actual = job.event().data().get(condition.getKey());
      if (condition.getValue().stream().noneMatch(allowed -> sameValue(allowed, actual))) {
        return Admission.drop(name(), condition.getKey() + "=" + actual + " not in " + condition.getValue());
      }
    }
    return Admission.keep(job);
  }

  // Event values come from JSON, so 1 and "1" and 1.0 must all match a configured 1.
  private static boolean sameValue(Object allowed, Object actual) {
    if (Objects.equals(allowed, actual)) return true;
    if (allowed == null || actual == null) return false;
    return canonical(allowed).equals(canonical(actual));
  }

  private static String canonical(Object v) {
    if (v instanceof Number n) {
      try {
        return new java.math.BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
      } catch (NumberFormatException e) {
        return n.toString();
      }
    }
    return String.valueOf(v);
  }
}
