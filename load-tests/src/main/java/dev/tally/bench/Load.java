package dev.tally.bench;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** A way of handing events to Tally: as fast as it takes them (closed loop), or at a fixed rate (open model). */
public interface Load extends AutoCloseable {
  /** Events handed over as fast as Tally takes them, for {@code seconds}. */
  Tally closedLoop(int seconds) throws Exception;

  /** {@code perSecond} events a second, paced, whatever Tally answers, for {@code seconds}. */
  Tally paced(double perSecond, int seconds) throws Exception;

  /** What a phase handed over. {@code accepted}: events Tally confirmed (202 / acknowledged by Kafka). */
  final class Tally {
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong busy = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong firstAcceptMs = new AtomicLong(Long.MAX_VALUE);
    volatile String lastFailure;
    long startMs;
    long endMs;

    void accepted(long n) {
      accepted.addAndGet(n);
      firstAcceptMs.accumulateAndGet(System.currentTimeMillis(), Math::min);
    }

    void failed(String why) {
      failed.incrementAndGet();
      lastFailure = why;
    }

    public long accepted() {
      return accepted.get();
    }

    /** Requests answered 503 (Tally's back-pressure: too many jobs queued); retried after a pause. */
    public long busy() {
      return busy.get();
    }

    /** Requests answered otherwise than 2xx or 503, or that failed on the wire. */
    public long failed() {
      return failed.get();
    }

    public double seconds() {
      return Math.max(1, endMs - startMs) / 1000.0;
    }

    public double acceptedPerSecond() {
      return accepted.get() * 1000.0 / Math.max(1, endMs - startMs);
    }
  }

  static long randomId(int rows) {
    return ThreadLocalRandom.current().nextLong(1, rows + 1);
  }

  @Override
  void close() throws Exception;
}
