package dev.tally.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Bodies stored before the repair fields existed still read. */
class StoredJsonTest {
  @Test
  void aResultStoredBeforeRepairsReadsWithoutThem() {
    Result r = Json.read("""
        {"id":"r1","taskId":"t","eventId":"e","entityKey":"7","status":"FAIL","diffs":[],"attempts":1,"history":[],
         "startedAt":1,"finishedAt":2,"createdAt":2}""", Result.class);
    assertEquals(Status.FAIL, r.status());
    assertNull(r.repair());
    assertNull(r.callbacks());
    assertNull(r.repairs());
    assertNull(r.recheck());
    assertNull(r.recheckOf());
    assertEquals(1, r.withCallback(new CallbackOutcome(1, 200, null, 3, 4)).callbacks().size());
  }

  @Test
  void aJobStoredBeforeRechecksReadsAsANormalJob() {
    Job j = Json.read("""
        {"id":"j","taskId":"t","event":{"id":"e","sourceId":"s","op":"UPDATE","data":{"id":7},"occurredAt":1,"receivedAt":1},
         "entityKey":"7","attempt":2,"dueAt":5,"createdAt":1,"history":[]}""", Job.class);
    assertNull(j.recheckOf());
    assertEquals(2, j.attempt());
    assertNull(j.retry(new Attempt(2, Status.FAIL, 1, 1, ""), 9).recheckOf());
  }
}
