package dev.tally.source;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An Elasticsearch query of a side, as a JSON tree with {@code #{var}} placeholders in its string values.
 * Binding replaces them in the tree, which is written as JSON only afterwards, so no value can change the
 * query's structure:
 * <ul>
 *   <li>a string that is exactly one placeholder ({@code "#{id}"}) becomes the event's value as a JSON
 *       value: a number stays a number, a string a string, an object an object;</li>
 *   <li>a string with a placeholder among other text ({@code "order-#{id}"}) gets the value's plain text
 *       in its place and stays a string;</li>
 *   <li>object keys and every other value are left as they are.</li>
 * </ul>
 */
final class EsQueryTemplate {
  private EsQueryTemplate() {
  }

  /** A bound query and the values bound into it, in the order they appear. */
  record Bound(Map<String, Object> query, List<Object> params) {
  }

  /**
   * @throws Template.MissingVariableException if a placeholder names a variable the event does not carry
   * @throws IllegalArgumentException if a variable's value is null
   */
  static Bound bind(Map<String, Object> query, Map<String, Object> data) {
    List<Object> params = new ArrayList<>();
    @SuppressWarnings("unchecked")
    Map<String, Object> bound = (Map<String, Object>) bind(query, data, params);
    return new Bound(bound, List.copyOf(params));
  }

  private static Object bind(Object node, Map<String, Object> data, List<Object> params) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((key, value) -> copy.put(String.valueOf(key), bind(value, data, params)));
      return copy;
    }
    if (node instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object item : list) copy.add(bind(item, data, params));
      return copy;
    }
    if (node instanceof String text) return bindString(text, data, params);
    return node;
  }

  private static Object bindString(String text, Map<String, Object> data, List<Object> params) {
    Template template = Template.parse(text);
    if (template.variables().isEmpty()) return text;
    StringBuilder sb = new StringBuilder();
    for (Template.Part part : template.parts()) {
      if (part.var() == null) {
        sb.append(part.literal());
        continue;
      }
      Object value = Template.value(data, part.var());
      if (value == null) throw new IllegalArgumentException("template variable '" + part.var() + "' is null");
      params.add(value);
      if (template.parts().size() == 1) return value;
      sb.append(TemplateValues.plain(value));
    }
    return sb.toString();
  }
}
