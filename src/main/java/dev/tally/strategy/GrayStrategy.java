package dev.tally.strategy;

import dev.tally.model.Job;
import dev.tally.model.Strategy;
import dev.tally.model.Task;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

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

  /** A stable number in [0, 1) for this task and entity. */
  static double bucket(String taskId, String entityKey) {
    CRC32 crc = new CRC32();
    crc.update((taskId + "\u0000" + entityKey).getBytes(StandardCharsets.UTF_8));
    return crc.getValue() / (double) (1L << 32);
  }
}
