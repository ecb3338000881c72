package dev.tally.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.Callback;
import dev.tally.model.DataSourceKind;
import dev.tally.model.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallbackRulesTest {
  private static final String SECRET = "0123456789abcdef";

  private static Callback callback(String url, String on, String secret, Integer maxAttempts, Long backoffMs, Integer timeoutMs) {
    return new Callback(url, on, secret, maxAttempts, backoffMs, timeoutMs, null, null);
  }

  private static String refusedField(Callback c) {
    return assertThrows(ValidationException.class, () -> CallbackRules.validate(c, DataSourceKind.REDIS)).field();
  }

  @Test
  void fillsDefaults() {
    Callback c = CallbackRules.validate(callback("https://repair.example/hook", null, SECRET, null, null, null), DataSourceKind.MYSQL);
    assertEquals("FAIL", c.on());
    assertEquals(5, c.maxAttempts());
    assertEquals(1000L, c.backoffMs());
    assertEquals(5000, c.timeoutMs());
    assertFalse(c.recheck());
    assertFalse(c.applyRepair());
  }

  @Test
  void refusesBadSettingsNamingTheField() {
    assertEquals("callback.url", refusedField(callback(null, null, SECRET, null, null, null)));
    assertEquals("callback.url", refusedField(callback("/relative/hook", null, SECRET, null, null, null)));
    assertEquals("callback.url", refusedField(callback("ftp://host/hook", null, SECRET, null, null, null)));
    assertEquals("callback.on", refusedField(callback("http://h/x", "PASS", SECRET, null, null, null)));
    assertEquals("callback.maxAttempts", refusedField(callback("http://h/x", "ALL", SECRET, 0, null, null)));
    assertEquals("callback.maxAttempts", refusedField(callback("http://h/x", "ALL", SECRET, 21, null, null)));
    assertEquals("callback.timeoutMs", refusedField(callback("http://h/x", "ALL", SECRET, 20, null, 60_001)));
    assertEquals("callback.timeoutMs", refusedField(callback("http://h/x", "ALL", SECRET, 1, null, 0)));
    assertEquals("callback.backoffMs", refusedField(callback("http://h/x", "ALL", SECRET, 1, -1L, 1)));
    assertEquals("callback.secret", refusedField(callback("http://h/x", "ALL", null, 1, null, 1)));
    assertEquals("callback.secret", refusedField(callback("http://h/x", "ALL", "fifteen-chars!!", 1, null, 1)));
    assertEquals("ALL", CallbackRules.validate(callback("http://h/x", "all", SECRET, 20, 0L, 60_000), DataSourceKind.HTTP).on());
    // a reference is short; the secret it names is resolved when the callback is called
    assertEquals("env:CB_KEY", CallbackRules.validate(callback("http://h/x", "ALL", "env:CB_KEY", 1, null, 1), DataSourceKind.HTTP).secret());
  }

  @Test
  void applyRepairOnlyForRedisAndElasticsearchTargets() {
    Callback apply = new Callback("http://h/x", null, SECRET, null, null, null, null, true);
    assertTrue(CallbackRules.validate(apply, DataSourceKind.REDIS).applyRepair());
    assertTrue(CallbackRules.validate(apply, DataSourceKind.ELASTICSEARCH).applyRepair());
    for (DataSourceKind kind : List.of(DataSourceKind.MYSQL, DataSourceKind.POSTGRES, DataSourceKind.HTTP)) {
      assertEquals("callback.applyRepair",
          assertThrows(ValidationException.class, () -> CallbackRules.validate(apply, kind)).field());
    }
  }

  @Test
  void backoffDoublesAndIsCapped() {
    Callback c = callback("http://h/x", null, SECRET, 20, 1000L, null);
    assertEquals(1000, CallbackRules.backoffBefore(c, 2));
    assertEquals(2000, CallbackRules.backoffBefore(c, 3));
    assertEquals(4000, CallbackRules.backoffBefore(c, 4));
    assertEquals(CallbackRules.MAX_BACKOFF_MS, CallbackRules.backoffBefore(c, 20));
    assertTrue(CallbackRules.backoffBefore(c, 20) > 0);
  }

  @Test
  void secretNeverInToString() {
    assertFalse(callback("http://h/x", null, SECRET, null, null, null).toString().contains(SECRET));
  }
}
