package dev.tally.dispatch;

import dev.tally.model.SideSpec;
import dev.tally.model.Task;
import dev.tally.source.Template;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/** The event fields a task needs: its templates' variables and its entity key. */
public final class TaskVariables {
  private TaskVariables() {
  }

  public static Set<String> required(Task task) {
    Set<String> vars = new LinkedHashSet<>(task.entityKey());
    addSide(task.left(), vars);
    addSide(task.right(), vars);
    return vars;
  }

  private static void addSide(SideSpec side, Set<String> vars) {
    if (side == null) return;
    for (String text : new String[] {side.where(), side.key(), side.url(), side.body()}) {
      vars.addAll(Template.variables(text));
    }
  }

  /** The first required variable the event's data lacks, or null. */
  public static String firstMissing(Task task, Map<String, Object> data) {
    for (String var : required(task)) {
      try {
        Template.value(data, var);
      } catch (Template.MissingVariableException e) {
        return var;
      }
    }
    return null;
  }

  /** The entity key, with {@code ?} for a key field the event lacks. */
  public static String entityKeyOrPlaceholder(Task task, Map<String, Object> data) {
    StringJoiner key = new StringJoiner("|");
    for (String field : task.entityKey()) {
      try {
        key.add(String.valueOf(Template.value(data, field)));
      } catch (Template.MissingVariableException e) {
        key.add("?");
      }
    }
    return key.toString();
  }

  /** The entity key: the values of the task's key fields, joined by '|'. */
  public static String entityKey(Task task, Map<String, Object> data) {
    StringJoiner key = new StringJoiner("|");
    for (String field : task.entityKey()) key.add(String.valueOf(Template.value(data, field)));
    return key.toString();
  }
}
