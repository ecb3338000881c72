package dev.tally.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets for the store with AES-256-GCM: {@code enc:v1:<keyId>:<base64(nonce|ciphertext|tag)>}, a random
 * 12-byte nonce per value, the key id (the first 8 hex digits of the key's SHA-256) as associated data. The
 * current key seals; every listed key opens, so values sealed under an older key still read after a rotation.
 * A reference ({@code env:NAME}, {@code file:/path}), an empty value and a value sealed already are kept as they
 * are; a stored value without the prefix (a row written before encryption) opens as itself. Thread-safe.
 */
public final class SecretBox {
  public static final String PREFIX = "enc:v1:";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String currentId;
  private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();

  /** {@code current} seals and opens; {@code older} only open. Each key is 32 bytes. */
  public SecretBox(byte[] current, List<byte[]> older) {
    currentId = add(current);
    older.forEach(this::add);
  }

  private String add(byte[] key) {
    if (key.length != 32) throw new IllegalArgumentException("a secrets key is 32 bytes (AES-256), this one has " + key.length);
    String id = keyId(key);
    keys.putIfAbsent(id, new SecretKeySpec(key, "AES"));
    return id;
  }

  /** The key's public name: the first 8 hex digits of its SHA-256. */
  public static String keyId(byte[] key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 4);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public String currentKeyId() {
    return currentId;
  }

  /** True for {@code env:NAME} and {@code file:/path}: resolved at connect time, see {@link SecretRefs}. */
  public static boolean isReference(String value) {
    return value != null && (value.startsWith(SecretRefs.ENV) || value.startsWith(SecretRefs.FILE));
  }

  /** The value as stored: sealed under the current key, unless it is empty, a reference or sealed already. */
  public String seal(String plain) {
    if (plain == null || plain.isEmpty() || isReference(plain) || plain.startsWith(PREFIX)) return plain;
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, currentId, nonce);
      byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      byte[] out = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
      return PREFIX + currentId + ":" + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal a secret: " + e.getMessage(), e);
    }
  }

  /** The plain value (or reference) of a stored value; fails, naming only the key id, if it cannot be opened. */
  public String open(String stored) {
    if (stored == null || !stored.startsWith(PREFIX)) return stored;
    int colon = stored.indexOf(':', PREFIX.length());
    if (colon < 0) throw new IllegalStateException("a stored secret is malformed");
    String id = stored.substring(PREFIX.length(), colon);
    if (!keys.containsKey(id)) {
      throw new IllegalStateException("a stored secret is sealed with key " + id + ", which is not configured (secrets.keyFile / TALLY_SECRETS_KEY)");
    }
    try {
      byte[] all = Base64.getDecoder().decode(stored.substring(colon + 1));
      if (all.length < NONCE_BYTES + TAG_BITS / 8) throw new IllegalStateException("a stored secret is malformed");
      byte[] nonce = java.util.Arrays.copyOfRange(all, 0, NONCE_BYTES);
      byte[] plain = cipher(Cipher.DECRYPT_MODE, id, nonce).doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("a stored secret sealed with key " + id + " does not open (altered, or another key of that id)");
    }
  }

  /** True if {@code stored} needs no re-encryption: empty, a reference, or sealed under the current key. */
  public boolean isCurrent(String stored) {
    return stored == null || stored.isEmpty() || isReference(stored) || stored.startsWith(PREFIX + currentId + ":");
  }

  private Cipher cipher(int mode, String id, byte[] nonce) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, keys.get(id), new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(id.getBytes(StandardCharsets.US_ASCII));
    return cipher;
  }
}
