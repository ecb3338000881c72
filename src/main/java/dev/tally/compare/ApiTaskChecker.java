package dev.tally.compare;

import dev.tally.compare.CompareVerticle.Checked;
import dev.tally.model.ApiCheck;
import dev.tally.model.Event;
import dev.tally.model.Task;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import dev.tally.net.OutboundClient;
import dev.tally.net.OutboundPolicy;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.util.LinkedHashMap;
import java.util.Map;
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

  private final OutboundClient client;

  ApiTaskChecker(Vertx vertx, OutboundPolicy outbound) {
    this.client = new OutboundClient(vertx, outbound, new HttpClientOptions(),
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
        .map(response -> ApiVerdicts.answer(query, response.status(), response.body().toString(), tookMs(start)))
        .otherwise(failure -> ApiVerdicts.noAnswer(query, failure, timeoutMs, tookMs(start)));
  }

  Future<Void> close() {
    return client.close();
  }

  private Future<OutboundClient.Response> send(ApiCheck api, String body, long timeoutMs) {
    Map<String, String> headers = new LinkedHashMap<>(api.headers());
    if (headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) headers.put("Content-Type", "application/json");
    return client.send(HttpMethod.POST, api.url(), headers, Buffer.buffer(body), timeoutMs);
  }

  private static long tookMs(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
