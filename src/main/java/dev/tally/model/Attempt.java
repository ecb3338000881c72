package dev.tally.model;

/** One check of a job: when it ran, how long it took, what it concluded. */
public record Attempt(int number, Status status, long startedAt, long tookMs, String summary) {
}
