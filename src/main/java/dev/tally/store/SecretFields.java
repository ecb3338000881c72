package dev.tally.store;

import dev.tally.model.AlertChannel;
import dev.tally.model.ApiCheck;
import dev.tally.model.DataSource;
import dev.tally.model.Task;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The secrets of a configuration document, the only values sealed in the store: a copy of the document with
 * {@code f} applied to each of them. Data source: password, apiKey, header values. Task: callback secret, API
 * task header values. Alert channel: url (a webhook URL carries its token).
 */
interface SecretFields<T> {
  T map(T doc, UnaryOperator<String> f);

  SecretFields<DataSource> DATA_SOURCE = (d, f) -> d.withSecrets(f.apply(d.password()), f.apply(d.apiKey()),
      values(d.headers(), f));

  SecretFields<Task> TASK = (t, f) -> {
    Task out = t.callback() == null ? t : t.withCallback(t.callback().withSecret(f.apply(t.callback().secret())));
    ApiCheck api = out.api();
    return api == null ? out : out.withApi(new ApiCheck(api.url(), values(api.headers(), f), api.timeoutMs()));
  };

  SecretFields<AlertChannel> ALERT_CHANNEL = (c, f) -> c.withIdentity(c.id(), f.apply(c.url()), c.createdAt(), c.updatedAt());

  private static Map<String, String> values(Map<String, String> m, UnaryOperator<String> f) {
    if (m == null || m.isEmpty()) return m;
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, f.apply(v)));
    return out;
  }
}
