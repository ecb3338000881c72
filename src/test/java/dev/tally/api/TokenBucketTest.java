package dev.tally.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void startsFullAndRefusesBeyondTheRateWithoutTakingAnything() {
    TokenBucket bucket = new TokenBucket(10, 0);
    assertEquals(0, bucket.take(6, 0));
    assertEquals(1, bucket.take(6, 0), "4 left: refused, wait a second");
    assertEquals(0, bucket.take(4, 0), "the refused take took nothing");
    assertEquals(1, bucket.take(1, 0));
  }

  @Test
  void refillsWithTimeUpToOneSecondsWorth() {
    TokenBucket bucket = new TokenBucket(10, 0);
    assertEquals(0, bucket.take(10, 0));
    assertEquals(0, bucket.take(5, SECOND / 2));
    assertEquals(1, bucket.take(1, SECOND / 2));
    assertEquals(0, bucket.take(10, 100 * SECOND), "refilled to the capacity");
    assertEquals(1, bucket.take(1, 100 * SECOND), "never above the capacity");
  }

  @Test
  void retryAfterCountsTheSecondsTheMissingTokensTake() {
    TokenBucket bucket = new TokenBucket(2, 0);
    assertEquals(0, bucket.take(2, 0));
    assertEquals(1, bucket.take(2, SECOND / 10), "1.8 tokens missing at 2 a second: 0.9 s, rounded up");
    assertEquals(0, bucket.take(2, SECOND / 10 + SECOND), "after the answered wait the take succeeds");
    assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 0));
  }
}
