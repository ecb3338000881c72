package dev.tally.model;

/** The result of checking a job once more after its repair: PASS means the repair worked. */
public record Recheck(String resultId, Status status) {
}
