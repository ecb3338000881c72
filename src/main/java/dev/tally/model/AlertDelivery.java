package dev.tally.model;

import java.util.List;

/**
 * One alert message for one channel: the {@code count} failures of a task recorded in its window
 * [{@code windowStart}, {@code windowEnd}), a few of them as examples, and what became of sending it.
 * {@code attempts}: sends tried so far; {@code lastError}: why the last one failed.
 */
public record AlertDelivery(String id, String channelId, String taskId, long windowStart, long windowEnd, long count,
                            List<AlertExample> examples, Status status, int attempts, String lastError, Long sentAt) {
  /** PENDING: to be sent (or sent again after a failure); SENT: a 2xx answer; FAILED: out of attempts. */
  public enum Status {
    PENDING, SENT, FAILED
  }

  public AlertDelivery {
    examples = examples == null ? List.of() : List.copyOf(examples);
  }
}
