package dev.tally.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignerTest {
  private static final String SECRET = "0123456789abcdef-secret";
  private static final byte[] BODY = "{\"status\":\"FAIL\"}".getBytes(StandardCharsets.UTF_8);

  /** Computed independently: printf '1700000000000.{"status":"FAIL"}' | openssl dgst -sha256 -hmac '0123456789abcdef-secret'. */
  @Test
  void signsTimestampDotBodyWithHmacSha256() {
    assertEquals("sha256=6f1a8c86061a493db98b1ff0f259391728b2b773132bbc87d3c7cb83bc7aa3cc",
        Signer.signature(SECRET, 1_700_000_000_000L, BODY));
  }

  @Test
  void verifiesOnlyTheSameSecretTimestampAndBody() {
    String header = Signer.signature(SECRET, 1_700_000_000_000L, BODY);
    assertTrue(Signer.verify(SECRET, 1_700_000_000_000L, BODY, header));
    assertFalse(Signer.verify(SECRET + "x", 1_700_000_000_000L, BODY, header));
    assertFalse(Signer.verify(SECRET, 1_700_000_000_001L, BODY, header));
    assertFalse(Signer.verify(SECRET, 1_700_000_000_000L, "{\"status\":\"PASS\"}".getBytes(StandardCharsets.UTF_8), header));
    assertFalse(Signer.verify(SECRET, 1_700_000_000_000L, BODY, null));
  }
}
