package dev.tally.queue;

import dev.tally.bus.Addresses;
import dev.tally.bus.Delivery;
import dev.tally.model.Job;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer side of the RocketMQ bridge: one simple consumer of a group, receiving jobs while fewer than
 * {@code maxInFlight} of its own are being checked (see {@link CheckBudget}), and handing each to the compare verticles over the event bus.
 * A message stays invisible to other consumers while it is checked; if this node dies it is delivered again.
 */
public final class RocketMqConsumerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RocketMqConsumerVerticle.class);
  private static final Duration INVISIBLE = Duration.ofSeconds(60);
  private static final Duration AWAIT = Duration.ofSeconds(5);
  /** The longest a job received before its due time is held (well inside its invisibility; more is clock skew). */
  private static final long MAX_HOLD_MS = 10_000;
  private static final int BATCH = 16;

  private final RocketMqJobQueue queue;
  private final String group;
  private final List<String> topics;
  private final int maxInFlight;
  private SimpleConsumer consumer;
  private volatile boolean stopped;
  private long backoffMs = 200;

  public RocketMqConsumerVerticle(RocketMqJobQueue queue, String group, List<String> topics, int maxInFlight) {
    this.queue = queue;
    this.group = group;
    this.topics = topics;
    this.maxInFlight = maxInFlight;
  }

  @Override
  public Future<?> start() {
    Map<String, FilterExpression> subscriptions = topics.stream()
        .collect(Collectors.toMap(Function.identity(), t -> FilterExpression.SUB_ALL));
    return vertx.executeBlocking(() -> queue.provider().newSimpleConsumerBuilder()
            .setClientConfiguration(queue.clientConfiguration())
            .setConsumerGroup(group)
            .setAwaitDuration(AWAIT)
            .setSubscriptionExpressions(subscriptions)
            .build())
        .onSuccess(c -> {
          consumer = c;
          queue.register(c, maxInFlight);
          LOG.info("rocketmq consumer of group {} on {}", group, topics);
          receiveLoop();
        });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return vertx.executeBlocking(() -> {
      if (consumer != null) consumer.close();
      return null;
    });
  }

  private void receiveLoop() {
    if (stopped) return;
    int room = queue.room(consumer);
    if (room == 0) {
      vertx.setTimer(20, id -> receiveLoop());
      return;
    }
    // a message may hold up to a pack of jobs: ask for as many messages as the room takes full packs, at least one
    int wanted = Math.max(1, Math.min(BATCH, room / JobPacks.MAX_JOBS));
    Future<List<MessageView>> received = queue.onContext(consumer.receiveAsync(wanted, INVISIBLE));
    // a receive whose answer never comes must not stop this consumer for good
    received.timeout(AWAIT.toMillis() + 10_000, java.util.concurrent.TimeUnit.MILLISECONDS)
        .onSuccess(messages -> {
          backoffMs = 200;
          messages.forEach(this::handOver);
          vertx.runOnContext(x -> receiveLoop());
        })
        .onFailure(err -> {
          if (stopped) return;
          LOG.warn("rocketmq receive failed ({}); again in {} ms", err.getMessage(), backoffMs);
          if (err instanceof java.util.concurrent.TimeoutException) {
            // an answer that comes after all (a loaded broker or machine) holds messages already invisible to every
            // other consumer: check them now rather than leave them for their 60 s of invisibility to run out
            received.onSuccess(late -> {
              if (!late.isEmpty()) LOG.info("rocketmq receive answered late with {} message(s); checking them", late.size());
              late.forEach(this::handOver);
            });
          }
          vertx.setTimer(backoffMs, id -> receiveLoop());
          backoffMs = Math.min(backoffMs * 2, 10_000);
        });
  }

  private void handOver(MessageView message) {
    List<Job> jobs;
    try {
      byte[] body = new byte[message.getBody().remaining()];
      message.getBody().get(body);
      jobs = JobPacks.unpack(body);
    } catch (RuntimeException e) {
      // not a job of ours: acknowledge it so it does not come back forever
      LOG.warn("dropping unreadable message {} on {}: {}", message.getMessageId(), message.getTopic(), e.getMessage());
      queue.onContext(consumer.ackAsync(message));
      return;
    }
    RocketMqJobQueue.Receipt receipt = new RocketMqJobQueue.Receipt(consumer, message, jobs.size());
    jobs.forEach(job -> queue.received(job, receipt));
    jobs.forEach(this::checkWhenDue);
  }

  private void checkWhenDue(Job job) {
    // the broker's timer wheel may hand a delay message over up to its precision before its time, a delayed pack
    // comes when its soonest job is due, and a job due in less than the delay threshold goes to the normal topic:
    // each waits here for the rest of its delay
    long early = Math.min(job.dueAt() - System.currentTimeMillis(), MAX_HOLD_MS);
    if (early > 0) {
      vertx.setTimer(early, id -> vertx.eventBus().send(Addresses.JOBS_DUE, job, Delivery.LOCAL));
    } else {
      vertx.eventBus().send(Addresses.JOBS_DUE, job, Delivery.LOCAL);
    }
  }
}
