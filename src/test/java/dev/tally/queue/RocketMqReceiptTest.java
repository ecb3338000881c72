package dev.tally.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.config.TallyConfig;
import dev.tally.it.RocketMqTopics;
import dev.tally.model.Attempt;
import dev.tally.model.Event;
import dev.tally.model.Job;
import dev.tally.model.Status;
import dev.tally.ops.Metrics;
import dev.tally.store.ConfigCache;
import dev.tally.store.StoreFixture;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Receipts are per attempt: when a slow node receives a job's next attempt before it has acknowledged the attempt
 * that scheduled it, finishing the first attempt acknowledges only the first message. The next attempt's message
 * stays unacknowledged until it is checked, so it comes back if the node dies (here: nobody checks it, and it is
 * delivered again once its invisibility runs out). Against the test script's RocketMQ, on topics of this run.
 */
class RocketMqReceiptTest {
  private static final Duration INVISIBLE = Duration.ofSeconds(10); // the proxy's minimum

  private String run;
  private Vertx vertx;
  private RocketMqJobQueue queue;
  private SimpleConsumer consumer;

  /** Topics of this test alone, the queue on them, and a consumer of the normal topic playing the node's part. */
  @BeforeEach
  void connect() throws Exception {
    run = "receipt-" + Long.toHexString(System.nanoTime());
    RocketMqTopics.create(run + ":NORMAL", run + "-p:NORMAL", run + "-d:DELAY");
    TallyConfig.RocketMq settings = new TallyConfig.RocketMq(TallyConfig.RocketMq.DEFAULT.endpoints(), run, run + "-p",
        run + "-d", run, 1);
    vertx = Vertx.vertx();
    queue = new RocketMqJobQueue(vertx, settings, new ConfigCache(null), new Metrics());
    StoreFixture.await(queue.start());
    consumer = ClientServiceProvider.loadService().newSimpleConsumerBuilder()
        .setClientConfiguration(queue.clientConfiguration()).setConsumerGroup(run)
        .setSubscriptionExpressions(Map.of(run, FilterExpression.SUB_ALL)).setAwaitDuration(Duration.ofSeconds(2)).build();
    queue.register(consumer, 16);
  }

  @AfterEach
  void close() throws Exception {
    if (consumer != null) consumer.close();
    StoreFixture.await(queue.close());
    StoreFixture.await(vertx.close());
  }

  @Test
  void finishingAnAttemptLeavesTheNextAttemptsMessageUnacknowledged() throws Exception {
    long now = System.currentTimeMillis();
    Event event = new Event("e-1", "src", "UPDATE", Map.of("id", 1), null, now, now);
    Job first = new Job("job-" + run, "task-" + run, event, "1", 1, now, now, List.of());
    Job second = first.retry(new Attempt(1, Status.ERROR, now, 5, "timed out"), now);
    StoreFixture.await(queue.enqueue(List.of(first)));
    StoreFixture.await(queue.enqueue(List.of(second)));

    List<MessageView> both = receive(consumer, 2, Duration.ofSeconds(30));
    MessageView m1 = both.stream().filter(m -> attemptOf(m) == 1).findFirst().orElseThrow();
    MessageView m2 = both.stream().filter(m -> attemptOf(m) == 2).findFirst().orElseThrow();
    // the node got attempt 1, then (slow to finish it) attempt 2, then finishes attempt 1 by scheduling attempt 2
    queue.received(first, new RocketMqJobQueue.Receipt(consumer, m1, 1));
    queue.received(second, new RocketMqJobQueue.Receipt(consumer, m2, 1));
    long farAway = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(30);
    StoreFixture.await(queue.reschedule(first.retry(new Attempt(1, Status.ERROR, now, 5, "timed out"), farAway)));
    assertEquals(1, queue.inFlightCount(), "attempt 2 is still in flight");

    // attempt 2 was never checked: its message comes back; attempt 1's does not
    List<MessageView> again = receive(consumer, 1, Duration.ofSeconds(30));
    assertEquals(List.of(2), again.stream().map(RocketMqReceiptTest::attemptOf).toList());
  }

  /**
   * Jobs enqueued together travel in one message, which is acknowledged only when the last of its jobs is done
   * with: while one is still being checked the message comes back to another consumer (as if this node had died),
   * and once all are done it does not.
   */
  @Test
  void aPackOfJobsIsAcknowledgedWithItsLastJob() throws Exception {
    long now = System.currentTimeMillis();
    List<Job> jobs = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      Event event = new Event("e-" + i, "src", "UPDATE", Map.of("id", i), null, now, now);
      jobs.add(new Job("job-" + i + "-" + run, "task-" + run, event, String.valueOf(i), 1, now, now, List.of()));
    }
    StoreFixture.await(queue.enqueue(jobs));

    List<MessageView> first = receive(consumer, 1, Duration.ofSeconds(30));
    assertEquals(1, first.size(), "three jobs enqueued together are one message");
    assertEquals(jobs, unpack(first.get(0)));
    RocketMqJobQueue.Receipt receipt = new RocketMqJobQueue.Receipt(consumer, first.get(0), 3);
    jobs.forEach(job -> queue.received(job, receipt));
    StoreFixture.await(queue.discard(jobs.get(0)));
    StoreFixture.await(queue.discard(jobs.get(2)));
    assertEquals(1, queue.inFlightCount(), "the second job is still being checked");

    // not acknowledged: after its invisibility the message is delivered again, all three jobs in it
    List<MessageView> again = receive(consumer, 1, Duration.ofSeconds(30));
    assertEquals(jobs, unpack(again.get(0)));
    RocketMqJobQueue.Receipt second = new RocketMqJobQueue.Receipt(consumer, again.get(0), 3);
    jobs.forEach(job -> queue.received(job, second));
    for (Job job : jobs) StoreFixture.await(queue.discard(job));
    assertEquals(0, queue.inFlightCount());

    // acknowledged with its last job: nothing comes back, well past another invisibility
    long end = System.nanoTime() + INVISIBLE.plusSeconds(5).toNanos();
    while (System.nanoTime() < end) {
      List<MessageView> late = consumer.receive(16, INVISIBLE);
      assertEquals(List.of(), late.stream().map(RocketMqReceiptTest::unpack).toList(), "acknowledged, yet delivered again");
    }
  }

  private static List<Job> unpack(MessageView m) {
    byte[] body = new byte[m.getBody().remaining()];
    m.getBody().duplicate().get(body);
    return JobPacks.unpack(body);
  }

  private static int attemptOf(MessageView m) {
    return unpack(m).get(0).attempt();
  }

  /** At least {@code n} messages, received with a short invisibility, within the deadline. */
  private static List<MessageView> receive(SimpleConsumer consumer, int n, Duration deadline) throws Exception {
    List<MessageView> got = new ArrayList<>();
    long end = System.nanoTime() + deadline.toNanos();
    while (got.size() < n) {
      assertTrue(System.nanoTime() < end, "received " + got.size() + " of " + n + " messages");
      got.addAll(consumer.receive(16, INVISIBLE));
    }
    return got;
  }
}
