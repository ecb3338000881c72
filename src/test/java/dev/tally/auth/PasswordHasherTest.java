package dev.tally.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  @Test
  void argon2idHashesVerifyOnlyTheirPassword() {
    String hash = PasswordHasher.hash("correct horse battery");
    assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
    assertTrue(PasswordHasher.verify("correct horse battery", hash));
    assertFalse(PasswordHasher.verify("correct horse batterz", hash));
    // salted: the same password hashes differently each time
    assertNotEquals(hash, PasswordHasher.hash("correct horse battery"));
  }

  @Test
  void malformedStoredHashesNeverVerify() {
    assertFalse(PasswordHasher.verify("x", "plain"));
    assertFalse(PasswordHasher.verify("x", "$argon2id$v=19$m=x,t=2,p=1$AAAA$AAAA"));
    assertFalse(PasswordHasher.verify("x", null));
  }

  @Test
  void weakPasswordsAreNamed() {
    assertNotNull(PasswordHasher.weakness("short"));
    assertNotNull(PasswordHasher.weakness("          "));
    assertNull(PasswordHasher.weakness("long enough pass"));
  }

  @Test
  void tokensAreRandomAndStoredAsSha256() {
    String a = Tokens.generate(Tokens.API);
    assertTrue(a.startsWith("tly_") && a.length() > 40, a);
    assertNotEquals(a, Tokens.generate(Tokens.API));
    assertEquals(64, Tokens.hash(a).length());
    assertTrue(Tokens.same(a, a));
    assertFalse(Tokens.same(a, a + "x"));
  }

  @Test
  void rolesIncludeTheLowerOnesAndOwnersEverything() {
    Caller operator = Caller.user("u1", "ann", false, Map.of("payments", Role.OPERATOR));
    assertTrue(operator.can("payments", Role.VIEWER));
    assertTrue(operator.can("payments", Role.OPERATOR));
    assertFalse(operator.can("payments", Role.ADMIN));
    assertFalse(operator.can("orders", Role.VIEWER));
    assertTrue(Caller.user("u2", "own", true, Map.of()).can("orders", Role.ADMIN));
    assertFalse(Caller.ingest("src").can("default", Role.VIEWER));
  }
}
