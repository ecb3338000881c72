package dev.tally.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Events POSTed to an API event source ({@code POST /api/v1/events/{id}}, the bench's bearer token):
 * {@link #CLIENTS} clients each posting a batch of {@link #BATCH} and the next as soon as the answer comes
 * (closed loop), or small batches at a fixed pace (open model). A 503 (queue full) pauses that client 100 ms.
 *
 * <p>Vert.x's HTTP client over kept-alive connections: the load runs on the machine it measures, and the JDK's client
 * took half a core to send the half-rate phase's 700 requests a second, a share Tally and the databases then lacked.
 */
public final class HttpLoad implements Load {
  static final int CLIENTS = 8;
  static final int BATCH = 100;
  /** Batch size of the paced phase: small, so events arrive spread out rather than in bursts. */
  static final int PACED_BATCH = 10;

  /** Connections at most: the paced phase's requests are not held back waiting for one. */
  private static final int CONNECTIONS = 64;

  private final Vertx vertx;
  /** Every request is made on this one event loop: a chain begun on another thread can miss its own answer. */
  private final Context context;
  private final RequestOptions events;
  private final int rows;
  private final HttpClient http;

  /** {@code base}: Tally's http://host:port. */
  public HttpLoad(Vertx vertx, String base, String eventSourceId, String token, int rows) {
    this.events = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(base + "/api/v1/events/" + eventSourceId)
        .putHeader("authorization", "Bearer " + token).putHeader("content-type", "application/json").setTimeout(60_000);
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.rows = rows;
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5000),
        new PoolOptions().setHttp1MaxSize(CONNECTIONS));
  }

  private Buffer batch(int size) {
    StringBuilder body = new StringBuilder(size * 40).append('[');
    for (int i = 0; i < size; i++) {
      if (i > 0) body.append(',');
      body.append("{\"op\":\"UPDATE\",\"data\":{\"id\":").append(Load.randomId(rows)).append("}}");
    }
    return Buffer.buffer(body.append(']').toString());
  }

  /**
   * One POST of {@code size} events, counted; answers true if it was a 503. Made on {@link #context}: begun on the
   * pacer's thread, the answer's body could end before the handler that reads it was set, and never be read.
   */
  private Future<Boolean> post(Tally tally, int size) {
    Promise<Boolean> answered = Promise.promise();
    context.runOnContext(v -> send(tally, size).onComplete(answered));
    return answered.future();
  }

  private Future<Boolean> send(Tally tally, int size) {
    Buffer body = batch(size);
    return http.request(events)
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(answer -> count(tally, size, response.statusCode(), answer.toString())))
        .recover(err -> Future.succeededFuture(count(tally, size, -1, String.valueOf(err))));
  }

  /** Counts one answer (status -1: failed on the wire); true if it was a 503. */
  private static boolean count(Tally tally, int size, int status, String body) {
    if (status == 202) {
      tally.accepted(size);
    } else if (status == 503) {
      tally.busy.incrementAndGet();
      return true;
    } else {
      tally.failed(status < 0 ? body : status + " " + body);
    }
    return false;
  }

  @Override
  public Tally closedLoop(int seconds) throws Exception {
    Tally tally = new Tally();
    tally.startMs = System.currentTimeMillis();
    long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      Promise<Void> done = Promise.promise();
      postUntil(tally, stopAt, done);
      all.add(done.future().toCompletionStage().toCompletableFuture());
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(seconds + 120L, TimeUnit.SECONDS);
    tally.endMs = System.currentTimeMillis();
    return tally;
  }

  /** One client of the closed loop: the next batch as soon as the last is answered, 100 ms later after a 503. */
  private void postUntil(Tally tally, long stopAt, Promise<Void> done) {
    if (System.nanoTime() >= stopAt) {
      done.complete();
      return;
    }
    post(tally, BATCH).onComplete(busy -> {
      if (busy.result()) {
        vertx.setTimer(100, id -> postUntil(tally, stopAt, done));
      } else {
        postUntil(tally, stopAt, done);
      }
    });
  }

  @Override
  public Tally paced(double perSecond, int seconds) throws Exception {
    Tally tally = new Tally();
    int size = (int) Math.max(1, Math.min(PACED_BATCH, perSecond / 10));
    long periodNanos = (long) (1e9 * size / perSecond);
    long sends = (long) (seconds * perSecond / size);
    List<CompletableFuture<?>> answers = new ArrayList<>();
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    CompletableFuture<Void> done = new CompletableFuture<>();
    tally.startMs = System.currentTimeMillis();
    long[] sent = {0};
    pacer.scheduleAtFixedRate(() -> {
      if (sent[0]++ >= sends) {
        done.complete(null);
        return;
      }
      synchronized (answers) {
        answers.add(post(tally, size).toCompletionStage().toCompletableFuture());
      }
    }, 0, periodNanos, TimeUnit.NANOSECONDS);
    done.get(seconds + 60L, TimeUnit.SECONDS);
    pacer.shutdownNow();
    tally.endMs = System.currentTimeMillis();
    synchronized (answers) {
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).handle((v, e) -> null).get(120, TimeUnit.SECONDS);
    }
    return tally;
  }

  @Override
  public void close() throws Exception {
    http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
