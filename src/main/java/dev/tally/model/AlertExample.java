package dev.tally.model;

/** One failure shown in an alert message: its result, entity key, status and first diff or error. */
public record AlertExample(String resultId, String entityKey, Status status, String summary) {
}
