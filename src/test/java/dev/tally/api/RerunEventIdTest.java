package dev.tally.api;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A re-run's event id: the original's, marked, new each time, and short enough for a re-check's suffix. */
class RerunEventIdTest {
  @Test
  void marksTheOriginalEventIdAndStaysWithinTheLimit() {
    String first = ResultRoutes.rerunEventId("order-7");
    assertTrue(first.matches("order-7~rerun-[0-9a-f]{24}"), first);
    assertNotEquals(first, ResultRoutes.rerunEventId("order-7"));
    String again = ResultRoutes.rerunEventId(first);
    assertTrue(again.startsWith("order-7~rerun-") && again.indexOf("~rerun-") == again.lastIndexOf("~rerun-"), again);
    String longest = ResultRoutes.rerunEventId("x".repeat(128));
    assertTrue(longest.length() + ":recheck".length() <= 128, longest);
  }
}
