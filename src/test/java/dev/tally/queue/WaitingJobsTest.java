package dev.tally.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.Event;
import dev.tally.model.Job;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WaitingJobsTest {
  private final WaitingJobs waiting = new WaitingJobs();

  private static Job job(String id, String task, String entity) {
    return new Job(id, task, new Event("e", "src", "UPDATE", Map.of(), null, 0, 0), entity, 1, 0, 0, List.of());
  }

  @Test
  void anEntityWaitsWhileAnyOfItsJobsDoes() {
    Job a = job("a", "t1", "42");
    Job b = job("b", "t1", "42");
    Job c = job("c", "t1", "43");
    waiting.add(a);
    waiting.add(b);
    waiting.add(c);
    assertEquals(3, waiting.size());
    assertTrue(waiting.contains("t1", "42"));
    assertFalse(waiting.contains("t2", "42"), "another task's entity of the same key");
    waiting.remove(a);
    assertTrue(waiting.contains("t1", "42"), "b still waits");
    waiting.remove(b);
    assertFalse(waiting.contains("t1", "42"));
    assertEquals(1, waiting.size());
  }

  @Test
  void aJobAddedTwiceIsRemovedOnceAndAnUnknownRemoveChangesNothing() {
    Job a = job("a", "t1", "42");
    waiting.add(a);
    waiting.add(a);
    assertEquals(1, waiting.size());
    waiting.remove(job("x", "t1", "42"));
    assertTrue(waiting.contains("t1", "42"));
    waiting.remove(a);
    assertFalse(waiting.contains("t1", "42"));
    assertEquals(0, waiting.size());

    // from several ids back to one, and the duplicate of a set member
    waiting.add(a);
    waiting.add(job("b", "t1", "42"));
    waiting.add(job("c", "t1", "42"));
    waiting.add(job("b", "t1", "42"));
    assertEquals(3, waiting.size());
    waiting.remove(job("b", "t1", "42"));
    waiting.remove(job("c", "t1", "42"));
    waiting.add(job("c", "t1", "42"));
    waiting.remove(job("c", "t1", "42"));
    waiting.remove(job("c", "t1", "42"));
    assertEquals(1, waiting.size());
    waiting.remove(a);
    assertFalse(waiting.contains("t1", "42"));
    assertEquals(0, waiting.size());
  }
}
