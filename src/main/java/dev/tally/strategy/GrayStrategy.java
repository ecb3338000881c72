package dev.tally.strategy;

import dev.tally.model.Job;
import dev.tally.model.Strategy;
import dev.tally.model.Task;
import java.nio.charset.StandardCharsets;

/**
 * Gray release: checks a fixed share of entities. The decision hashes (task, entity key), so the same
 * entity is always in or always out, and allow-listed keys are always in.
 */
public final class GrayStrategy implements StrategyFilter {
  @Override
  public String name() {
    return "gray";
  }

  @Override
  public Admission admit(Job job, Task task, StrategyContext ctx) {
    Strategy s = task.strategy();
    if (s.allowKeys().contains(job.entityKey())) return Admission.keep(job);
    if (s.sampleRate() >= 1.0 && s.allowKeys().isEmpty()) return Admission.keep(job);
    if (bucket(task.id(), job.entityKey()) < s.sampleRate()) return Admission.keep(job);
    return Admission.drop(name(), "entity " + job.entityKey() + " outside sample rate " + s.sampleRate());
  }

  /**
   * A stable number in [0, 1) for this task and entity. FNV-1a with a SplitMix64 finish: a linear hash such
   * as CRC32 would make two tasks' samples identical or disjoint instead of independent.
   */
  static double bucket(String taskId, String entityKey) {
    long h = 0xcbf29ce484222325L;
    for (byte b : (taskId + "\u0000" + entityKey).getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return (h >>> 11) * 0x1.0p-53;
  }
}
