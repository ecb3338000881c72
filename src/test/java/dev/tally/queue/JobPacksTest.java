package dev.tally.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.model.Event;
import dev.tally.model.Job;
import dev.tally.model.Json;
import dev.tally.queue.JobPacks.Pack;
import dev.tally.queue.JobPacks.Route;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class JobPacksTest {
  private static final Route NOW = new Route("jobs", 0);

  private static Job job(int n, long dueAt, String payload) {
    Event event = new Event("e-" + n, "src", "UPDATE", Map.of("id", n, "payload", payload), null, 1_000, 1_000);
    return new Job("job-" + n, "task", event, String.valueOf(n), 1, dueAt, 1_000, List.of());
  }

  private static List<Job> jobs(int count) {
    return IntStream.range(0, count).mapToObj(n -> job(n, 1_000, "")).toList();
  }

  @Test
  void jobsOfOneRouteGoInPacksOfAtMostMaxJobsAndComeBackOut() {
    List<Job> jobs = jobs(JobPacks.MAX_JOBS * 2 + 3);
    List<Pack> packs = JobPacks.pack(jobs, j -> NOW);
    assertEquals(List.of(JobPacks.MAX_JOBS, JobPacks.MAX_JOBS, 3), packs.stream().map(p -> p.jobs().size()).toList());
    List<Job> out = new ArrayList<>();
    for (Pack pack : packs) {
      assertEquals(0, pack.deliverAt(), "due now: delivered at once");
      assertEquals(pack.jobs(), JobPacks.unpack(pack.body()));
      out.addAll(JobPacks.unpack(pack.body()));
    }
    assertEquals(jobs, out);
  }

  @Test
  void routesArePackedApartAndADelayedPackIsDeliveredWhenItsSoonestJobIsDue() {
    Job now = job(1, 1_000, "");
    Job later = job(2, 65_400, "");
    Job soonest = job(3, 65_100, "");
    Job priority = job(4, 1_000, "");
    List<Pack> packs = JobPacks.pack(List.of(now, later, soonest, priority), j -> switch (j.id()) {
      case "job-1" -> NOW;
      case "job-4" -> new Route("priority", 0);
      default -> new Route("delay", j.dueAt() / 1000);
    });
    assertEquals(3, packs.size());
    assertEquals(List.of(now), packs.get(0).jobs());
    assertEquals(List.of(later, soonest), packs.get(1).jobs());
    assertEquals(65_100, packs.get(1).deliverAt());
    assertEquals(List.of(priority), packs.get(2).jobs());
  }

  @Test
  void aPackStaysUnderMaxBytesButAJobLargerThanThatStillGoesAlone() {
    String big = "x".repeat(JobPacks.MAX_BYTES / 3);
    List<Job> jobs = List.of(job(1, 1_000, big), job(2, 1_000, big), job(3, 1_000, big), job(4, 1_000, "x".repeat(JobPacks.MAX_BYTES)));
    List<Pack> packs = JobPacks.pack(jobs, j -> NOW);
    assertEquals(List.of(2, 1, 1), packs.stream().map(p -> p.jobs().size()).toList());
    packs.subList(0, 2).forEach(p -> assertEquals(true, p.body().length <= JobPacks.MAX_BYTES, p.body().length + " bytes"));
    assertEquals(jobs.subList(0, 2), JobPacks.unpack(packs.get(0).body()));
  }

  @Test
  void aMessageOfOneJobObjectFromBeforePacksIsAPackOfOne() {
    Job job = job(7, 1_000, "");
    assertEquals(List.of(job), JobPacks.unpack(Json.writeBytes(job)));
    assertEquals(List.of(job), JobPacks.unpack((" \n" + Json.write(List.of(job))).getBytes(StandardCharsets.UTF_8)));
    assertArrayEquals(("[" + Json.write(job) + "]").getBytes(StandardCharsets.UTF_8), JobPacks.pack(List.of(job), j -> NOW).get(0).body());
  }

  @Test
  void somethingElseIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> JobPacks.unpack("hello".getBytes(StandardCharsets.UTF_8)));
    assertThrows(IllegalArgumentException.class, () -> JobPacks.unpack("[{\"nope\": 1}]".getBytes(StandardCharsets.UTF_8)));
    assertThrows(IllegalArgumentException.class, () -> JobPacks.unpack(new byte[0]));
  }
}
