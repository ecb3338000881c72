package dev.tally.compare;

import dev.tally.compare.CompareVerticle.Checked;
import dev.tally.model.ApiCheck;
import dev.tally.model.Event;
import dev.tally.model.Task;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.TimeUnit;

/**
 * Checks an API task: POSTs the event to the user's endpoint and lets {@link ApiVerdicts} read the answer. One per
 * compare verticle, with its own client; the headers (which may hold tokens) are sent, never logged.
 */
final class ApiTaskChecker {
  /**
   * Connections per endpoint host and compare verticle. The default (5) would queue checks behind a slow endpoint
   * long enough to time out while waiting for a connection; the node's in-flight limit bounds the total anyway.
   */
  static final int CONNECTIONS_PER_HOST = 64;

  private final WebClient client;

  ApiTaskChecker(Vertx vertx) {
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("Tally"),
        new PoolOptions().setHttp1MaxSize(CONNECTIONS_PER_HOST).setHttp2MaxSize(CONNECTIONS_PER_HOST));
  }

  Future<Checked> check(Task task, Event event, int attempt) {
    ApiCheck api = task.api();
    if (api == null || api.url() == null) {
      return Future.succeededFuture(ApiVerdicts.error(null, "the API task has no api.url", 0));
    }
    String query = ApiVerdicts.query(api.url());
    long timeoutMs = api.timeoutOrDefault();
    long start = System.nanoTime();
    return send(api, ApiVerdicts.requestBody(task, event, attempt), timeoutMs)
        .map(response -> ApiVerdicts.answer(query, response.statusCode(), response.bodyAsString(), tookMs(start)))
        .otherwise(failure -> ApiVerdicts.noAnswer(query, failure, timeoutMs, tookMs(start)));
  }

  Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }

  private Future<HttpResponse<Buffer>> send(ApiCheck api, String body, long timeoutMs) {
    HttpRequest<Buffer> request;
    try {
      request = client.postAbs(api.url()).connectTimeout(timeoutMs).idleTimeout(timeoutMs);
      api.headers().forEach(request::putHeader);
    } catch (RuntimeException e) { // a URL or header the client refuses
      return Future.failedFuture(new IllegalArgumentException("cannot call " + api.url() + ": " + e.getMessage()));
    }
    if (!request.headers().contains("Content-Type")) request.putHeader("Content-Type", "application/json");
    return request.sendBuffer(Buffer.buffer(body)).timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  private static long tookMs(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
