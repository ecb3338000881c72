package dev.tally.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Waits for the machine to settle before a measured phase. After the fixture is written, OpenSearch merges its new
 * segments and MariaDB flushes its pages (seen: OpenSearch at half a core through the first 10 s of a baseline),
 * which would slow one phase and not the other. A phase starts once the whole machine has used less than {@link
 * #BUSY_CORES} cores for {@link #CALM_SECONDS} seconds in a row (an idle RocketMQ proxy alone takes about 0.25), or
 * after {@link #MAX_SECONDS} whatever it uses, saying so.
 */
final class Quiet {
  static final double BUSY_CORES = 0.4;
  static final int CALM_SECONDS = 3;
  static final int MAX_SECONDS = 60;

  private Quiet() {
  }

  /** Blocks until the machine is calm or MAX_SECONDS pass; answers a line saying which, for the log. */
  static String await() throws InterruptedException {
    long start = System.nanoTime();
    long[] last = sample();
    int calm = 0;
    double busy = Double.NaN;
    while (last != null && calm < CALM_SECONDS && System.nanoTime() - start < MAX_SECONDS * 1_000_000_000L) {
      Thread.sleep(1000);
      long[] now = sample();
      if (now == null) break;
      busy = busyCores(last, now);
      calm = busy < BUSY_CORES ? calm + 1 : 0;
      last = now;
    }
    double waited = (System.nanoTime() - start) / 1e9;
    if (last == null) return "machine load unknown (no /proc/stat)";
    return String.format(Locale.ROOT, calm >= CALM_SECONDS ? "machine quiet after %.0f s (%.2f cores busy)"
        : "machine still busy after %.0f s (%.2f cores busy); measuring anyway", waited, busy);
  }

  /** Cores busy between two samples of /proc/stat's first line (steal, idle and I/O wait are not busy). */
  static double busyCores(long[] before, long[] after) {
    long busy = 0;
    long total = 0;
    for (int i = 0; i < after.length; i++) {
      long d = after[i] - before[i];
      total += d;
      if (i != 3 && i != 4 && i != 7) busy += d;
    }
    return total == 0 ? 0 : busy * (double) Runtime.getRuntime().availableProcessors() / total;
  }

  /** user nice system idle iowait irq softirq steal, in ticks since boot; null where there is no /proc/stat. */
  private static long[] sample() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long[] ticks = new long[8];
      for (int i = 0; i < ticks.length; i++) ticks[i] = Long.parseLong(f[i + 1]);
      return ticks;
    } catch (Exception e) {
      return null;
    }
  }
}
