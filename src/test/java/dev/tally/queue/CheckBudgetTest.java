package dev.tally.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CheckBudgetTest {
  @Test
  void aCheckedJobFreesItsPlaceWhileItWaitsForItsCommit() {
    CheckBudget budget = new CheckBudget(2);
    budget.take("a");
    budget.take("b");
    assertEquals(0, budget.room(), "two being checked");

    budget.checked("a");
    assertEquals(1, budget.room(), "a waits for its commit, which is not a check");
    assertTrue(budget.holds("a"));
    assertEquals(2, budget.held());
    assertEquals(1, budget.checking());

    budget.released("a");
    assertFalse(budget.holds("a"));
    assertEquals(1, budget.held());
  }

  @Test
  void checkedJobsAreBoundedToo() {
    CheckBudget budget = new CheckBudget(1);
    int bound = CheckBudget.DONE_WAITING_PER_CHECK;
    for (int i = 0; i < bound; i++) {
      assertEquals(1, budget.room(), "after " + i + " checked");
      budget.take("j" + i);
      budget.checked("j" + i);
    }
    assertEquals(0, budget.room(), "a store that does not commit stops new work");
    assertEquals(0, budget.checking());

    budget.released("j0");
    assertEquals(1, budget.room());
  }

  @Test
  void repeatsChangeNothingTwice() {
    CheckBudget budget = new CheckBudget(3);
    budget.take("a");
    budget.take("a");
    assertEquals(1, budget.checking(), "the same id taken twice is one job");
    budget.checked("a");
    budget.checked("a");
    assertEquals(0, budget.checking());
    budget.released("a");
    budget.released("a");
    budget.checked("never-taken");
    budget.released("never-taken");
    assertEquals(0, budget.held());
    assertEquals(3, budget.room());
  }

  @Test
  void aJobTakenAgainAfterItsCheckIsBeingCheckedAgain() {
    // a redelivery of a message whose first check is over but not yet acknowledged
    CheckBudget budget = new CheckBudget(1);
    budget.take("a");
    budget.checked("a");
    budget.take("a");
    assertEquals(1, budget.checking());
    assertEquals(0, budget.room());
    budget.released("a");
    assertEquals(0, budget.checking());
    assertEquals(1, budget.room());
  }

  @Test
  void aBudgetHoldsAtLeastOneCheck() {
    assertThrows(IllegalArgumentException.class, () -> new CheckBudget(0));
  }
}
