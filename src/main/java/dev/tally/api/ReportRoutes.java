package dev.tally.api;

import dev.tally.model.ValidationException;
import dev.tally.ops.Period;
import dev.tally.ops.Reports;
import dev.tally.ops.Reports.Item;
import dev.tally.ops.Reports.Report;
import dev.tally.store.ConfigCache;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * GET /api/v1/reports and /api/v1/reports.csv?taskId=&period=day|week|month&from=&to=: PASS/FAIL/ERROR per period
 * (UTC; weeks are ISO weeks from Monday), of one task or of all the caller may see, oldest first.
 */
final class ReportRoutes {
  /** Most periods one report spans. */
  static final int MAX_PERIODS = 1000;
  private static final long DAY_MS = 86_400_000L;

  private final Reports reports;
  private final ConfigCache cache;

  /** {@code cache}: the tasks, whose teams decide which counts a caller's report sums. */
  ReportRoutes(Reports reports, ConfigCache cache) {
    this.reports = reports;
    this.cache = cache;
  }

  void mount(Router router) {
    router.get("/api/v1/reports").handler(ctx -> Http.respond(ctx, 200, query(ctx)));
    router.get("/api/v1/reports.csv").handler(ctx -> query(ctx)
        .onSuccess(report -> ctx.response()
            .putHeader("content-type", "text/csv; charset=utf-8")
            .putHeader("content-disposition", "attachment; filename=\"tally-report-" + report.period() + ".csv\"")
            .end(csv(report)))
        .onFailure(ctx::fail));
  }

  private Future<Report> query(RoutingContext ctx) {
    String periodKey = ctx.request().getParam("period", "day").trim().toLowerCase(Locale.ROOT);
    Period period = Period.of(periodKey);
    if (period == null) throw new ValidationException("period", "unknown period", "day, week or month");
    String taskId = ctx.request().getParam("taskId");
    if (taskId != null && taskId.isBlank()) taskId = null;
    if (taskId != null && taskId.length() > 64) throw new ValidationException("taskId", "too long", "at most 64 characters");
    Long toParam = Http.instant(ctx, "to");
    Long fromParam = Http.instant(ctx, "from");
    long to = toParam != null ? toParam : System.currentTimeMillis();
    long from = fromParam != null ? fromParam : to - defaultSpanDays(period) * DAY_MS;
    if (from >= to) throw new ValidationException("from", "must be before to", null);
    if ((to - from) / DAY_MS > MAX_PERIODS * 31L || period.starts(from, to).size() > MAX_PERIODS) {
      throw new ValidationException("from", "range too long", "at most " + MAX_PERIODS + " periods of " + period.key());
    }
    // the overall report sums the caller's visible tasks; a task they cannot see reports zeros, as an unknown one does
    return reports.report(period, taskId, Access.taskScope(ctx, cache, taskId), from, to);
  }

  private static long defaultSpanDays(Period period) {
    return switch (period) {
      case DAY -> 30;
      case WEEK -> 12 * 7;
      case MONTH -> 365;
    };
  }

  static String csv(Report report) {
    StringBuilder out = new StringBuilder("period,taskId,start,startIso,pass,fail,error,total,passRate\n");
    for (Item i : report.items()) {
      out.append(report.period()).append(',').append(quoted(report.taskId())).append(',').append(i.start()).append(',')
          .append(i.startIso()).append(',').append(i.pass()).append(',').append(i.fail()).append(',').append(i.error())
          .append(',').append(i.total()).append(',').append(i.passRate() == null ? "" : String.valueOf(i.passRate())).append('\n');
    }
    return out.toString();
  }

  /** A CSV field: as is when plain, else quoted with its quotes doubled (and a leading formula sign defused). */
  private static String quoted(String value) {
    if (value == null) return "";
    boolean plain = "=+-@".indexOf(value.charAt(0)) < 0
        && value.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.');
    if (plain) return value;
    String safe = "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    return '"' + safe.replace("\"", "\"\"") + '"';
  }
}
