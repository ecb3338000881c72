package dev.tally.repair;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a callback: {@code X-Tally-Signature: sha256=<hex of HMAC-SHA256(secret, timestamp + "." + body)>}, with
 * the timestamp (epoch ms) sent as {@code X-Tally-Timestamp}. Binding the timestamp lets the receiver refuse
 * replays of old calls.
 */
public final class Signer {
  public static final String TIMESTAMP_HEADER = "X-Tally-Timestamp";
  public static final String SIGNATURE_HEADER = "X-Tally-Signature";
  private static final String ALGORITHM = "HmacSHA256";

  private Signer() {
  }

  /** The signature header's value for {@code body} sent at {@code timestamp}. */
  public static String signature(String secret, long timestamp, byte[] body) {
    return "sha256=" + HexFormat.of().formatHex(hmac(secret, timestamp, body));
  }

  /** True if {@code header} is the signature of {@code body} at {@code timestamp}; compared in constant time. */
  public static boolean verify(String secret, long timestamp, byte[] body, String header) {
    if (header == null) return false;
    return MessageDigest.isEqual(signature(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII),
        header.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] hmac(String secret, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
      mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
