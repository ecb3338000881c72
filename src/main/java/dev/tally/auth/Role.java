package dev.tally.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A user's role in one team; each includes the ones before it. */
public enum Role {
  /** reads the team's configuration, results, discrepancies, reports and live view */
  VIEWER,
  /** a viewer who also runs "try it", triages discrepancies, re-runs jobs and tests connections */
  OPERATOR,
  /** an operator who also configures: event sources, data sources, tasks, alert channels, ingestion tokens */
  ADMIN;

  public boolean includes(Role other) {
    return ordinal() >= other.ordinal();
  }

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** viewer, operator or admin (any case); null for anything else. */
  @JsonCreator
  public static Role parse(String text) {
    if (text == null) return null;
    for (Role r : values()) {
      if (r.name().equalsIgnoreCase(text.strip())) return r;
    }
    return null;
  }
}
