package dev.tally.api;

import dev.tally.model.ApiCheck;
import dev.tally.model.Task;
import dev.tally.model.ValidationException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Header values sent to a user's endpoint (tokens, typically) are write-only, like a data source's password: an
 * API task's {@code api.headers} and an HTTP data source's {@code headers}. The API shows each value as
 * {@value #MASK}, and a PUT that sends {@value #MASK} back keeps the stored value, so a task or data source read,
 * edited and sent back keeps its token.
 */
final class ApiHeaders {
  static final String MASK = "******";

  private ApiHeaders() {
  }

  /** The task as the API shows it. */
  static Task view(Task t) {
    if (t.api() == null || t.api().headers().isEmpty()) return t;
    return withHeaders(t, masked(t.api().headers()));
  }

  /** {@code in} with every masked header value replaced by the stored one of {@code old} (null on create). */
  static Task keepStored(Task in, Task old) {
    if (in.api() == null || !in.api().headers().containsValue(MASK)) return in;
    return withHeaders(in, keepStored(in.api().headers(), old == null || old.api() == null ? Map.of() : old.api().headers(), "api.headers."));
  }

  /** The names with every value masked, sorted by name. */
  static Map<String, String> masked(Map<String, String> headers) {
    Map<String, String> masked = new LinkedHashMap<>();
    headers.keySet().stream().sorted().forEach(name -> masked.put(name, MASK));
    return masked;
  }

  /** {@code headers} with each masked value replaced by the stored one; a mask with nothing stored is a 400. */
  static Map<String, String> keepStored(Map<String, String> headers, Map<String, String> stored, String fieldPrefix) {
    if (!headers.containsValue(MASK)) return headers;
    Map<String, String> kept = new LinkedHashMap<>(headers);
    kept.replaceAll((name, value) -> {
      if (!MASK.equals(value)) return value;
      if (!stored.containsKey(name)) throw new ValidationException(fieldPrefix + name, "no stored value", MASK + " keeps a stored value; send the value");
      return stored.get(name);
    });
    return kept;
  }

  private static Task withHeaders(Task t, Map<String, String> headers) {
    return t.withApi(new ApiCheck(t.api().url(), headers, t.api().timeoutMs()));
  }
}
