package dev.tally.api;

import dev.tally.model.ValidationException;
import dev.tally.store.ResultRepository;
import dev.tally.store.ResultRepository.MinuteCounts;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** GET /api/v1/tasks/{id}/stats?from=&to=&bucket=minute|hour|day: PASS/FAIL/ERROR per bucket (UTC). */
final class StatsQuery {
  private static final Map<String, Long> BUCKET_MINUTES = Map.of("minute", 1L, "hour", 60L, "day", 1440L);
  private final ResultRepository results;

  StatsQuery(ResultRepository results) {
    this.results = results;
  }

  record Bucket(long start, String startIso, long pass, long fail, long error, long total) {
  }

  record Stats(String taskId, String bucket, long from, long to, long pass, long fail, long error, List<Bucket> buckets) {
  }

  Future<Stats> run(RoutingContext ctx, String taskId) {
    String bucket = ctx.request().getParam("bucket", "hour").toLowerCase(Locale.ROOT);
    Long width = BUCKET_MINUTES.get(bucket);
    if (width == null) throw new ValidationException("bucket", "unknown bucket", "minute, hour or day");
    long now = System.currentTimeMillis();
    Long toParam = Http.instant(ctx, "to");
    Long fromParam = Http.instant(ctx, "from");
    long to = toParam != null ? toParam : now;
    long from = fromParam != null ? fromParam : to - 24 * 3_600_000L;
    if (from >= to) throw new ValidationException("from", "must be before to");
    long fromMinute = Math.floorDiv(from, 60_000L);
    long toMinute = Math.floorDiv(to - 1, 60_000L) + 1;
    return results.counts(taskId, fromMinute, toMinute).map(rows -> aggregate(taskId, bucket, width, from, to, rows));
  }

  private static Stats aggregate(String taskId, String bucket, long width, long from, long to, List<MinuteCounts> rows) {
    TreeMap<Long, long[]> sums = new TreeMap<>();
    long pass = 0, fail = 0, error = 0;
    for (MinuteCounts r : rows) {
      long[] s = sums.computeIfAbsent(Math.floorDiv(r.minute(), width) * width, k -> new long[3]);
      s[0] += r.pass();
      s[1] += r.fail();
      s[2] += r.error();
      pass += r.pass();
      fail += r.fail();
      error += r.error();
    }
    List<Bucket> buckets = new ArrayList<>(sums.size());
    sums.forEach((minute, s) -> buckets.add(new Bucket(minute * 60_000L, Instant.ofEpochMilli(minute * 60_000L).toString(),
        s[0], s[1], s[2], s[0] + s[1] + s[2])));
    return new Stats(taskId, bucket, from, to, pass, fail, error, buckets);
  }
}
