package dev.tally.queue;

import dev.tally.bus.Addresses;
import dev.tally.bus.Delivery;
import dev.tally.bus.Failures;
import dev.tally.config.TallyConfig;
import dev.tally.model.Job;
import dev.tally.model.Json;
import dev.tally.model.Result;
import dev.tally.model.Task;
import dev.tally.store.ConfigCache;
import dev.tally.store.ResultRepository.Completion;
import dev.tally.store.ResultRepository.JobHome;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;

/**
 * Jobs on RocketMQ: a job due now goes to the normal topic (or the priority topic for priority tasks), a
 * delayed job (first delay, retry backoff) to the delay topic with its delivery time. {@link
 * RocketMqConsumerVerticle}s on every node receive them; a message is acknowledged only after the job's result is
 * recorded or its next attempt is on the broker, so a node that dies leaves its messages to be delivered again.
 *
 * <p>The client's callbacks run on its own threads: every one is handed back to a Vert.x context.
 */
public final class RocketMqJobQueue implements JobQueue {
  /**
   * A received message, the consumer that must acknowledge it, and how many of its jobs are still being checked:
   * a message of several jobs ({@link JobPacks}) is acknowledged when the last of them is done with.
   */
  static final class Receipt {
    private final SimpleConsumer consumer;
    private final MessageView message;
    private final java.util.concurrent.atomic.AtomicInteger open;

    Receipt(SimpleConsumer consumer, MessageView message, int jobs) {
      this.consumer = consumer;
      this.message = message;
      this.open = new java.util.concurrent.atomic.AtomicInteger(jobs);
    }

    SimpleConsumer consumer() {
      return consumer;
    }

    /** One of its jobs is done with; true if it was the last, so the message is to be acknowledged. */
    boolean release() {
      return open.decrementAndGet() == 0;
    }
  }

  private static final long DELAY_THRESHOLD_MS = 200;

  private final Vertx vertx;
  private final TallyConfig.RocketMq settings;
  private final ConfigCache config;
  private final ConcurrentHashMap<String, Receipt> inFlight = new ConcurrentHashMap<>();
  /** Deliveries taken per consumer, so the priority consumers have a budget of their own (see {@link CheckBudget}). */
  private final ConcurrentHashMap<SimpleConsumer, CheckBudget> budgets = new ConcurrentHashMap<>();
  private final ClientServiceProvider provider = ClientServiceProvider.loadService();
  private Producer producer;

  private final dev.tally.ops.Metrics metrics;

  public RocketMqJobQueue(Vertx vertx, TallyConfig.RocketMq settings, ConfigCache config, dev.tally.ops.Metrics metrics) {
    this.vertx = vertx;
    this.settings = settings;
    this.config = config;
    this.metrics = metrics;
    metrics.describe("tally_rocketmq_received_total", "jobs received from RocketMQ (several travel in one message)");
    metrics.describe("tally_rocketmq_acked_total", "jobs done with (a message is acknowledged with its last job)");
    metrics.describe("tally_rocketmq_in_flight", "jobs received and not yet acknowledged on this node");
    metrics.gauge("tally_rocketmq_in_flight", inFlight::size);
  }

  /** Jobs received on this node and not yet acknowledged. */
  public int inFlightCount() {
    return inFlight.size();
  }

  /**
   * For readiness: succeeds once a TCP connection to one of the proxy endpoints opens (the producer's client
   * keeps its own connections and says nothing of their health); fails naming the endpoints otherwise.
   */
  public Future<Void> reachable() {
    java.util.List<String> endpoints = java.util.Arrays.stream(settings.endpoints().split("[;,]")).map(String::trim)
        .filter(e -> !e.isEmpty()).toList();
    io.vertx.core.net.NetClient client = vertx.createNetClient(new io.vertx.core.net.NetClientOptions().setConnectTimeout(2000));
    Future<Void> tried = Future.failedFuture("no endpoints");
    for (String endpoint : endpoints) {
      int colon = endpoint.lastIndexOf(':');
      String host = colon < 0 ? endpoint : endpoint.substring(0, colon);
      int port = colon < 0 ? 8081 : Integer.parseInt(endpoint.substring(colon + 1));
      tried = tried.recover(err -> client.connect(port, host).compose(socket -> socket.close()));
    }
    return tried
        .recover(err -> Future.failedFuture("RocketMQ proxy " + settings.endpoints() + " unreachable: " + err.getMessage()))
        .eventually(() -> client.close());
  }

  /** Connects the producer (the client blocks while it fetches routes). */
  public Future<Void> start() {
    return vertx.executeBlocking(() -> {
      producer = provider.newProducerBuilder()
          .setClientConfiguration(clientConfiguration())
          .setTopics(settings.normalTopic(), settings.priorityTopic(), settings.delayTopic())
          .build();
      return null;
    });
  }

  public Future<Void> close() {
    return vertx.executeBlocking(() -> {
      if (producer != null) producer.close();
      return null;
    });
  }

  ClientConfiguration clientConfiguration() {
    return ClientConfiguration.newBuilder().setEndpoints(settings.endpoints()).enableSsl(false)
        .setRequestTimeout(Duration.ofSeconds(10)).build();
  }

  ClientServiceProvider provider() {
    return provider;
  }

  TallyConfig.RocketMq settings() {
    return settings;
  }

  /** A consumer verticle's budget: at most {@code maxChecking} of its jobs checked at once. Call before it receives. */
  void register(SimpleConsumer consumer, int maxChecking) {
    budgets.put(consumer, new CheckBudget(maxChecking));
  }

  /** How many more jobs the consumer may receive now. */
  int room(SimpleConsumer consumer) {
    return budget(consumer).room();
  }

  private CheckBudget budget(SimpleConsumer consumer) {
    CheckBudget budget = budgets.get(consumer);
    if (budget == null) throw new IllegalStateException("consumer of group " + consumer.getConsumerGroup() + " not registered");
    return budget;
  }

  /** A consumer verticle received this job's message; it is acknowledged when the job leaves the compare stage. */
  void received(Job job, Receipt receipt) {
    metrics.count("tally_rocketmq_received_total", 1, "group", receipt.consumer().getConsumerGroup());
    String delivery = delivery(job);
    Receipt previous = inFlight.put(delivery, receipt);
    // the same attempt delivered twice (a redelivery after a slow check, or a replayed event's duplicate): keep the
    // newest receipt, release the older one; whichever check of it ends first moves the job on
    if (previous != null) {
      budget(previous.consumer()).released(delivery);
      release(previous);
    }
    budget(receipt.consumer()).take(delivery);
  }

  /** The delivery's check is over: its place is free for another while it is recorded and acknowledged. */
  private void checked(String delivery) {
    Receipt receipt = inFlight.get(delivery);
    if (receipt != null) budget(receipt.consumer()).checked(delivery);
  }

  @Override
  public Future<Void> enqueue(List<Job> jobs) {
    if (jobs.isEmpty()) return Future.succeededFuture();
    // the client does real work inside sendAsync (routing, flow control): a batch is handed over off the event loop
    Context context = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> JobPacks.pack(jobs, this::routeOf).stream().map(this::sendFromWorker).toList(), false)
        .compose(sends -> Future.all(sends.stream().map(stage -> onContext(stage, context)).toList()))
        .<Void>mapEmpty()
        .recover(err -> Future.failedFuture(new Failures.Unavailable("job queue (RocketMQ at " + settings.endpoints()
            + ") did not take the jobs: " + rootMessage(err), err)));
  }

  @Override
  public Future<Void> reschedule(Job next) {
    // the receipt to acknowledge is the finished attempt's: the next attempt may already be received (its delay
    // ran out while this node was slow), and acknowledging its message before it is checked could lose it
    String finished = next.id() + "#" + (next.attempt() - 1);
    checked(finished);
    return send(next).compose(v -> acknowledge(finished));
  }

  @Override
  public Future<Boolean> complete(Job job, Result result) {
    String delivery = delivery(job);
    checked(delivery);
    return vertx.eventBus().<Boolean>request(Addresses.RESULTS_RECORD, new Completion(job, result, JobHome.BROKER), Delivery.LOCAL)
        .map(Message::body)
        .compose(recorded -> acknowledge(delivery).map(recorded));
  }

  @Override
  public Future<Void> discard(Job job) {
    return acknowledge(delivery(job));
  }

  /** Coalescing needs to see every waiting job; with RocketMQ they are spread over the cluster, so it is off. */
  @Override
  public boolean isWaiting(String taskId, String entityKey) {
    return false;
  }

  private Future<Void> send(Job job) {
    return onContext(sendFromWorker(JobPacks.pack(List.of(job), this::routeOf).get(0))).mapEmpty();
  }

  private JobPacks.Route routeOf(Job job) {
    if (job.dueAt() > System.currentTimeMillis() + DELAY_THRESHOLD_MS) {
      return new JobPacks.Route(settings.delayTopic(), job.dueAt() / 1000);
    }
    Task task = config.task(job.taskId());
    return new JobPacks.Route(task != null && task.strategy().priority() ? settings.priorityTopic() : settings.normalTopic(), 0);
  }

  private CompletionStage<?> sendFromWorker(JobPacks.Pack pack) {
    String[] keys = pack.jobs().stream().map(Job::id).toArray(String[]::new);
    var builder = provider.newMessageBuilder().setTopic(pack.route().topic()).setKeys(keys).setBody(pack.body());
    String task = pack.jobs().get(0).taskId();
    if (pack.jobs().stream().allMatch(j -> j.taskId().equals(task))) builder.setTag(task);
    if (pack.route().delayed()) builder.setDeliveryTimestamp(pack.deliverAt());
    return producer.sendAsync(builder.build());
  }

  /** Receipts are kept per delivery of one attempt of a job: {@code <job id>#<attempt>}. */
  private static String delivery(Job job) {
    return job.id() + "#" + job.attempt();
  }

  private Future<Void> acknowledge(String delivery) {
    Receipt receipt = inFlight.remove(delivery);
    if (receipt == null) return Future.succeededFuture();
    budget(receipt.consumer()).released(delivery);
    return release(receipt);
  }

  /** One job of the receipt's message is done with; the message is acknowledged with its last job. */
  private Future<Void> release(Receipt receipt) {
    metrics.count("tally_rocketmq_acked_total", 1, "group", receipt.consumer().getConsumerGroup());
    if (!receipt.release()) return Future.succeededFuture();
    return onContext(receipt.consumer().ackAsync(receipt.message));
  }

  private static String rootMessage(Throwable err) {
    Throwable root = err;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  /** Completes on a Vert.x context, never on the client's threads. */
  <T> Future<T> onContext(CompletionStage<T> stage) {
    return onContext(stage, vertx.getOrCreateContext());
  }

  private static <T> Future<T> onContext(CompletionStage<T> stage, Context context) {
    Promise<T> promise = Promise.promise();
    stage.whenComplete((value, error) -> context.runOnContext(x -> {
      if (error != null) promise.fail(error);
      else promise.complete(value);
    }));
    return promise.future();
  }
}
