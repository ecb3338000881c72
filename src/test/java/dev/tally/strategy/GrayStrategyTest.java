package dev.tally.strategy;

import static dev.tally.strategy.Fixtures.ctx;
import static dev.tally.strategy.Fixtures.job;
import static dev.tally.strategy.Fixtures.strategy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.Ids;
import dev.tally.model.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class GrayStrategyTest {
  private static final int KEYS = 10_000;

  private final GrayStrategy gray = new GrayStrategy();

  private boolean kept(GrayStrategy filter, Task task, String key) {
    StrategyFilter.Admission a = filter.admit(job(task, key), task, ctx());
    if (!a.kept()) {
      assertEquals("gray", a.droppedBy());
      assertNotNull(a.reason());
    }
    return a.kept();
  }

  @Test
  void theSameEntityAlwaysGetsTheSameDecision() {
    Task task = strategy().sampleRate(0.3).task("task-1");
    GrayStrategy other = new GrayStrategy();
    int in = 0;
    for (int i = 0; i < 2_000; i++) {
      String key = "order-" + i;
      boolean first = kept(gray, task, key);
      for (int repeat = 0; repeat < 3; repeat++) {
        assertEquals(first, kept(gray, task, key), key);
        assertEquals(first, kept(other, task, key), key + " (another instance)");
      }
      if (first) in++;
    }
    assertTrue(in > 0 && in < 2_000, "some entities in and some out, got " + in);
  }

  @Test
  void decisionDependsOnTheEntityNotOnTheEventOrJob() {
    Task task = strategy().sampleRate(0.5).task("task-1");
    for (int i = 0; i < 200; i++) {
      String key = "k" + i;
      boolean a = gray.admit(job(task, key, Fixtures.event("insert", java.util.Map.of("id", key, "v", 1), 1L)), task,
          ctx()).kept();
      boolean b = gray.admit(job(task, key, Fixtures.event("update", java.util.Map.of("id", key, "v", 2), 9L)), task,
          new Fixtures.Ctx(123L)).kept();
      assertEquals(a, b, key);
    }
  }

  @Test
  void bucketIsStableAndInUnitInterval() {
    for (int i = 0; i < 1_000; i++) {
      double b = GrayStrategy.bucket("t", "k" + i);
      assertTrue(b >= 0.0 && b < 1.0, "bucket " + b);
      assertEquals(b, GrayStrategy.bucket("t", "k" + i));
    }
  }

  static Stream<Arguments> keyShapes() {
    Random random = new Random(42);
    List<String> uuids = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) uuids.add(new UUID(random.nextLong(), random.nextLong()).toString());
    IntFunction<String> plain = Integer::toString;
    IntFunction<String> prefixed = i -> "order-" + i;
    IntFunction<String> padded = i -> String.format("%010d", i);
    IntFunction<String> composite = i -> "shop" + (i % 7) + "|" + (1_000_000 + i);
    IntFunction<String> uuid = uuids::get;
    return Stream.of(
        Arguments.of("plain numbers", plain, 0.3),
        Arguments.of("prefixed", prefixed, 0.3),
        Arguments.of("zero padded", padded, 0.3),
        Arguments.of("composite key", composite, 0.3),
        Arguments.of("uuid", uuid, 0.3),
        Arguments.of("plain numbers", plain, 0.05),
        Arguments.of("uuid", uuid, 0.5),
        Arguments.of("prefixed", prefixed, 0.9));
  }

  @ParameterizedTest(name = "{0} at {2}")
  @MethodSource("keyShapes")
  void keepsRoughlyTheSampleShare(String shape, IntFunction<String> key, double rate) {
    Task task = strategy().sampleRate(rate).task("01890a5d0c3e7f1d2a3b4c5d");
    int in = 0;
    for (int i = 0; i < KEYS; i++) {
      if (kept(gray, task, key.apply(i))) in++;
    }
    double share = in / (double) KEYS;
    assertEquals(rate, share, 0.03, shape + ": kept share " + share);
  }

  @Test
  void allowListedKeysAreAlwaysIn() {
    Task probe = strategy().sampleRate(0.3).task("task-1");
    List<String> outside = new ArrayList<>();
    for (int i = 0; i < KEYS && outside.size() < 3; i++) {
      if (!kept(gray, probe, "order-" + i)) outside.add("order-" + i);
    }
    assertEquals(3, outside.size(), "a 30% sample leaves keys out");
    Task task = strategy().sampleRate(0.3).allowKeys(outside.toArray(String[]::new)).task("task-1");
    for (String key : outside) {
      StrategyFilter.Admission a = gray.admit(job(task, key), task, ctx());
      assertTrue(a.kept(), key + " is allow-listed");
    }
  }

  @Test
  void sampleRateZeroWithAllowListKeepsOnlyTheAllowList() {
    Task task = strategy().sampleRate(0.0).allowKeys("vip-1", "vip-2").task("task-1");
    assertTrue(kept(gray, task, "vip-1"));
    assertTrue(kept(gray, task, "vip-2"));
    for (int i = 0; i < KEYS; i++) {
      assertFalse(kept(gray, task, "order-" + i), "order-" + i);
    }
    assertFalse(kept(gray, task, "VIP-1"), "allow-list is exact");
  }

  @Test
  void sampleRateZeroWithoutAllowListDropsEverything() {
    Task task = strategy().sampleRate(0.0).task("task-1");
    for (int i = 0; i < 1_000; i++) assertFalse(kept(gray, task, Integer.toString(i)));
  }

  @Test
  void sampleRateOneKeepsEverythingAndTheJobUnchanged() {
    Task task = strategy().sampleRate(1.0).task("task-1");
    Task withAllowList = strategy().sampleRate(1.0).allowKeys("vip").task("task-1");
    for (int i = 0; i < KEYS; i++) {
      var job = job(task, "k" + i);
      StrategyFilter.Admission a = gray.admit(job, task, ctx());
      assertSame(job, a.job());
      assertTrue(kept(gray, withAllowList, "k" + i));
    }
  }

  /**
   * Two tasks' samples should be independent: at rate r they overlap on about r² of the entities. A linear
   * hash such as CRC32 fails this: for same-length inputs bucket(t1,k) XOR bucket(t2,k) is the same for
   * every k, so the samples come out identical or disjoint. Task ids (Ids.timeOrdered) all have the same
   * length, so that would hold for every pair of real tasks.
   */
  @ParameterizedTest(name = "sample rate {0}")
  @ValueSource(doubles = {0.1, 0.3, 0.5})
  void differentTasksSampleIndependently(double rate) {
    List<String[]> pairs = new ArrayList<>(List.of(new String[] {"task-1", "task-2"},
        new String[] {"orders-check", "refund-check"}));
    for (int i = 0; i < 4; i++) {
      pairs.add(new String[] {Ids.timeOrdered(1_700_000_000_000L + i), Ids.timeOrdered(1_700_000_000_100L + i)});
    }
    for (String[] pair : pairs) {
      Task a = strategy().sampleRate(rate).task(pair[0]);
      Task b = strategy().sampleRate(rate).task(pair[1]);
      int both = 0;
      for (int i = 0; i < KEYS; i++) {
        String key = String.format("%08d", i);
        if (kept(gray, a, key) && kept(gray, b, key)) both++;
      }
      // binomial sd of the overlap share is at most 0.005 here; allow about 4 sd plus a quarter of r²
      assertEquals(rate * rate, both / (double) KEYS, 0.25 * rate * rate + 0.005,
          pair[0] + " and " + pair[1] + ": overlap");
    }
  }
}
