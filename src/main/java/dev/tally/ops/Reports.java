package dev.tally.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.store.ReportRepository;
import dev.tally.store.ReportRepository.Counts;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reports: PASS/FAIL/ERROR per period, of one task or all. Periods the rollup has reached are read from the
 * rollups, later ones (the current period, and any not rolled yet) straight from the minute counters, so a
 * report is up to date to the last recorded result.
 */
public final class Reports {
  private final ReportRepository repository;

  public Reports(ReportRepository repository) {
    this.repository = repository;
  }

  /** One period; {@code passRate} is pass / total, null when there were no results. */
  public record Item(long start, String startIso, long pass, long fail, long error, long total,
                     @JsonInclude(JsonInclude.Include.ALWAYS) Double passRate) {
  }

  /** Items oldest first, one per period overlapping [from, to), periods without results included as zeros. */
  public record Report(String period, @JsonInclude(JsonInclude.Include.ALWAYS) String taskId, List<Item> items) {
  }

  public Future<Report> report(Period period, String taskId, long from, long to) {
    return report(period, taskId, null, from, to);
  }

  /** A report over the tasks {@code taskIds} only (null: all tasks), or of {@code taskId} among them. */
  public Future<Report> report(Period period, String taskId, List<String> taskIds, long from, long to) {
    List<Long> starts = period.starts(from, to);
    long first = starts.get(0);
    long end = period.next(starts.get(starts.size() - 1));
    return repository.watermark(period.key()).compose(watermark -> {
      long rolledUntil = watermark == null ? first : Math.max(first, Math.min(watermark, end));
      Future<List<Counts>> rolled = rolledUntil > first
          ? repository.rollups(period.key(), taskId, taskIds, first, rolledUntil) : Future.succeededFuture(List.of());
      Future<List<Counts>> minutes = rolledUntil < end
          ? repository.minutes(taskId, taskIds, rolledUntil, end) : Future.succeededFuture(List.of());
      return Future.all(rolled, minutes).map(both -> assemble(period, taskId, starts, rolled.result(), minutes.result()));
    });
  }

  static Report assemble(Period period, String taskId, List<Long> starts, List<Counts> rolled, List<Counts> minutes) {
    Map<Long, long[]> sums = new LinkedHashMap<>();
    starts.forEach(s -> sums.put(s, new long[3]));
    List<Counts> all = new ArrayList<>(rolled);
    all.addAll(minutes);
    for (Counts c : all) {
      long[] s = sums.get(period.start(c.start()));
      if (s == null) continue;
      s[0] += c.pass();
      s[1] += c.fail();
      s[2] += c.error();
    }
    List<Item> items = new ArrayList<>(sums.size());
    sums.forEach((start, s) -> {
      long total = s[0] + s[1] + s[2];
      items.add(new Item(start, Instant.ofEpochMilli(start).toString(), s[0], s[1], s[2], total,
          total == 0 ? null : (double) s[0] / total));
    });
    return new Report(period.key(), taskId, items);
  }
}
