package dev.tally.source;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.tally.model.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** How event values are written into keys, URLs and JSON bodies: encoded for where they land. */
public final class TemplateValues {
  private TemplateValues() {
  }

  /** Fails (MissingVariableException, IllegalArgumentException) unless every variable has a non-null value. */
  public static void requirePresent(Template template, Map<String, Object> data) {
    for (String var : template.variables()) {
      if (Template.value(data, var) == null) throw new IllegalArgumentException("template variable '" + var + "' is null");
    }
  }

  /** The plain text of a value: decimals without exponent, objects and arrays as JSON. */
  public static String plain(Object value) {
    return ColumnTypes.text(value);
  }

  /** A value as one URL path or query component: every reserved character escaped, spaces as %20. */
  public static String url(Object value) {
    return URLEncoder.encode(plain(value), StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Renders a JSON body template. A placeholder inside a JSON string gets the value's escaped text; one
   * outside gets the value as a whole JSON value (string quoted, number, object). Either way a value such
   * as {@code x", "evil": 1} stays inside the place it was put.
   */
  public static String json(Template template, Map<String, Object> data) {
    StringBuilder sb = new StringBuilder();
    boolean inString = false;
    boolean escaped = false;
    for (Template.Part part : template.parts()) {
      if (part.var() == null) {
        String text = part.literal();
        for (int i = 0; i < text.length(); i++) {
          char c = text.charAt(i);
          if (escaped) {
            escaped = false;
          } else if (inString && c == '\\') {
            escaped = true;
          } else if (c == '"') {
            inString = !inString;
          }
        }
        sb.append(text);
      } else {
        Object value = Template.value(data, part.var());
        if (inString) {
          sb.append(JsonStringEncoder.getInstance().quoteAsString(plain(value)));
        } else {
          sb.append(Json.write(value));
        }
      }
    }
    return sb.toString();
  }
}
