package dev.tally.source;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A text with {@code #{name}} placeholders whose values come from an event's data. The text between
 * placeholders is fixed configuration; values are never interpreted as template syntax.
 */
public final class Template {
  private static final Pattern PLACEHOLDER = Pattern.compile("#\\{\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*}");

  /** Literal text (var == null) or a placeholder. */
  public record Part(String literal, String var) {
  }

  /** Parsed templates by text: every check renders its task's templates, which change only with configuration. */
  private static final ConcurrentHashMap<String, Template> PARSED = new ConcurrentHashMap<>();
  /** Enough for every template of thousands of tasks; past it a template is parsed each time, as before the cache. */
  private static final int MAX_CACHED = 10_000;

  private final String source;
  private final List<Part> parts;
  private final Set<String> variables;

  private Template(String source, List<Part> parts) {
    this.source = source;
    this.parts = parts;
    Set<String> vars = new LinkedHashSet<>();
    for (Part p : parts) if (p.var() != null) vars.add(p.var());
    this.variables = Collections.unmodifiableSet(vars);
  }

  public static Template parse(String text) {
    if (text == null) return parseNow(null);
    Template cached = PARSED.get(text);
    if (cached != null) return cached;
    Template parsed = parseNow(text);
    if (PARSED.size() < MAX_CACHED) PARSED.putIfAbsent(text, parsed);
    return parsed;
  }

  private static Template parseNow(String text) {
    List<Part> parts = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(text == null ? "" : text);
    int last = 0;
    while (m.find()) {
      if (m.start() > last) parts.add(new Part(text.substring(last, m.start()), null));
      parts.add(new Part(null, m.group(1)));
      last = m.end();
    }
    if (text != null && last < text.length()) parts.add(new Part(text.substring(last), null));
    return new Template(text, List.copyOf(parts));
  }

  public String source() {
    return source;
  }

  public List<Part> parts() {
    return parts;
  }

  /** The variables, in order of first use (unmodifiable). */
  public Set<String> variables() {
    return variables;
  }

  /** The variables of a template text, in order of first use. */
  public static Set<String> variables(String text) {
    return text == null ? Set.of() : parse(text).variables();
  }

  /** Renders with every value passed through {@code encode} (URL-encoding, JSON-escaping, or identity). */
  public String render(Map<String, Object> data, Function<Object, String> encode) {
    StringBuilder sb = new StringBuilder();
    for (Part p : parts) {
      sb.append(p.var() == null ? p.literal() : encode.apply(value(data, p.var())));
    }
    return sb.toString();
  }

  /** The value of {@code var} in the event's data; dotted names reach into nested objects. */
  @SuppressWarnings("unchecked")
  public static Object value(Map<String, Object> data, String var) {
    if (data.containsKey(var)) return data.get(var);
    Object current = data;
    for (String step : var.split("\\.")) {
      if (!(current instanceof Map<?, ?> map) || !map.containsKey(step)) throw new MissingVariableException(var);
      current = ((Map<String, Object>) map).get(step);
    }
    return current;
  }

  /** A template names a variable the event does not carry. */
  public static final class MissingVariableException extends RuntimeException {
    private final String variable;

    public MissingVariableException(String variable) {
      super("template variable '" + variable + "' is not in the event's data");
      this.variable = variable;
    }

    public String variable() {
      return variable;
    }
  }
}
