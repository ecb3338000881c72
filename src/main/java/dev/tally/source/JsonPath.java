package dev.tally.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The simple JSON path a side uses to reach its entity in a JSON document: {@code $}, {@code $.a.b},
 * {@code a.b}, {@code $.items[0].x}, {@code $['odd key']}. Works on parsed JSON (Map, List, scalars).
 */
public final class JsonPath {
  /** A member name, or an array index when {@code name} is null. */
  private record Step(String name, int index) {
  }

  private static final JsonPath ROOT = new JsonPath("$", List.of());

  private final String text;
  private final List<Step> steps;

  private JsonPath(String text, List<Step> steps) {
    this.text = text;
    this.steps = steps;
  }

  /** Null or blank means the whole document. Throws IllegalArgumentException saying what is wrong. */
  public static JsonPath parse(String path) {
    if (path == null || path.isBlank()) return ROOT;
    String p = path.trim();
    List<Step> steps = new ArrayList<>();
    int i = 0;
    if (p.charAt(0) == '$') {
      i = 1;
    } else if (p.charAt(0) != '[') {
      i = readName(p, 0, steps);
    }
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == '.') {
        i = readName(p, i + 1, steps);
      } else if (c == '[') {
        i = readBracket(p, i + 1, steps);
      } else {
        throw new IllegalArgumentException("unexpected '" + c + "' at position " + i + " in JSON path " + p);
      }
    }
    return new JsonPath(p, List.copyOf(steps));
  }

  private static int readName(String p, int from, List<Step> steps) {
    int end = from;
    while (end < p.length() && p.charAt(end) != '.' && p.charAt(end) != '[') end++;
    String name = p.substring(from, end).trim();
    if (name.isEmpty()) throw new IllegalArgumentException("empty member name at position " + from + " in JSON path " + p);
    steps.add(new Step(name, -1));
    return end;
  }

  private static int readBracket(String p, int from, List<Step> steps) {
    int close;
    if (from < p.length() && (p.charAt(from) == '\'' || p.charAt(from) == '"')) {
      char quote = p.charAt(from);
      int endQuote = p.indexOf(quote, from + 1);
      if (endQuote < 0 || endQuote + 1 >= p.length() || p.charAt(endQuote + 1) != ']') {
        throw new IllegalArgumentException("unterminated [" + quote + "...] in JSON path " + p);
      }
      steps.add(new Step(p.substring(from + 1, endQuote), -1));
      close = endQuote + 1;
    } else {
      close = p.indexOf(']', from);
      String digits = close < 0 ? "" : p.substring(from, close).trim();
      if (!digits.matches("\\d{1,9}")) throw new IllegalArgumentException("bad array index in JSON path " + p);
      steps.add(new Step(null, Integer.parseInt(digits)));
    }
    return close + 1;
  }

  /** The value at this path, or empty when a step is absent or the value is JSON null. */
  public Optional<Object> select(Object document) {
    Object current = document;
    for (Step step : steps) {
      if (step.name() != null && current instanceof Map<?, ?> map && map.containsKey(step.name())) {
        current = map.get(step.name());
      } else if (step.name() == null && current instanceof List<?> list && step.index() < list.size()) {
        current = list.get(step.index());
      } else {
        return Optional.empty();
      }
    }
    return Optional.ofNullable(current);
  }

  public boolean isRoot() {
    return steps.isEmpty();
  }

  @Override
  public String toString() {
    return text;
  }
}
