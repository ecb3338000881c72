package dev.tally.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Events POSTed to an API event source ({@code POST /api/v1/events/{id}}, the bench's bearer token):
 * {@link #CLIENTS} clients each posting a batch of {@link #BATCH} and the next as soon as the answer comes
 * (closed loop), or small batches at a fixed pace (open model). A 503 (queue full) pauses that client 100 ms.
 */
public final class HttpLoad implements Load {
  static final int CLIENTS = 8;
  static final int BATCH = 100;
  /** Batch size of the paced phase: small, so events arrive spread out rather than in bursts. */
  static final int PACED_BATCH = 10;

  private final URI events;
  private final String token;
  private final int rows;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(4)).build();

  public HttpLoad(String base, String eventSourceId, String token, int rows) {
    this.events = URI.create(base + "/api/v1/events/" + eventSourceId);
    this.token = token;
    this.rows = rows;
  }

  private HttpRequest batch(int size) {
    StringBuilder body = new StringBuilder(size * 40).append('[');
    for (int i = 0; i < size; i++) {
      if (i > 0) body.append(',');
      body.append("{\"op\":\"UPDATE\",\"data\":{\"id\":").append(Load.randomId(rows)).append("}}");
    }
    return HttpRequest.newBuilder(events).header("authorization", "Bearer " + token).header("content-type", "application/json")
        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body.append(']').toString())).build();
  }

  /** Counts one answer; true if it was a 503. */
  private static boolean count(Tally tally, int size, HttpResponse<String> r, Throwable err) {
    if (err != null) {
      tally.failed(String.valueOf(err));
    } else if (r.statusCode() == 202) {
      tally.accepted(size);
    } else if (r.statusCode() == 503) {
      tally.busy.incrementAndGet();
      return true;
    } else {
      tally.failed(r.statusCode() + " " + r.body());
    }
    return false;
  }

  @Override
  public Tally closedLoop(int seconds) throws Exception {
    Tally tally = new Tally();
    tally.startMs = System.currentTimeMillis();
    long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      all.add(CompletableFuture.runAsync(() -> {
        while (System.nanoTime() < stopAt) {
          HttpResponse<String> r = null;
          Throwable err = null;
          try {
            r = http.send(batch(BATCH), HttpResponse.BodyHandlers.ofString());
          } catch (Exception e) {
            err = e;
          }
          if (count(tally, BATCH, r, err)) pause(100);
        }
      }, clients));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(seconds + 120L, TimeUnit.SECONDS);
    tally.endMs = System.currentTimeMillis();
    clients.shutdown();
    return tally;
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
        answers.add(http.sendAsync(batch(size), HttpResponse.BodyHandlers.ofString())
            .whenComplete((r, err) -> count(tally, size, r, err)));
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

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    // the JDK client closes with its threads
  }
}
