package dev.tally.model;

import java.util.concurrent.ThreadLocalRandom;

/** Identifiers that sort by creation time, so "newest first" is ORDER BY id DESC. */
public final class Ids {
  private Ids() {
  }

  public static String timeOrdered() {
    return timeOrdered(System.currentTimeMillis());
  }

  /** 12 hex digits of the time, then 12 random ones (written by hand: String.format was a hot spot per event). */
  public static String timeOrdered(long millis) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] id = new char[24];
    hex(millis, id, 0, 12);
    hex(r.nextLong() & 0xffff_ffff_ffffL, id, 12, 12);
    return new String(id);
  }

  private static void hex(long value, char[] into, int from, int digits) {
    for (int i = from + digits - 1; i >= from; i--) {
      into[i] = Character.forDigit((int) (value & 0xf), 16);
      value >>>= 4;
    }
  }

  /** The smallest time-ordered id of {@code millis}: ids made at or after it sort at or after it. */
  public static String floor(long millis) {
    return String.format("%012x", millis);
  }

  /** The longest readable job id: the column holds 64 characters, and a re-check's job id adds 8 to a result id. */
  static final int MAX_READABLE_JOB_ID = 56;

  /**
   * Stable id of the job for (event, task): the same event posted twice makes the same job. When short enough it is
   * the event id, '~' and the task id, so the jobs of time-ordered or increasing event ids (Tally's own ids, Kafka
   * offsets, binlog positions, most clients' keys) sort next to each other: the store's id index, which every
   * accepted job is inserted into, then gets its new entries on a few pages per batch rather than on a random page
   * each, and each commit writes far fewer pages. Task ids never hold '~', so the last '~' splits it back and two
   * pairs never share an id. A longer one is a name-based UUID ({@link #hashed}), which holds no '~'.
   */
  public static String job(String eventId, String taskId) {
    if (eventId.length() + 1 + taskId.length() <= MAX_READABLE_JOB_ID) return eventId + '~' + taskId;
    return hashed(eventId, taskId);
  }

  /** A name-based UUID of the two parts: stable and of fixed length, in no useful order. */
  public static String hashed(String first, String second) {
    return java.util.UUID.nameUUIDFromBytes((first + "\u0000" + second).getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .toString();
  }
}
