package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RateWindowTest {
  @Test
  void ratesAreTheLastWholeSecondsAveraged() {
    RateWindow w = new RateWindow(5);
    long t = 1_000_000_000L;
    w.events(t, 10);
    w.result(t + 10, "a", false);
    w.result(t + 20, "a", true);
    w.result(t + 999, "b", false);
    w.events(t + 1500, 5);
    // the current second is left out
    assertEquals(0.0, w.rates(t + 500).eventsPerSec());
    RateWindow.Rates r = w.rates(t + 2000);
    assertEquals(3.0, r.eventsPerSec());
    assertEquals(0.6, r.resultsPerSec(), 1e-12);
    assertEquals(0.2, r.failuresPerSec(), 1e-12);
    assertEquals(List.of(new RateWindow.TaskRate("a", 0.4, 0.2), new RateWindow.TaskRate("b", 0.2, 0.0)), r.perTask());
    // five seconds on, the first second has left the window; six on, the second one too
    assertEquals(1.0, w.rates(t + 6000).eventsPerSec());
    assertEquals(List.of(), w.rates(t + 6000).perTask());
    assertEquals(0.0, w.rates(t + 7000).eventsPerSec());
  }

  @Test
  void aSlotIsReusedForItsNewSecond() {
    RateWindow w = new RateWindow(5);
    long t = 2_000_000_000L;
    w.events(t, 100);
    w.events(t + 6000, 1); // the same slot of the ring, six seconds later
    assertEquals(0.2, w.rates(t + 7000).eventsPerSec(), 1e-12);
  }
}
