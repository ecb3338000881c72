package dev.tally.model;

import java.util.concurrent.ThreadLocalRandom;

/** Identifiers that sort by creation time, so "newest first" is ORDER BY id DESC. */
public final class Ids {
  private Ids() {
  }

  public static String timeOrdered() {
    return timeOrdered(System.currentTimeMillis());
  }

  public static String timeOrdered(long millis) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("%012x%08x%04x", millis, r.nextInt(), r.nextInt(0x10000));
  }

  /** The smallest time-ordered id of {@code millis}: ids made at or after it sort at or after it. */
  public static String floor(long millis) {
    return String.format("%012x", millis);
  }

  /** Stable id of the job for (event, task): the same event posted twice makes the same job. */
  public static String job(String eventId, String taskId) {
    return java.util.UUID.nameUUIDFromBytes((eventId + "\u0000" + taskId).getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .toString();
  }
}
