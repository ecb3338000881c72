package dev.tally.load;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The admin's read paths under {@code adminUsers} concurrent users while events flow in at {@code rate} single
 * POSTs/s and {@code batchRate} batch POSTs/s: each user lists the task's failures, opens one of them, turns to
 * the next page when there is one, and reads the daily report of the task and the weekly one of all tasks, with
 * a think time between. Fails on any failed request, an ingestion p99 over {@code p99}/{@code batchP99}, or a read
 * p99 over {@code adminP99} (ms).
 */
public class AdminReadSimulation extends Simulation {
  static final String FAILURES = "GET failures";
  static final String NEXT_PAGE = "GET failures, next page";
  static final String DETAIL = "GET a failure";
  static final String TASK_REPORT = "GET report of the task by day";
  static final String ALL_REPORT = "GET report of all tasks by week";

  private final LoadSettings settings = LoadSettings.fromSystemProperties();

  {
    setUp(
        Ingestion.singleEvents(settings).injectOpen(constantUsersPerSec(settings.rate()).during(settings.duration())),
        Ingestion.batches(settings).injectOpen(constantUsersPerSec(settings.batchRate()).during(settings.duration())),
        admin().injectClosed(constantConcurrentUsers(settings.adminUsers()).during(settings.duration())))
        .protocols(Ingestion.protocol(settings))
        .assertions(
            global().failedRequests().percent().is(0.0),
            details(Ingestion.SINGLE).responseTime().percentile(99.0).lt(settings.p99Ms()),
            details(Ingestion.BATCH).responseTime().percentile(99.0).lt(settings.batchP99Ms()),
            details(FAILURES).responseTime().percentile(99.0).lt(settings.adminP99Ms()),
            details(DETAIL).responseTime().percentile(99.0).lt(settings.adminP99Ms()),
            details(TASK_REPORT).responseTime().percentile(99.0).lt(settings.adminP99Ms()),
            details(ALL_REPORT).responseTime().percentile(99.0).lt(settings.adminP99Ms()));
  }

  @Override
  public void before() {
    TallySetup.prepare(settings);
  }

  private ScenarioBuilder admin() {
    String failures = "/api/v1/results?taskId=" + settings.taskId() + "&status=FAIL&limit=50";
    return scenario("admin reads")
        // the set-up waited for FAILs, so an empty list is a failure of the run
        .exec(http(FAILURES).get(failures)
            .check(status().is(200), jsonPath("$.items[*].id").findAll().saveAs("failIds"),
                jsonPath("$.nextCursor").optional().saveAs("cursor")))
        .pause(Duration.ofMillis(200), Duration.ofMillis(800))
        .exec(http(DETAIL).get(session -> "/api/v1/results/" + anyOf(session.getList("failIds")))
            .check(status().is(200), jsonPath("$.status").is("FAIL"), jsonPath("$.taskId").is(settings.taskId())))
        .pause(Duration.ofMillis(200), Duration.ofMillis(800))
        .doIf(AdminReadSimulation::hasNextPage).then(http(NEXT_PAGE).get(session -> failures + "&cursor=" + session.getString("cursor"))
            .check(status().is(200), jsonPath("$.items").exists()))
        .exec(http(TASK_REPORT).get("/api/v1/reports?taskId=" + settings.taskId() + "&period=day")
            .check(status().is(200), jsonPath("$.items[*].fail").findAll().exists()))
        .pause(Duration.ofMillis(200), Duration.ofMillis(800))
        .exec(http(ALL_REPORT).get("/api/v1/reports?period=week").check(status().is(200), jsonPath("$.items").exists()))
        .pause(Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  private static boolean hasNextPage(Session session) {
    String cursor = session.contains("cursor") ? session.getString("cursor") : null;
    return cursor != null && !cursor.isEmpty() && !"null".equals(cursor);
  }

  private static String anyOf(List<Object> ids) {
    return String.valueOf(ids.get(ThreadLocalRandom.current().nextInt(ids.size())));
  }
}
