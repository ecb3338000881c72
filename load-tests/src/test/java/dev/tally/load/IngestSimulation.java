package dev.tally.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;

import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Event ingestion over HTTP, open model: the first half of {@code duration} at a constant rate, the second half
 * ramping to {@code rampRate}; single events ({@code rate} POSTs/s) and batches of {@code batchSize}
 * ({@code batchRate} POSTs/s) side by side. Fails when any request fails or the p99 of either kind of POST
 * exceeds its bound ({@code p99}, {@code batchP99}, ms).
 */
public class IngestSimulation extends Simulation {
  private final LoadSettings settings = LoadSettings.fromSystemProperties();

  {
    Duration half = settings.duration().dividedBy(2);
    setUp(
        Ingestion.singleEvents(settings).injectOpen(
            constantUsersPerSec(settings.rate()).during(half),
            rampUsersPerSec(settings.rate()).to(settings.rampRate()).during(half)),
        Ingestion.batches(settings).injectOpen(
            constantUsersPerSec(settings.batchRate()).during(half),
            rampUsersPerSec(settings.batchRate()).to(settings.rampBatchRate()).during(half)))
        .protocols(Ingestion.protocol(settings))
        .assertions(
            global().failedRequests().percent().is(0.0),
            details(Ingestion.SINGLE).responseTime().percentile(99.0).lt(settings.p99Ms()),
            details(Ingestion.BATCH).responseTime().percentile(99.0).lt(settings.batchP99Ms()));
  }

  @Override
  public void before() {
    TallySetup.prepare(settings);
  }
}
