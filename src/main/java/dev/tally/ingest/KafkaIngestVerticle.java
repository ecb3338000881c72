package dev.tally.ingest;

import dev.tally.bus.Addresses;
import dev.tally.bus.Delivery;
import dev.tally.bus.Messages.IngestReply;
import dev.tally.bus.Messages.IngestRequest;
import dev.tally.config.TallyConfig;
import dev.tally.model.Event;
import dev.tally.ops.Metrics;
import dev.tally.store.ConfigCache;
import dev.tally.store.DeadLetterRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the topics of Kafka BINLOG event sources in one consumer group shared by every node. At least once:
 * a batch's offsets are committed only after its jobs (and dead letters) are persisted; on any failure the
 * consumer seeks back and the batch is read again (job ids are derived from topic, partition and offset, so a
 * replay makes no new job). While too many jobs wait, partitions are paused; they resume below the bound.
 */
public final class KafkaIngestVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaIngestVerticle.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final int MAX_EVENTS_PER_REQUEST = 1000;
  private static final long MAX_BACKOFF_MS = 10_000;

  private final TallyConfig.Kafka settings;
  private final ConfigCache config;
  private final DeadLetterRepository deadLetters;
  private final IntSupplier waitingJobs;
  private final Metrics metrics;
  private KafkaConsumer<byte[], byte[]> consumer;
  private RecordRouter router = new RecordRouter(List.of());
  private String subscribed;
  private volatile boolean paused;
  private boolean stopped;
  private long backoffMs = 200;

  public KafkaIngestVerticle(TallyConfig.Kafka settings, ConfigCache config, DeadLetterRepository deadLetters,
                             IntSupplier waitingJobs, Metrics metrics) {
    this.settings = settings;
    this.config = config;
    this.deadLetters = deadLetters;
    this.waitingJobs = waitingJobs;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", settings.bootstrapServers());
    props.put("group.id", settings.groupId());
    props.put("enable.auto.commit", "false");
    props.put("auto.offset.reset", settings.autoOffsetReset());
    props.put("max.poll.records", "500");
    // new topics matching a subscription are found within seconds, not the default five minutes
    props.put("metadata.max.age.ms", "5000");
    consumer = KafkaConsumer.create(vertx, props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.exceptionHandler(err -> LOG.warn("kafka consumer: {}", err.getMessage()));
    consumer.partitionsAssignedHandler(tps -> LOG.info("kafka partitions assigned: {}", names(tps)));
    consumer.partitionsRevokedHandler(tps -> LOG.info("kafka partitions revoked: {}", names(tps)));
    metrics.describe("tally_kafka_messages_total", "Kafka messages read, per topic");
    metrics.describe("tally_dead_letters_total", "messages that could not become events");
    metrics.describe("tally_kafka_paused", "1 while Kafka partitions are paused because too many jobs wait");
    metrics.gauge("tally_kafka_paused", () -> paused ? 1 : 0);
    return vertx.eventBus().consumer(Addresses.CONFIG_CHANGED, m -> config.reload().onComplete(v -> refresh()))
        .completion()
        .compose(v -> refresh())
        .onSuccess(v -> vertx.runOnContext(x -> pollLoop()));
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return consumer.close();
  }

  /** Follows the event sources: subscribes to every topic one of them reads. */
  private Future<Void> refresh() {
    router = new RecordRouter(config.eventSources());
    Pattern subscription = router.subscription();
    String wanted = subscription == null ? null : subscription.pattern();
    if (Objects.equals(wanted, subscribed)) return Future.succeededFuture();
    subscribed = wanted;
    LOG.info("kafka subscription: {}", wanted == null ? "none" : wanted);
    return wanted == null ? consumer.unsubscribe() : consumer.subscribe(subscription);
  }

  private void pollLoop() {
    if (stopped) return;
    if (subscribed == null) {
      vertx.setTimer(POLL.toMillis(), id -> pollLoop());
      return;
    }
    applyBackPressure()
        .compose(v -> consumer.poll(POLL))
        .compose(this::process)
        .onSuccess(v -> {
          backoffMs = 200;
          vertx.runOnContext(x -> pollLoop());
        })
        .onFailure(err -> {
          if (stopped) return;
          LOG.warn("kafka batch not processed, reading it again in {} ms: {}", backoffMs, err.getMessage());
          vertx.setTimer(backoffMs, id -> pollLoop());
          backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        });
  }

  private Future<Void> applyBackPressure() {
    int waiting = waitingJobs.getAsInt();
    if (!paused && waiting >= settings.maxPendingJobs()) {
      paused = true;
      LOG.info("{} jobs waiting: pausing kafka partitions", waiting);
      return consumer.assignment().compose(consumer::pause);
    }
    if (paused && waiting < settings.maxPendingJobs() * 8L / 10) {
      paused = false;
      LOG.info("{} jobs waiting: resuming kafka partitions", waiting);
      return consumer.assignment().compose(consumer::resume);
    }
    return Future.succeededFuture();
  }

  private Future<Void> process(KafkaConsumerRecords<byte[], byte[]> records) {
    if (records.isEmpty()) return Future.succeededFuture();
    List<RecordRouter.Message> messages = new ArrayList<>(records.size());
    Map<TopicPartition, Long> first = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<byte[], byte[]> r = records.recordAt(i);
      messages.add(new RecordRouter.Message(r.topic(), r.partition(), r.offset(), r.timestamp(), r.value()));
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      first.merge(tp, r.offset(), Math::min);
      next.merge(tp, new OffsetAndMetadata(r.offset() + 1, ""), (a, b) -> a.getOffset() >= b.getOffset() ? a : b);
      metrics.count("tally_kafka_messages_total", 1, "topic", r.topic());
    }
    RecordRouter.Routed routed = router.route(messages, System.currentTimeMillis());
    List<Future<?>> writes = new ArrayList<>();
    writes.add(deadLetters.insertAll(routed.deadLetters()));
    routed.events().forEach((sourceId, events) -> {
      for (int from = 0; from < events.size(); from += MAX_EVENTS_PER_REQUEST) {
        List<Event> chunk = events.subList(from, Math.min(events.size(), from + MAX_EVENTS_PER_REQUEST));
        writes.add(vertx.eventBus().<IngestReply>request(Addresses.EVENTS_INGEST, new IngestRequest(sourceId, List.copyOf(chunk)), Delivery.LOCAL));
      }
    });
    return Future.all(writes)
        .compose(v -> consumer.commit(next))
        .<Void>map(v -> {
          metrics.count("tally_dead_letters_total", routed.deadLetters().size());
          if (!routed.deadLetters().isEmpty()) LOG.warn("{} kafka message(s) went to dead letters, e.g. {}", routed.deadLetters().size(), routed.deadLetters().get(0).reason());
          return null;
        })
        .recover(err -> seekBack(first).compose(v -> Future.failedFuture(err)));
  }

  /** Reads the batch again on the next poll. */
  private Future<Void> seekBack(Map<TopicPartition, Long> first) {
    List<Future<Void>> seeks = new ArrayList<>();
    first.forEach((tp, offset) -> seeks.add(consumer.seek(tp, offset)));
    return Future.join(seeks).mapEmpty();
  }

  private static List<String> names(java.util.Set<TopicPartition> tps) {
    return tps.stream().map(tp -> tp.getTopic() + "-" + tp.getPartition()).sorted().toList();
  }
}
