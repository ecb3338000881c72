package dev.tally.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Bearer secrets: 256 random bits behind a prefix that says what they are ({@code tly_} personal API token,
 * {@code tle_} ingestion token, {@code tls_} session, {@code tsu_} setup). Stored as SHA-256 only: a token has
 * enough entropy that a fast hash is safe, and the lookup on every request stays cheap.
 */
public final class Tokens {
  public static final String API = "tly_";
  public static final String INGEST = "tle_";
  public static final String SESSION = "tls_";
  public static final String SETUP = "tsu_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {
  }

  public static String generate(String prefix) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Lower-case hex SHA-256 of the whole token, prefix included. */
  public static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Compares two secrets in time independent of where they differ. */
  public static boolean same(String a, String b) {
    if (a == null || b == null) return false;
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
