package dev.tally.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Triage state of a discrepancy. A FAIL opens it as {@code open}; operators move it between all four; a PASS
 * of its (task, key) closes it as {@code resolved}, whatever its state (an {@code ignored} one too). Written
 * lowercase in JSON and in the store.
 */
public enum DiscrepancyState {
  OPEN, ACKNOWLEDGED, IGNORED, RESOLVED;

  @JsonValue
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state named {@code code} (any case), or null if there is none. */
  public static DiscrepancyState parse(String code) {
    for (DiscrepancyState s : values()) {
      if (s.code().equalsIgnoreCase(code.trim())) return s;
    }
    return null;
  }

  public static String known() {
    return "open, acknowledged, ignored or resolved";
  }
}
