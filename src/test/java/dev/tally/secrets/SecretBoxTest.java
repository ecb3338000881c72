package dev.tally.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
  private static byte[] key() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }

  @Test
  void sealsWithARandomNonceAndOpensBack() {
    byte[] k = key();
    SecretBox box = new SecretBox(k, List.of());
    String a = box.seal("hunter2");
    String b = box.seal("hunter2");
    assertTrue(a.startsWith("enc:v1:" + SecretBox.keyId(k) + ":"), a);
    assertFalse(a.contains("hunter2"));
    assertNotEquals(a, b, "a nonce of its own per value");
    assertEquals("hunter2", box.open(a));
    assertEquals("hunter2", box.open(b));
    assertEquals(a, box.seal(a), "sealed values are not sealed twice");
    assertTrue(box.isCurrent(a));
  }

  @Test
  void referencesEmptyAndOldPlainValuesPassThrough() {
    SecretBox box = new SecretBox(key(), List.of());
    assertEquals("env:DB_PASSWORD", box.seal("env:DB_PASSWORD"));
    assertEquals("file:/run/secrets/db", box.seal("file:/run/secrets/db"));
    assertEquals("", box.seal(""));
    assertEquals(null, box.seal(null));
    assertEquals("plain-from-an-old-row", box.open("plain-from-an-old-row"));
    assertFalse(box.isCurrent("plain-from-an-old-row"), "a plain value is re-encrypted on start");
    assertTrue(box.isCurrent("env:X"));
  }

  @Test
  void anAlteredValueDoesNotOpenAndTheMessageHoldsNoSecret() {
    SecretBox box = new SecretBox(key(), List.of());
    String sealed = box.seal("hunter2");
    char[] c = sealed.toCharArray();
    int i = c.length - 3;
    c[i] = c[i] == 'A' ? 'B' : 'A';
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> box.open(new String(c)));
    assertTrue(e.getMessage().contains("does not open"), e.getMessage());
    assertFalse(e.getMessage().contains(sealed));
  }

  @Test
  void rotationOldKeysStillOpenTheNewKeySeals() {
    byte[] oldKey = key();
    byte[] newKey = key();
    String underOld = new SecretBox(oldKey, List.of()).seal("s3cret");
    SecretBox rotated = new SecretBox(newKey, List.of(oldKey));
    assertEquals("s3cret", rotated.open(underOld));
    assertFalse(rotated.isCurrent(underOld));
    String underNew = rotated.seal(rotated.open(underOld));
    assertTrue(rotated.isCurrent(underNew));
    assertEquals("s3cret", new SecretBox(newKey, List.of()).open(underNew), "the old key may now be dropped");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SecretBox(newKey, List.of()).open(underOld));
    assertTrue(e.getMessage().contains(SecretBox.keyId(oldKey)), e.getMessage());
  }

  @Test
  void keysFromTheEnvironmentOrAKeyFileFirstLineCurrent(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    byte[] current = key();
    byte[] old = key();
    Map<String, String> env = Map.of(SecretKeys.ENV_KEY, Base64.getEncoder().encodeToString(current),
        SecretKeys.ENV_OLD_KEYS, Base64.getEncoder().encodeToString(old));
    SecretBox fromEnv = SecretKeys.load("", dir, env, true);
    assertEquals(SecretBox.keyId(current), fromEnv.currentKeyId());
    assertEquals("x", fromEnv.open(new SecretBox(old, List.of()).seal("x")));

    Path file = dir.resolve("keys");
    Files.writeString(file, "# rotated\n" + Base64.getEncoder().encodeToString(current) + "\n"
        + Base64.getEncoder().encodeToString(old) + "\n");
    SecretBox fromFile = SecretKeys.load(file.toString(), dir, Map.of(), true);
    assertEquals(SecretBox.keyId(current), fromFile.currentKeyId());
    assertEquals("x", fromFile.open(new SecretBox(old, List.of()).seal("x")));

    Files.writeString(file, "bm90IDMyIGJ5dGVz\n");
    assertThrows(IllegalStateException.class, () -> SecretKeys.load(file.toString(), dir, Map.of(), false));
  }

  @Test
  void aClusterWithoutAKeyIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> SecretKeys.load("", dir, Map.of(), true));
    assertTrue(e.getMessage().contains(SecretKeys.ENV_KEY), e.getMessage());
    assertFalse(Files.exists(dir.resolve(SecretKeys.DEFAULT_FILE)));
    assertFalse(SecretKeys.configured("", Map.of()));
  }

  @Test
  void referencesResolveOrNameThemselves(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    SecretRefs refs = new SecretRefs(Map.of("DB_PW", "from-env")::get);
    assertEquals("from-env", refs.resolve("env:DB_PW"));
    Path file = dir.resolve("pw");
    Files.writeString(file, "from-file\n");
    assertEquals("from-file", refs.resolve("file:" + file));
    assertEquals("literal", refs.resolve("literal"));
    RuntimeException missing = assertThrows(SecretRefs.UnresolvedSecretException.class, () -> refs.resolve("env:NOPE"));
    assertEquals("secret reference env:NOPE: no such environment variable", missing.getMessage());
    RuntimeException unreadable = assertThrows(SecretRefs.UnresolvedSecretException.class, () -> refs.resolve("file:" + dir.resolve("none")));
    assertTrue(unreadable.getMessage().startsWith("secret reference file:" + dir.resolve("none") + ": cannot read"), unreadable.getMessage());
  }
}
