package dev.tally.store;

import dev.tally.model.Result;
import dev.tally.model.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a batch of recorded results does to discrepancies, worked out in memory so the store sees a few batched
 * statements instead of a round trip per result. Per (task, entity key), the FAIL and PASS verdicts in the
 * order they finished (ERROR changes nothing) become alternating steps: a run of FAILs opens or extends the
 * unclosed discrepancy; a PASS closes it (further PASSes in a row have nothing left to close). The i-th steps
 * of all keys form round i; a round holds at most one step per key, so its statements can run in any order.
 * Most batches are one round.
 */
final class DiscrepancyPlan {
  private DiscrepancyPlan() {
  }

  /** One step for one key. */
  sealed interface Step permits Fails, Pass {
    String taskId();

    String entityKey();
  }

  /** {@code count} FAILs, the first at {@code firstAt}, the newest at {@code lastAt} being {@code lastResultId}. */
  record Fails(String taskId, String entityKey, int count, long firstAt, long lastAt, String firstResultId,
               String lastResultId) implements Step {
    Fails plus(Result r) {
      return new Fails(taskId, entityKey, count + 1, firstAt, r.finishedAt(), firstResultId, r.id());
    }
  }

  /** A PASS at {@code at}. */
  record Pass(String taskId, String entityKey, long at, String resultId) implements Step {
  }

  /** The store's form of an entity key: results keep at most 255 characters of it. */
  static String key(String entityKey) {
    return entityKey == null ? "" : entityKey.length() <= 255 ? entityKey : entityKey.substring(0, 255);
  }

  /** The rounds of steps, each sorted by (task, key) so concurrent writers lock rows in the same order. */
  static List<List<Step>> rounds(List<Result> results) {
    Map<String, List<Result>> byKey = new LinkedHashMap<>();
    for (Result r : results) {
      if (r.status() == Status.ERROR) continue;
      byKey.computeIfAbsent(r.taskId() + '\u0000' + key(r.entityKey()), k -> new ArrayList<>()).add(r);
    }
    List<List<Step>> rounds = new ArrayList<>();
    for (List<Result> verdicts : byKey.values()) {
      List<Step> steps = steps(verdicts);
      for (int i = 0; i < steps.size(); i++) {
        if (rounds.size() == i) rounds.add(new ArrayList<>());
        rounds.get(i).add(steps.get(i));
      }
    }
    Comparator<Step> order = Comparator.comparing(Step::taskId).thenComparing(Step::entityKey);
    rounds.forEach(round -> round.sort(order));
    return rounds;
  }

  private static List<Step> steps(List<Result> verdicts) {
    List<Result> ordered = new ArrayList<>(verdicts);
    ordered.sort(Comparator.comparingLong(Result::finishedAt)); // stable: ties keep the batch order
    List<Step> steps = new ArrayList<>();
    Fails run = null;
    for (Result r : ordered) {
      String key = key(r.entityKey());
      if (r.status() == Status.FAIL) {
        run = run == null ? new Fails(r.taskId(), key, 1, r.finishedAt(), r.finishedAt(), r.id(), r.id()) : run.plus(r);
        continue;
      }
      if (run != null) {
        steps.add(run);
        run = null;
      } else if (!steps.isEmpty()) {
        continue; // a PASS right after a PASS: nothing left to close
      }
      steps.add(new Pass(r.taskId(), key, r.finishedAt(), r.id()));
    }
    if (run != null) steps.add(run);
    return steps;
  }
}
