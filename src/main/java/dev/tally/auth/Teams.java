package dev.tally.auth;

import java.util.regex.Pattern;

/** Team ids. */
public final class Teams {
  /** The team of everything made before teams existed, and of open-mode writes that name none. */
  public static final String DEFAULT = "default";
  public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  private Teams() {
  }

  /** A stored object's team: its own, or the default team for objects from before teams. */
  public static String of(String team) {
    return team == null || team.isBlank() ? DEFAULT : team;
  }
}
