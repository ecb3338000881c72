package dev.tally.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The plain decisions behind sign-in: throttling, the caller cache, last-use writes, what owners may do to users. */
class AuthRulesTest {
  @Test
  void fiveFailuresInTheWindowThrottleTheUsernameUntilTheOldestLeaves() {
    LoginThrottle throttle = new LoginThrottle(5, 300_000);
    long t = 1_000_000;
    for (int i = 0; i < 4; i++) throttle.failed("Olivia", t + i * 1000);
    assertEquals(0, throttle.waitSeconds("olivia", t + 5000), "four failures: still allowed");
    throttle.failed("olivia ", t + 10_000);
    assertEquals(290, throttle.waitSeconds("OLIVIA", t + 10_000), "until the first failure is 5 minutes old");
    assertEquals(0, throttle.waitSeconds("someone-else", t + 10_000));
    assertEquals(0, throttle.waitSeconds("olivia", t + 300_000), "the oldest failure left the window");
    throttle.succeeded("olivia");
    assertEquals(0, throttle.waitSeconds("olivia", t + 10_001));
  }

  @Test
  void cachedCallersExpireAndClearAtOnce() {
    TtlCache<String> cache = new TtlCache<>(5000);
    cache.put("k", "v", 0);
    assertEquals("v", cache.get("k", 4999));
    assertNull(cache.get("k", 5000));
    cache.put("k", "v", 0);
    cache.clear();
    assertNull(cache.get("k", 1));
  }

  @Test
  void lastUseIsWrittenOnceAMinutePerToken() {
    UsageClock clock = new UsageClock(60_000);
    assertTrue(clock.due("a", 0));
    assertFalse(clock.due("a", 59_999));
    assertTrue(clock.due("b", 59_999));
    assertTrue(clock.due("a", 60_000));
  }

  @Test
  void ownersKeepAtLeastOneOwnerAndCannotLockThemselvesOut() {
    assertNotNull(UserRules.refusedChange("me", "me", true, false, null, 3), "own owner flag");
    assertNotNull(UserRules.refusedChange("me", "me", true, null, true, 3), "disable self");
    assertNotNull(UserRules.refusedChange("me", "other", true, false, null, 1), "the last owner");
    assertNotNull(UserRules.refusedChange(null, "other", true, null, true, 1), "open mode cannot disable the last owner either");
    assertNull(UserRules.refusedChange("me", "other", true, false, null, 2));
    assertNull(UserRules.refusedChange("me", "other", false, null, true, 1), "a non-owner may be disabled");
    assertNull(UserRules.refusedChange("me", "me", true, true, false, 1), "nothing lost");
    assertNotNull(UserRules.refusedDelete("me", "me", true, 2));
    assertNotNull(UserRules.refusedDelete("me", "other", true, 1));
    assertNull(UserRules.refusedDelete("me", "other", true, 2));
    assertNull(UserRules.badUsername("ops.bot@example-1"));
    assertNotNull(UserRules.badUsername(" admin"));
    assertNotNull(UserRules.badUsername("a/b"));
    assertNotNull(UserRules.badUsername(""));
  }
}
