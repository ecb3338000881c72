package dev.tally.ops.alert;

import dev.tally.model.AlertChannel;
import dev.tally.model.AlertDelivery;
import dev.tally.model.AlertExample;
import dev.tally.model.AlertPolicy;
import dev.tally.model.Task;
import dev.tally.ops.Metrics;
import dev.tally.store.AlertRepository;
import dev.tally.store.AlertRepository.Due;
import dev.tally.store.AlertRepository.Waiting;
import dev.tally.store.ConfigCache;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import dev.tally.net.OutboundClient;
import dev.tally.net.OutboundPolicy;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends alerts. Every tick, the node holding the cluster-wide alert lease turns each task's failures whose
 * window has ended into one delivery per channel (counted exactly in the store, see {@link AlertRepository});
 * then each node sends the due deliveries it can claim, and a failed send (non-2xx, no answer in time) is tried
 * again with backoff, up to {@link #MAX_ATTEMPTS} times. Deliveries live in the store, so a restart loses none.
 */
public final class AlertVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AlertVerticle.class);
  public static final int MAX_ATTEMPTS = 5;
  private static final long TICK_MS = 1_000;
  private static final long FIRST_BACKOFF_MS = 1_000;
  private static final int BATCH = 50;
  private static final int MAX_IN_FLIGHT = 100;
  private static final String LEASE = "tally.lease.alerts";

  private final ConfigCache config;
  private final AlertRepository alerts;
  private final Supplier<String> publicUrl;
  private OutboundClient web;
  private AlertSender sender;
  private final Metrics metrics;
  private final OutboundPolicy outbound;
  private long timer = -1;
  private int inFlight;
  private boolean stopped;

  /** {@code publicUrl}: the base of the links in messages, without a trailing slash. */
  public AlertVerticle(ConfigCache config, AlertRepository alerts, Supplier<String> publicUrl, Metrics metrics,
                       OutboundPolicy outbound) {
    this.outbound = outbound;
    this.config = config;
    this.alerts = alerts;
    this.publicUrl = publicUrl;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    web = new OutboundClient(vertx, outbound);
    sender = new AlertSender(web);
    scheduleNext();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return web.close();
  }

  /** Backoff before attempt {@code next} (2, 3, ...): 1 s, 2 s, 4 s, 8 s. */
  static long backoffBefore(int next) {
    return FIRST_BACKOFF_MS << Math.min(10, next - 2);
  }

  private void scheduleNext() {
    if (!stopped) timer = vertx.setTimer(TICK_MS, id -> tick().onComplete(done -> scheduleNext()));
  }

  private Future<Void> tick() {
    return takeEndedWindows()
        .compose(v -> sendDue())
        .onFailure(err -> LOG.warn("alert round failed: {}", err.getMessage()))
        .recover(err -> Future.succeededFuture());
  }

  /** Once per round in the whole cluster: the node that gets the lease makes the messages, the others skip. */
  private Future<Void> takeEndedWindows() {
    return vertx.sharedData().getLockWithTimeout(LEASE, 100)
        .compose(lock -> alerts.windowsEnded(System.currentTimeMillis())
            .compose(ended -> takeEach(ended, 0))
            .eventually(() -> {
              lock.release();
              return Future.succeededFuture();
            }), notOurs -> Future.succeededFuture());
  }

  private Future<Void> takeEach(List<Waiting> ended, int i) {
    if (i == ended.size()) return Future.succeededFuture();
    Waiting w = ended.get(i);
    Task task = config.task(w.taskId());
    AlertPolicy policy = task == null ? null : task.alert();
    // a task deleted, or no longer alerting: its count is dropped without a message
    List<String> channels = policy == null ? List.of() : policy.channelIds();
    Future<List<AlertExample>> examples = channels.isEmpty() ? Future.succeededFuture(List.of())
        : alerts.examples(w.taskId(), policy.on(), w.windowStart(), AlertMessages.MAX_EXAMPLES)
            .map(results -> results.stream().map(AlertMessages::example).toList());
    return examples
        .compose(x -> alerts.takeWindow(w, channels, x, System.currentTimeMillis()))
        .onSuccess(made -> {
          if (!made.isEmpty()) LOG.info("alert: task {} had {} failures in the window from {}: {} messages", w.taskId(), made.get(0).count(), w.windowStart(), made.size());
        })
        .compose(made -> takeEach(ended, i + 1));
  }

  private Future<Void> sendDue() {
    int room = Math.min(BATCH, MAX_IN_FLIGHT - inFlight);
    if (room <= 0) return Future.succeededFuture();
    return alerts.due(System.currentTimeMillis(), room).map(due -> {
      due.forEach(this::claimAndSend);
      return null;
    });
  }

  private void claimAndSend(Due d) {
    inFlight++;
    alerts.claim(d, System.currentTimeMillis() + AlertSender.TIMEOUT_MS + 10_000)
        .compose(mine -> mine ? send(d.delivery()) : Future.succeededFuture())
        .onFailure(err -> LOG.warn("alert delivery {} failed, due again after its lease: {}", d.delivery().id(), err.getMessage()))
        .onComplete(done -> inFlight--);
  }

  private Future<Void> send(AlertDelivery d) {
    int attempt = d.attempts() + 1;
    return alerts.channel(d.channelId()).compose(channel -> {
      if (channel == null) return alerts.outcome(d.id(), d.attempts(), "the channel was deleted", null, System.currentTimeMillis());
      return sender.send(channel, AlertMessages.body(channel.kind(), message(d)))
          .compose(outcome -> record(d, channel, attempt, outcome));
    });
  }

  private Future<Void> record(AlertDelivery d, AlertChannel channel, int attempt, AlertSender.Outcome outcome) {
    long now = System.currentTimeMillis();
    metrics.count(Metrics.ALERTS_SENT, 1, "channel", channel.id(), "outcome", outcome.ok() ? "ok" : "failed");
    if (outcome.ok()) return alerts.outcome(d.id(), attempt, null, null, now);
    Long next = attempt < MAX_ATTEMPTS ? now + backoffBefore(attempt + 1) : null;
    if (next == null) LOG.warn("alert to channel {} ({}) failed {} times; giving up: {}", channel.id(), channel.kind(), attempt, outcome.error());
    return alerts.outcome(d.id(), attempt, outcome.error(), next, now);
  }

  private AlertMessage message(AlertDelivery d) {
    Task task = config.task(d.taskId());
    return new AlertMessage(d.taskId(), task == null ? d.taskId() : task.name(), d.windowStart(), d.windowEnd(), d.count(),
        d.examples(), AlertMessage.link(publicUrl.get(), d.taskId()));
  }
}
