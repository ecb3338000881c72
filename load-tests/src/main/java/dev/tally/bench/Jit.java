package dev.tally.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU a JVM's JIT compiler threads have used, read from /proc (their names start "C1 CompilerThre" and
 * "C2 CompilerThre"). A fresh JVM compiles for a minute or more under load: up to half a core on this machine,
 * taken from the work being measured. Both the baseline and Tally are warmed up until their JIT has settled, so
 * the figures are of the steady state a long-running server is in.
 */
final class Jit {
  /** Below this share of one core, the JIT is taken as settled. */
  static final double SETTLED_CORES = 0.10;

  private Jit() {
  }

  static double compilerCpuSeconds(long pid) {
    double ticks = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        try {
          String comm = Files.readString(task.resolve("comm")).trim();
          if (!comm.startsWith("C1 CompilerThre") && !comm.startsWith("C2 CompilerThre")) continue;
          ticks += TallyProcess.cpuTicks(Files.readString(task.resolve("stat")));
        } catch (IOException | RuntimeException gone) {
          // a compiler thread that ended meanwhile: the JVM starts and stops them as the queue grows and shrinks
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/task: " + e.getMessage(), e);
    }
    return ticks / TallyProcess.CLOCK_TICKS;
  }
}
