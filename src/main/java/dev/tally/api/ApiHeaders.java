package dev.tally.api;

import dev.tally.model.ApiCheck;
import dev.tally.model.Task;
import dev.tally.model.ValidationException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The header values of an API task's endpoint (tokens, typically) are write-only, like a data source's password:
 * the API shows each as {@value #MASK}, and a PUT that sends {@value #MASK} back keeps the stored value, so a task
 * read, edited and sent back keeps its token.
 */
final class ApiHeaders {
  static final String MASK = "******";

  private ApiHeaders() {
  }

  /** The task as the API shows it. */
  static Task view(Task t) {
    if (t.api() == null || t.api().headers().isEmpty()) return t;
    Map<String, String> masked = new LinkedHashMap<>();
    t.api().headers().keySet().stream().sorted().forEach(name -> masked.put(name, MASK));
    return withHeaders(t, masked);
  }

  /** {@code in} with every masked header value replaced by the stored one of {@code old} (null on create). */
  static Task keepStored(Task in, Task old) {
    if (in.api() == null || !in.api().headers().containsValue(MASK)) return in;
    Map<String, String> stored = old == null || old.api() == null ? Map.of() : old.api().headers();
    Map<String, String> headers = new LinkedHashMap<>(in.api().headers());
    headers.replaceAll((name, value) -> {
      if (!MASK.equals(value)) return value;
      if (!stored.containsKey(name)) throw new ValidationException("api.headers." + name, "no stored value", MASK + " keeps a stored value; send the value");
      return stored.get(name);
    });
    return withHeaders(in, headers);
  }

  private static Task withHeaders(Task t, Map<String, String> headers) {
    return new Task(t.id(), t.name(), t.eventSourceId(), t.type(), t.enabled(), t.left(), t.right(), t.compare(),
        t.entityKey(), t.strategy(), new ApiCheck(t.api().url(), headers, t.api().timeoutMs()), t.callback(),
        t.createdAt(), t.updatedAt());
  }
}
