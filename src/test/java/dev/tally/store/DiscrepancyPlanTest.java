package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.model.Result;
import dev.tally.model.Status;
import dev.tally.store.DiscrepancyPlan.Fails;
import dev.tally.store.DiscrepancyPlan.Pass;
import dev.tally.store.DiscrepancyPlan.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a batch of verdicts turns into rounds of discrepancy steps. */
class DiscrepancyPlanTest {
  private static Result r(String id, String task, String key, Status status, long at) {
    return new Result(id, task, "e-" + id, key, status, List.of(), null, null, null, 1, List.of(), null, at, at, at);
  }

  @Test
  void runsOfFailsAlternateWithClosingPassesInFinishOrder() {
    List<List<Step>> rounds = DiscrepancyPlan.rounds(List.of(
        r("p2", "t", "a", Status.PASS, 40), r("f1", "t", "a", Status.FAIL, 10), r("f2", "t", "a", Status.FAIL, 20),
        r("p1", "t", "a", Status.PASS, 30), r("e1", "t", "a", Status.ERROR, 35), r("f3", "t", "a", Status.FAIL, 50),
        r("x", "t", "b", Status.PASS, 5)));
    assertEquals(List.of(
        List.of(new Fails("t", "a", 2, 10, 20, "f1", "f2"), new Pass("t", "b", 5, "x")),
        List.of(new Pass("t", "a", 30, "p1")),
        List.of(new Fails("t", "a", 1, 50, 50, "f3", "f3"))), rounds, "p2 follows p1 with nothing to close");
  }

  @Test
  void errorsAloneChangeNothingAndLongKeysAreCutAsResultsCutThem() {
    assertEquals(List.of(), DiscrepancyPlan.rounds(List.of(r("e", "t", "a", Status.ERROR, 1))));
    String longKey = "k".repeat(300);
    Step step = DiscrepancyPlan.rounds(List.of(r("f", "t", longKey, Status.FAIL, 1))).get(0).get(0);
    assertEquals(255, step.entityKey().length());
  }
}
