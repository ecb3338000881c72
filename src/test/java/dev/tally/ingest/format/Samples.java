package dev.tally.ingest.format;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Sample messages under src/test/resources/formats/ and shared assertions. */
final class Samples {
  private Samples() {
  }

  static byte[] bytes(String path) {
    try (InputStream in = Samples.class.getResourceAsStream("/formats/" + path)) {
      if (in == null) throw new IllegalArgumentException("no sample " + path);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(String path) {
    return new String(bytes(path), StandardCharsets.UTF_8);
  }

  static byte[] utf8(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** Asserts the payload is refused with a short one-line reason containing {@code expected}. */
  static MalformedEventException assertMalformed(EventFormat format, String payload, String expected) {
    return assertMalformed(format, utf8(payload), expected);
  }

  static MalformedEventException assertMalformed(EventFormat format, byte[] payload, String expected) {
    MalformedEventException e = assertThrows(MalformedEventException.class, () -> format.parse(payload));
    assertTrue(e.getMessage().contains(expected), () -> "reason '" + e.getMessage() + "' lacks '" + expected + "'");
    assertOneLine(e.getMessage());
    return e;
  }

  static void assertOneLine(String reason) {
    assertTrue(reason.length() <= 240, () -> "reason too long for an operator: " + reason);
    assertTrue(reason.chars().noneMatch(Character::isISOControl), () -> "reason is not one printable line: " + reason);
  }
}
