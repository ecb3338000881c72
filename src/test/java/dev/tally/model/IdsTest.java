package dev.tally.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {
  @Test
  void aShortJobIdIsTheEventAndTaskAndKeepsTheEventsOrder() {
    assertEquals("e-1~check", Ids.job("e-1", "check"));
    assertEquals(Ids.job("e-1", "check"), Ids.job("e-1", "check"), "the same event and task: the same job");
    List<String> ids = new ArrayList<>();
    long start = 1_780_000_000_000L;
    for (int i = 0; i < 1000; i++) ids.add(Ids.job(Ids.timeOrdered(start + i), "bench-check"));
    List<String> sorted = new ArrayList<>(ids);
    sorted.sort(null);
    assertEquals(ids, sorted, "time-ordered events make jobs in the same order");
  }

  @Test
  void aTimeOrderedIdIsTwelveHexDigitsOfTimeThenTwelveRandomOnes() {
    long millis = 1_780_000_000_123L;
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = Ids.timeOrdered(millis);
      assertTrue(id.matches("[0-9a-f]{24}"), id);
      assertTrue(id.startsWith(Ids.floor(millis)), id);
      assertEquals(String.format("%012x", millis), id.substring(0, 12));
      ids.add(id);
    }
    assertEquals(1000, ids.size(), "random enough not to repeat within a millisecond");
    assertTrue(Ids.floor(millis + 1).compareTo(Ids.timeOrdered(millis)) > 0, "a later millisecond sorts after");
  }

  @Test
  void noTwoEventAndTaskPairsShareAJobId() {
    // task ids never hold '~' (letters, digits, '_', '.', '-'); event ids may hold anything
    Set<String> seen = new HashSet<>();
    String[][] pairs = {{"a~b", "c"}, {"a", "b~c"}, {"a~", "bc"}, {"a", "~bc"}, {"a", "bc"}, {"ab", "c"}, {"a-b", "c"}, {"a", "b-c"}};
    for (String[] pair : pairs) {
      String task = pair[1];
      if (task.contains("~")) continue; // not a task id
      assertTrue(seen.add(Ids.job(pair[0], task)), pair[0] + " / " + task);
    }
    assertEquals(6, seen.size());
  }

  @Test
  void aLongOneIsAUuidThatNoReadableIdCanEqual() {
    String longEvent = "x".repeat(Ids.MAX_READABLE_JOB_ID);
    String id = Ids.job(longEvent, "t");
    assertEquals(36, id.length());
    assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), id);
    assertEquals(id, Ids.job(longEvent, "t"));
    assertNotEquals(id, Ids.job(longEvent, "u"));
    String justFits = "y".repeat(Ids.MAX_READABLE_JOB_ID - 2);
    assertEquals(justFits + "~t", Ids.job(justFits, "t"));
    assertTrue(Ids.job(justFits, "t").length() + ":recheck".length() <= 64, "a re-check's id still fits the column");
  }
}
