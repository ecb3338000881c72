package dev.tally.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.Event;
import dev.tally.model.Job;
import dev.tally.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobJournalTest {
  @TempDir
  Path dir;

  private static Job job(int n) {
    Event e = new Event("e" + n, "src", "UPDATE", Map.of("id", n, "amount", new BigDecimal("1.50")), null, n, n);
    return new Job("job-" + n, "t", e, String.valueOf(n), 1, n, n, List.of());
  }

  private static List<Job> jobs(int from, int to) {
    List<Job> out = new ArrayList<>();
    for (int i = from; i < to; i++) out.add(job(i));
    return out;
  }

  private static JobJournal opened(Path dir, long segmentBytes) {
    JobJournal journal = new JobJournal(dir, segmentBytes);
    assertEquals(List.of(), journal.recover());
    return journal;
  }

  private static List<String> ids(List<Job> jobs) {
    return jobs.stream().map(Job::id).toList();
  }

  @Test
  void appendedJobsAreReadBackAfterTheProcessDies() {
    JobJournal journal = opened(dir, 1 << 20);
    List<Job> batch = journal.claim(jobs(0, 3));
    journal.append(batch);
    journal.append(journal.claim(jobs(3, 5)));
    // no close: a killed process does not close its files

    JobJournal next = new JobJournal(dir, 1 << 20);
    List<Job> recovered = next.recover();
    assertEquals(ids(jobs(0, 5)), ids(recovered));
    assertEquals(job(2), recovered.get(2), "a job is read back whole, decimals and all");
  }

  @Test
  void aDuplicateOfAHeldJobIsNotClaimedTwice() {
    JobJournal journal = opened(dir, 1 << 20);
    journal.append(journal.claim(jobs(0, 2)));
    List<Job> again = journal.claim(List.of(job(1), job(2), job(2)));
    assertEquals(List.of("job-2"), ids(again), "job-1 is held, and job-2 once is enough");
    journal.unclaim(again);
    assertFalse(journal.holds("job-2"));
    assertTrue(journal.holds("job-1"));
    assertEquals(2, journal.jobs().size());
  }

  @Test
  void aSegmentIsDeletedOnceEveryJobInItIsReleasedAndANewerOneIsWritten() throws IOException {
    long segmentBytes = 4L * (Json.writeBytes(job(0)).length + 8);
    JobJournal journal = opened(dir, segmentBytes);
    List<Job> first = journal.claim(jobs(0, 3));
    journal.append(first);
    assertEquals(1, journal.segments().size(), "the first batch is under the segment size");
    List<Job> second = journal.claim(jobs(3, 10));
    journal.append(second);
    assertEquals(2, journal.segments().size(), "the segment was closed when it grew past the size, and a new one opened");

    first.forEach(j -> journal.release(j.id()));
    second.subList(0, 6).forEach(j -> journal.release(j.id()));
    assertEquals(2, journal.segments().size(), "one job of the closed segment is still held");
    journal.release(second.get(6).id());
    assertEquals(1, journal.segments().size(), "the closed segment went with its last job");

    journal.append(journal.claim(jobs(10, 11)));
    assertEquals(List.of("job-10"), ids(new JobJournal(dir, segmentBytes).recover()), "only the open segment is left");
  }

  @Test
  void aRecordCutShortByTheCrashIsIgnoredAndTheOnesBeforeItKept() throws IOException {
    JobJournal journal = opened(dir, 1 << 20);
    journal.append(journal.claim(jobs(0, 3)));
    Path segment = journal.segments().get(0);
    long whole = Files.size(segment);
    journal.append(journal.claim(jobs(3, 4)));
    // the last write got only part of the way to the file
    try (var channel = Files.newByteChannel(segment, StandardOpenOption.WRITE)) {
      channel.truncate(whole + 20);
    }
    assertEquals(ids(jobs(0, 3)), ids(new JobJournal(dir, 1 << 20).recover()));
  }

  @Test
  void aRecordThatFailsItsChecksumEndsTheSegment() throws IOException {
    JobJournal journal = opened(dir, 1 << 20);
    journal.append(journal.claim(jobs(0, 2)));
    Path segment = journal.segments().get(0);
    long firstTwo = Files.size(segment);
    journal.append(journal.claim(jobs(2, 4)));
    byte[] bytes = Files.readAllBytes(segment);
    bytes[(int) firstTwo + 20] ^= 0x20;
    Files.write(segment, bytes);
    assertEquals(ids(jobs(0, 2)), ids(new JobJournal(dir, 1 << 20).recover()));
  }

  @Test
  void afterAFailedWriteTheNextAppendsGoToANewSegmentAndAreAllRecovered() throws IOException {
    JobJournal journal = opened(dir, 1 << 20);
    journal.append(journal.claim(jobs(0, 2)));
    journal.current.close(); // the next write fails, as on a full disk
    List<Job> failed = journal.claim(jobs(2, 3));
    assertThrows(UncheckedIOException.class, () -> journal.append(failed));
    journal.unclaim(failed);
    journal.append(journal.claim(jobs(3, 5)));
    assertEquals(2, journal.segments().size(), "the jobs after the failure are in a segment of their own");
    assertEquals(List.of("job-0", "job-1", "job-3", "job-4"), ids(new JobJournal(dir, 1 << 20).recover()));
  }

  @Test
  void dropRecoveredDeletesTheOldSegmentsAndKeepsTheNewOne() throws IOException {
    JobJournal journal = opened(dir, 1 << 20);
    journal.append(journal.claim(jobs(0, 2)));
    JobJournal next = new JobJournal(dir, 1 << 20);
    assertEquals(2, next.recover().size());
    assertEquals(2, next.segments().size(), "the old segment stays until its jobs are safe elsewhere");
    next.dropRecovered();
    assertEquals(1, next.segments().size());
    next.append(next.claim(jobs(5, 6)));
    assertEquals(List.of("job-5"), ids(new JobJournal(dir, 1 << 20).recover()));
  }
}
