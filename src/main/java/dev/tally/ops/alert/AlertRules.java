package dev.tally.ops.alert;

import dev.tally.model.AlertChannel;
import dev.tally.model.AlertChannelKind;
import dev.tally.model.AlertPolicy;
import dev.tally.model.Status;
import dev.tally.model.ValidationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/** What makes an alert channel and a task's alert policy valid. */
public final class AlertRules {
  public static final int MIN_WINDOW_SECONDS = 10;
  public static final int MAX_WINDOW_SECONDS = 86_400;

  private AlertRules() {
  }

  /** name, kind and an absolute http(s) url; a bad url is refused without being echoed (it may hold a token). */
  public static AlertChannel validate(AlertChannel c) {
    if (c.name() == null || c.name().isBlank()) throw new ValidationException("name", "required");
    if (c.name().length() > 200) throw new ValidationException("name", "too long", "at most 200 characters");
    if (c.kind() == null) throw new ValidationException("kind", "required", "one of " + List.of(AlertChannelKind.values()));
    if (c.url() == null || c.url().isBlank()) throw new ValidationException("url", "required");
    try {
      URI uri = new URI(c.url().strip());
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new URISyntaxException("url", "not http(s)");
      }
    } catch (URISyntaxException e) {
      throw new ValidationException("url", "not an absolute http(s) URL");
    }
    return c;
  }

  /** At least one channel id, a window of 10 s to a day, and only FAIL and ERROR to alert on. Existence is checked by the caller. */
  public static void validate(AlertPolicy p) {
    if (p.channelIds().isEmpty()) throw new ValidationException("alert.channelIds", "required", "at least one alert channel id");
    for (int i = 0; i < p.channelIds().size(); i++) {
      String id = p.channelIds().get(i);
      if (id == null || id.isBlank()) throw new ValidationException("alert.channelIds[" + i + "]", "required");
      if (p.channelIds().indexOf(id) != i) throw new ValidationException("alert.channelIds[" + i + "]", "duplicate", id);
    }
    if (p.windowSeconds() != null && (p.windowSeconds() < MIN_WINDOW_SECONDS || p.windowSeconds() > MAX_WINDOW_SECONDS)) {
      throw new ValidationException("alert.windowSeconds", "out of range", "between " + MIN_WINDOW_SECONDS + " and " + MAX_WINDOW_SECONDS);
    }
    for (int i = 0; i < p.on().size(); i++) {
      Status s = p.on().get(i);
      if (s != Status.FAIL && s != Status.ERROR) throw new ValidationException("alert.on[" + i + "]", "not allowed", "FAIL or ERROR");
    }
  }
}
