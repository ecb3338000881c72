package dev.tally.it;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/** The test Kafka broker (started by scripts/infra/kafka.sh): topics, a producer, and consumer lag. */
public final class KafkaTopics implements AutoCloseable {
  public static final String BOOTSTRAP = System.getProperty("tally.test.kafka", "127.0.0.1:19092");
  private final Admin admin;
  private final KafkaProducer<String, String> producer;

  public KafkaTopics() {
    Properties p = new Properties();
    p.put("bootstrap.servers", BOOTSTRAP);
    admin = Admin.create(p);
    Properties pp = new Properties();
    pp.putAll(p);
    pp.put("acks", "all");
    pp.put("linger.ms", "5");
    producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
  }

  public void create(String topic, int partitions) throws Exception {
    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
  }

  public void send(String topic, String key, String value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
  }

  public void sendAsync(String topic, String key, String value) {
    producer.send(new ProducerRecord<>(topic, key, value));
  }

  public void flush() {
    producer.flush();
  }

  /** The end offset of each partition of the topic. */
  public Map<Integer, Long> endOffsets(String topic) throws Exception {
    var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions();
    Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
    partitions.forEach(pi -> latest.put(new TopicPartition(topic, pi.partition()), OffsetSpec.latest()));
    Map<Integer, Long> ends = new java.util.TreeMap<>();
    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
    return ends;
  }

  /** Messages of the topic that the group has not committed yet. */
  public long lag(String group, String topic) throws Exception {
    var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions();
    Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
    partitions.forEach(pi -> latest.put(new TopicPartition(topic, pi.partition()), OffsetSpec.latest()));
    var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
    var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    long lag = 0;
    for (var e : ends.entrySet()) {
      var c = committed.get(e.getKey());
      lag += e.getValue().offset() - (c == null ? 0 : c.offset());
    }
    return lag;
  }

  @Override
  public void close() {
    producer.close();
    admin.close();
  }
}
