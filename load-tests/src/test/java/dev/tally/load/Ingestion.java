package dev.tally.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.util.concurrent.ThreadLocalRandom;

/** The HTTP protocol and the two ingestion scenarios both simulations use: one event per POST, and batches. */
final class Ingestion {
  static final String SINGLE = "POST one event";
  static final String BATCH = "POST a batch";

  private Ingestion() {
  }

  /** Bearer token on every request; one shared connection pool, as a producer service keeps one. */
  static HttpProtocolBuilder protocol(LoadSettings settings) {
    return http.baseUrl(settings.url())
        .authorizationHeader("Bearer " + settings.token())
        .contentTypeHeader("application/json")
        .acceptHeader("application/json")
        .shareConnections();
  }

  static ScenarioBuilder singleEvents(LoadSettings settings) {
    return scenario("ingest: single events").exec(http(SINGLE)
        .post("/api/v1/events/" + settings.eventSourceId())
        .body(StringBody(session -> event(settings)))
        .check(status().is(202), jsonPath("$.jobs").ofInt().is(1)));
  }

  static ScenarioBuilder batches(LoadSettings settings) {
    return scenario("ingest: batches of " + settings.batchSize()).exec(http(BATCH)
        .post("/api/v1/events/" + settings.eventSourceId())
        .body(StringBody(session -> batch(settings)))
        .check(status().is(202), jsonPath("$.jobs").ofInt().is(settings.batchSize())));
  }

  /** A change of one of the seeded entities, picked at random: Tally reads its row and its copy. */
  private static String event(LoadSettings settings) {
    long id = ThreadLocalRandom.current().nextLong(1, settings.entities() + 1L);
    return "{\"op\":\"UPDATE\",\"data\":{\"id\":" + id + "}}";
  }

  private static String batch(LoadSettings settings) {
    StringBuilder body = new StringBuilder(settings.batchSize() * 40).append('[');
    for (int i = 0; i < settings.batchSize(); i++) {
      if (i > 0) body.append(',');
      body.append(event(settings));
    }
    return body.append(']').toString();
  }
}
