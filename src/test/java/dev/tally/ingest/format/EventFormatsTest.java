package dev.tally.ingest.format;

import static dev.tally.ingest.format.Samples.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventFormatsTest {
  /** Each sample with the format that reads it. */
  private static final Map<String, String> SAMPLES = Map.of(
      "debezium/mysql-insert-with-schema.json", "DEBEZIUM",
      "debezium/mysql-update-with-schema.json", "DEBEZIUM",
      "debezium/mysql-delete-no-schema.json", "DEBEZIUM",
      "canal/insert-multi-row.json", "CANAL",
      "canal/update.json", "CANAL",
      "maxwell/update.json", "MAXWELL",
      "native/batch.json", "NATIVE");

  @Test
  void namesAndLookup() {
    assertEquals(List.of("DEBEZIUM", "CANAL", "MAXWELL", "NATIVE"), EventFormats.NAMES);
    for (String name : EventFormats.NAMES) assertEquals(name, EventFormats.of(name).name());
    assertInstanceOf(DebeziumFormat.class, EventFormats.of("debezium"));
    assertInstanceOf(CanalFormat.class, EventFormats.of("Canal"));
    assertInstanceOf(MaxwellFormat.class, EventFormats.of(" maxwell "));
    assertInstanceOf(NativeFormat.class, EventFormats.of("NATIVE"));
    assertSame(EventFormats.of("canal"), EventFormats.of("CANAL"));
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventFormats.of("avro"));
    assertEquals("unknown event format 'avro'; known formats: DEBEZIUM, CANAL, MAXWELL, NATIVE", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> EventFormats.of(null));
    assertThrows(IllegalArgumentException.class, () -> EventFormats.of(""));
  }

  @Test
  void samplesParseInTheirFormat() {
    SAMPLES.forEach((path, name) -> assertTrue(EventFormats.of(name).parse(Samples.bytes(path)).size() > 0, path));
  }

  @Test
  void everyFormatRefusesGarbageWithMalformedOnly() {
    byte[][] garbage = {
        "garbage".getBytes(StandardCharsets.UTF_8),
        {(byte) 0xFF, (byte) 0xFE, 0, 0x41},
        {(byte) 0xC3, 0x28},
        "{".getBytes(StandardCharsets.UTF_8),
        "{\"a\":1}}".getBytes(StandardCharsets.UTF_8),
        "42".getBytes(StandardCharsets.UTF_8),
        "\"text\"".getBytes(StandardCharsets.UTF_8),
        "[[[[[[[[[[".repeat(200).getBytes(StandardCharsets.UTF_8),
    };
    for (String name : EventFormats.NAMES) {
      for (byte[] payload : garbage) {
        MalformedEventException e = assertThrows(MalformedEventException.class, () -> EventFormats.of(name).parse(payload),
            () -> name + " accepted " + new String(payload, StandardCharsets.ISO_8859_1));
        assertOneLine(e.getMessage());
      }
    }
  }

  /** Every truncation and many random corruptions of every sample: a result or MalformedEventException, nothing else. */
  @Test
  void truncatedAndCorruptedSamplesNeverThrowAnythingElse() {
    Random random = new Random(20260102);
    SAMPLES.forEach((path, name) -> {
      EventFormat format = EventFormats.of(name);
      byte[] sample = Samples.bytes(path);
      int end = new String(sample, StandardCharsets.UTF_8).stripTrailing().length(); // samples are ASCII
      for (int length = 1; length < end; length++) {
        byte[] cut = Arrays.copyOf(sample, length);
        MalformedEventException e = assertThrows(MalformedEventException.class, () -> format.parse(cut),
            () -> path + " cut at " + cut.length + " was accepted");
        assertOneLine(e.getMessage());
      }
      for (int round = 0; round < 500; round++) {
        byte[] mutated = sample.clone();
        for (int k = 0; k < 1 + random.nextInt(3); k++) mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
        try {
          format.parse(mutated);
        } catch (MalformedEventException e) {
          assertOneLine(e.getMessage());
        } catch (Throwable t) {
          fail(path + " mutated threw " + t, t);
        }
      }
    });
  }
}
