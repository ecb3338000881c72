package dev.tally.model;

import java.util.List;

/** One repair operation Tally applied itself: what ({@code action}, {@code text}, bound values), when, and how it went. */
public record AppliedRepair(String action, String text, List<Object> values, long at, boolean ok, String error) {
}
