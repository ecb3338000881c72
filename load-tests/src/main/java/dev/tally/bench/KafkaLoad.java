package dev.tally.bench;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Canal flat messages (one UPDATE row each) produced to a fresh Kafka topic that a BINLOG event source of Tally
 * reads. "Accepted" is what Kafka acknowledged (acks=all): from there on Tally owes a verdict. Kafka takes
 * messages far faster than any consumer checks them, so "as fast as Tally takes them" is a closed loop on Tally's
 * verdicts: messages are produced while fewer than {@link #MAX_LAG} are without a verdict (Tally's own
 * {@code kafka.maxPendingJobs} default), read from the task's stats every 100 ms. The paced phase sends at a
 * fixed rate.
 */
public final class KafkaLoad implements Load {
  static final String SERVERS = "127.0.0.1:19092";
  static final int PARTITIONS = 4;
  static final int IN_FLIGHT = 20_000;
  static final long MAX_LAG = 20_000;

  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final String table;
  private final int rows;
  private final LongSupplier verdicts;

  /** {@code verdicts}: how many verdicts Tally has given so far for this topic's events. */
  public KafkaLoad(String topic, String table, int rows, LongSupplier verdicts) throws Exception {
    this.verdicts = verdicts;
    this.topic = topic;
    this.table = table;
    this.rows = rows;
    Properties admin = new Properties();
    admin.put("bootstrap.servers", SERVERS);
    try (Admin a = Admin.create(admin)) {
      a.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SERVERS);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    producer = new KafkaProducer<>(p);
  }

  /** One row change as Canal publishes it (flat message, values as strings typed by mysqlType). */
  private String canal(long id, long now) {
    return "{\"data\":[{\"id\":\"" + id + "\",\"status\":\"NEW\"}],\"database\":\"" + Fixture.DATABASE + "\",\"es\":" + now
        + ",\"id\":" + id + ",\"isDdl\":false,\"mysqlType\":{\"id\":\"bigint(20)\",\"status\":\"varchar(20)\"},"
        + "\"old\":[{\"status\":\"PAID\"}],\"pkNames\":[\"id\"],\"sql\":\"\",\"sqlType\":{\"id\":-5,\"status\":12},\"table\":\""
        + table + "\",\"ts\":" + now + ",\"type\":\"UPDATE\"}";
  }

  private void send(Tally tally, Semaphore window) throws InterruptedException {
    window.acquire();
    long id = Load.randomId(rows);
    producer.send(new ProducerRecord<>(topic, String.valueOf(id), canal(id, System.currentTimeMillis())), (meta, err) -> {
      window.release();
      if (err == null) tally.accepted(1);
      else tally.failed(String.valueOf(err));
    });
  }

  @Override
  public Tally closedLoop(int seconds) throws Exception {
    Tally tally = new Tally();
    Semaphore window = new Semaphore(IN_FLIGHT);
    tally.startMs = System.currentTimeMillis();
    long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long given = verdicts.getAsLong();
    long sent = 0;
    long lastPoll = System.nanoTime();
    while (System.nanoTime() < stopAt) {
      if (sent - (verdicts.getAsLong() - given) >= MAX_LAG) {
        if (System.nanoTime() - lastPoll < 100_000_000) TimeUnit.MILLISECONDS.sleep(100);
        lastPoll = System.nanoTime();
        continue;
      }
      send(tally, window);
      sent++;
    }
    producer.flush();
    tally.endMs = System.currentTimeMillis();
    return tally;
  }

  @Override
  public Tally paced(double perSecond, int seconds) throws Exception {
    Tally tally = new Tally();
    Semaphore window = new Semaphore(IN_FLIGHT);
    tally.startMs = System.currentTimeMillis();
    long start = System.nanoTime();
    long total = (long) (perSecond * seconds);
    for (long i = 0; i < total; i++) {
      long due = start + (long) (i * 1e9 / perSecond);
      long wait = due - System.nanoTime();
      if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
      send(tally, window);
    }
    producer.flush();
    tally.endMs = System.currentTimeMillis();
    return tally;
  }

  @Override
  public void close() {
    producer.close();
  }
}
