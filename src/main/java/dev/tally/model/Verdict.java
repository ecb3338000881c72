package dev.tally.model;

import java.util.List;

/** What the comparison concluded, before it becomes a stored result. */
public record Verdict(Status status, List<Diff> diffs, String error) {
  public static Verdict pass() {
    return new Verdict(Status.PASS, List.of(), null);
  }

  public static Verdict error(String message) {
    return new Verdict(Status.ERROR, List.of(), message);
  }
}
