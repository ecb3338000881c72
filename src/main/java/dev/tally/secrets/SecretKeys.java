package dev.tally.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the secrets keys come from, first found wins: {@code TALLY_SECRETS_KEY} (base64 of 32 bytes, the current
 * key) with {@code TALLY_SECRETS_OLD_KEYS} (comma-separated, still open); else {@code secrets.keyFile} (one base64
 * key a line, the first current, the others older; {@code #} starts a comment); else, on a single node, the file
 * {@code secrets.key} in the H2 store's directory, generated (mode 600) on first start. A cluster must be given
 * a key. Blocking: call it off the event loop.
 */
public final class SecretKeys {
  public static final String ENV_KEY = "TALLY_SECRETS_KEY";
  public static final String ENV_OLD_KEYS = "TALLY_SECRETS_OLD_KEYS";
  public static final String DEFAULT_FILE = "secrets.key";
  private static final Logger LOG = LoggerFactory.getLogger(SecretKeys.class);

  private SecretKeys() {
  }

  /** True if a key is configured (environment or key file), as a cluster needs. */
  public static boolean configured(String keyFile, Map<String, String> env) {
    return !blank(env.get(ENV_KEY)) || !blank(keyFile);
  }

  /** The box for these settings; {@code storeDir} is where a generated key goes; throws IllegalStateException. */
  public static SecretBox load(String keyFile, Path storeDir, Map<String, String> env, boolean clustered) {
    if (!blank(env.get(ENV_KEY))) {
      List<byte[]> older = new ArrayList<>();
      String old = env.get(ENV_OLD_KEYS);
      if (!blank(old)) for (String k : old.split(",")) if (!k.isBlank()) older.add(decode(k, ENV_OLD_KEYS));
      return new SecretBox(decode(env.get(ENV_KEY), ENV_KEY), older);
    }
    if (!blank(keyFile)) return fromFile(Path.of(keyFile), "secrets.keyFile " + keyFile);
    if (clustered) {
      throw new IllegalStateException("a cluster needs a secrets key shared by every node: set " + ENV_KEY
          + " or secrets.keyFile (TALLY_SECRETS_KEY_FILE)");
    }
    Path generated = storeDir.resolve(DEFAULT_FILE);
    if (!Files.exists(generated)) generate(generated);
    return fromFile(generated, generated.toString());
  }

  private static SecretBox fromFile(Path file, String what) {
    List<byte[]> keys = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
        String l = line.strip();
        if (!l.isEmpty() && !l.startsWith("#")) keys.add(decode(l, what));
      }
    } catch (IOException e) {
      throw new IllegalStateException(what + ": cannot read (" + e.getClass().getSimpleName() + ")");
    }
    if (keys.isEmpty()) throw new IllegalStateException(what + ": holds no key");
    return new SecretBox(keys.get(0), keys.subList(1, keys.size()));
  }

  private static void generate(Path file) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file); // not a POSIX file system: its own defaults apply
      }
      Files.writeString(file, "# Tally secrets key (AES-256); keep it with backups of the store, apart from them\n"
          + Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a new secrets key file " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    LOG.warn("generated a secrets key in {} (key id {}): keep this file, secrets in the store cannot be read without it",
        file, SecretBox.keyId(key));
  }

  private static byte[] decode(String base64, String what) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(what + ": a key is not base64");
    }
    if (key.length != 32) throw new IllegalStateException(what + ": a key must be 32 bytes (base64 of 32 random bytes), not " + key.length);
    return key;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
