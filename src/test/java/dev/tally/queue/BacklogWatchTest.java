package dev.tally.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BacklogWatchTest {
  private static List<Boolean> feed(BacklogWatch watch, int... queued) {
    List<Boolean> out = new ArrayList<>();
    for (int q : queued) out.add(watch.drainedNow(q, 0));
    return out;
  }

  @Test
  void aBurstsBacklogIsReportedOnceWhenItHasRunOut() {
    BacklogWatch watch = new BacklogWatch(10_000, 100);
    assertEquals(List.of(false, false, false, false, true, false, false),
        feed(watch, 50, 12_000, 40_000, 3_000, 20, 10, 0));
  }

  @Test
  void steadyTrafficBelowTheBurstMarkNeverCounts() {
    BacklogWatch watch = new BacklogWatch(10_000, 100);
    assertEquals(List.of(false, false, false, false), feed(watch, 9_999, 50, 9_000, 0));
  }

  @Test
  void jobsStillInFlightKeepTheBacklogOpen() {
    BacklogWatch watch = new BacklogWatch(10_000, 100);
    assertFalse(watch.drainedNow(30_000, 1_000));
    assertFalse(watch.drainedNow(0, 400), "the queue is empty but 400 jobs are still being checked");
    assertTrue(watch.drainedNow(0, 10));
  }

  @Test
  void eachBurstIsReportedOnItsOwn() {
    BacklogWatch watch = new BacklogWatch(10_000, 100);
    assertEquals(List.of(false, true, false, true), feed(watch, 15_000, 0, 11_000, 5));
  }

  @Test
  void marksMustLeaveRoomBetweenThem() {
    assertThrows(IllegalArgumentException.class, () -> new BacklogWatch(100, 100));
    assertThrows(IllegalArgumentException.class, () -> new BacklogWatch(100, -1));
  }
}
