package dev.tally.model;

/**
 * A message that could not become an event: where it came from (for Kafka: topic, partition, offset), why,
 * and the first bytes of its payload.
 */
public record DeadLetter(String id, String source, String topic, Integer partition, Long offset, String reason,
                         String payloadHead, long createdAt) {
  public static final int HEAD_BYTES = 1000;

  /** The first bytes of a payload as text, for a human to recognise the message. */
  public static String head(byte[] payload) {
    if (payload == null) return null;
    int n = Math.min(payload.length, HEAD_BYTES);
    return new String(payload, 0, n, java.nio.charset.StandardCharsets.UTF_8);
  }
}
