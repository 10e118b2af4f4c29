package dev.kbench.driver;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** consumer and e2e-latency, each timing exactly its window (src/contract/arm.ts WINDOWS). */
final class Consumers {
  /** How long a consumer may receive nothing before the arm fails (src/scenarios/consumer.ts STALL_MS). */
  static final long STALL_MS = 30_000;
  static final Duration POLL = Duration.ofMillis(100);
  /** e2e-latency's rate when --rate is not given (src/scenarios/e2e-latency.ts DEFAULT_E2E_RATE). */
  static final double DEFAULT_E2E_RATE = 2000;

  private Consumers() {}

  /** A consumer with nothing assigned yet (KafkaConsumer connects on its first request). */
  static KafkaConsumer<byte[], byte[]> open(Map<String, Object> config) {
    return new KafkaConsumer<>(Configs.props(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** assign() `partitions` of `topic` (replacing what was assigned) and seek to their beginning: no group at all. */
  static void assignFromBeginning(KafkaConsumer<byte[], byte[]> c, String topic, List<Integer> partitions) {
    List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
    c.assign(tps);
    c.seekToBeginning(tps);
  }

  /** How long fetching the measured topic's metadata may take before the arm fails (src/scenarios/consumer.ts METADATA_TIMEOUT_MS). */
  static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

  /**
   * partitionsFor(topic) on the consumer itself, before the window opens: it then knows the measured
   * topic and where its partitions are, as WINDOWS.consumer says (parity with the librdkafka clients,
   * which would otherwise wait for the partitions' leaders inside the window). Fails naming the topic.
   */
  static void locate(KafkaConsumer<byte[], byte[]> c, String topic, List<Integer> partitions) {
    List<PartitionInfo> known;
    try {
      known = c.partitionsFor(topic, METADATA_TIMEOUT);
    } catch (KafkaException e) {
      throw new IllegalStateException("metadata of topic " + topic + " (fetched before the window): " + Deliveries.errorName(e) + ": " + e.getMessage(), e);
    }
    if (known == null || known.isEmpty()) {
      throw new IllegalStateException("metadata of topic " + topic + ": the broker reported no partitions (does the topic exist?)");
    }
    Set<Integer> ids = new HashSet<>();
    for (PartitionInfo p : known) ids.add(p.partition());
    List<Integer> missing = partitions.stream().filter(p -> !ids.contains(p)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("metadata of topic " + topic + ": no partition " + missing + " (it has " + ids.size() + ")");
    }
  }

  static long stallMs(ArmSpec s) {
    return Math.min(STALL_MS, s.timeoutMs());
  }

  /** Polls until `want` records have arrived, handing each batch to `onBatch`; fails after stallMs without any. */
  private static long read(KafkaConsumer<byte[], byte[]> c, ArmSpec s, long want, String what, java.util.function.Consumer<ConsumerRecords<byte[], byte[]>> onBatch) {
    long got = 0;
    long lastData = System.currentTimeMillis();
    while (got < want) {
      ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
      if (records.isEmpty()) {
        if (System.currentTimeMillis() - lastData > stallMs(s)) {
          throw new IllegalStateException("no messages for " + stallMs(s) / 1000 + " s (read " + got + " of " + want + " " + what + ")");
        }
        continue;
      }
      lastData = System.currentTimeMillis();
      onBatch.accept(records);
      got += records.count();
    }
    return got;
  }

  /**
   * WINDOWS.consumer: the consumer connects and reads the warm-up topic (spec.warmupTopic, partition 0,
   * exactly spec.warmup messages) to its end; the window opens just before the measured topic's
   * partitions are assigned from their beginning and closes when the last measured message has been
   * checksummed. consumed / consumedBytes / checksum cover the measured topic only; nothing is subtracted.
   */
  static Outcome consume(ArmSpec s, Progress progress) {
    if (s.warmup() > 0 && (s.warmupTopic() == null || s.warmupTopic().isEmpty())) {
      throw new IllegalArgumentException("a consumer arm with " + s.warmup() + " warm-up messages needs spec.warmupTopic");
    }
    Map<String, Object> config = Configs.consumer(s);
    Payload.Checksum sum = new Payload.Checksum();
    Meter m = new Meter();
    Outcome o = new Outcome();
    long warm = 0;
    long measured;
    boolean[] dropped = {!s.dropOne()};
    try (KafkaConsumer<byte[], byte[]> c = open(config)) {
      if (s.warmup() > 0) {
        assignFromBeginning(c, s.warmupTopic(), List.of(0));
        warm = read(c, s, s.warmup(), "warm-up messages", r -> {});
      } else {
        c.listTopics(Duration.ofMillis(s.timeoutMs())); // connected before the window, as the warm-up read would leave it
      }
      locate(c, s.topic(), s.partitionsToRead());
      m.start();
      assignFromBeginning(c, s.topic(), s.partitionsToRead());
      long[] done = {0};
      measured = read(c, s, s.messages(), "measured messages", records -> {
        for (ConsumerRecord<byte[], byte[]> r : records) {
          if (!dropped[0]) {
            dropped[0] = true; // injected fault: this message is not accounted for
            continue;
          }
          sum.add(r.value());
        }
        done[0] += records.count();
        progress.report(done[0]);
      });
      m.stop(o);
      progress.finish(measured);
    }
    o.messages = measured;
    o.bytes = measured * s.messageSize();
    o.consumed = sum.count();
    o.consumedBytes = sum.bytes();
    o.checksum = sum.hex();
    o.warmupConsumed = warm;
    o.config = config;
    o.notes.add("window opens just before assign() + seekToBeginning() of the measured partitions (replacing the warm-up topic's assignment); "
        + "poll(100 ms) loop, every payload checksummed inside the window; max.poll.records and fetch sizes at kafka-clients defaults");
    o.notes.add(s.warmup() > 0 ? "warm-up topic read first with assign() + seekToBeginning() of its partition 0" : "no warm-up: listTopics() connects before the window");
    o.notes.add("the measured topic's metadata is fetched (partitionsFor(topic, 10 s)) on the same consumer before the window opens, as the librdkafka clients fetch it");
    return o;
  }

  /** Consumer side of e2e-latency: its own thread (a KafkaConsumer is single-threaded), same clock. */
  private static final class Receiver extends Thread {
    final ArmSpec s;
    final Map<String, Object> config;
    final long total;
    final byte[] seen;
    /** Corrected (from the intended send time in the payload) and service (from the actual hand-over) latencies, µs. */
    final long[] samples;
    final long[] service;
    /** Wall-clock hand-over time of each measured message (µs), set by the producing thread before its send. */
    final AtomicLongArray sentAtUs;
    final AtomicInteger received = new AtomicInteger();
    volatile boolean stop;
    int nSamples;
    long duplicated;
    long outside;
    volatile String error;

    Receiver(ArmSpec s, Map<String, Object> config) {
      super("kbench-e2e-consumer");
      this.s = s;
      this.config = config;
      this.total = (long) s.warmup() + s.messages();
      this.seen = new byte[(int) total];
      this.samples = new long[s.messages()];
      this.service = new long[s.messages()];
      this.sentAtUs = new AtomicLongArray(s.messages());
    }

    @Override
    public void run() {
      try (KafkaConsumer<byte[], byte[]> c = open(config)) {
        assignFromBeginning(c, s.topic(), s.partitionsToRead());
        long lastData = System.currentTimeMillis();
        while (received.get() < total && !stop) {
          ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
          if (records.isEmpty()) {
            if (System.currentTimeMillis() - lastData > stallMs(s)) {
              error = "no messages for " + stallMs(s) / 1000 + " s (received " + received.get() + " of " + total + ")";
              return;
            }
            continue;
          }
          long now = Meter.wallClockUs();
          lastData = System.currentTimeMillis();
          for (ConsumerRecord<byte[], byte[]> r : records) {
            byte[] v = r.value();
            long idx = Payload.readSeq(v) - s.firstSeq();
            if (idx < 0 || idx >= total) {
              outside++;
              continue;
            }
            if (seen[(int) idx] != 0) {
              duplicated++;
              continue;
            }
            seen[(int) idx] = 1;
            received.incrementAndGet();
            if (idx >= s.warmup()) {
              samples[nSamples] = Math.max(1, now - Payload.readTimestampUs(v));
              service[nSamples++] = Math.max(1, now - sentAtUs.get((int) idx - s.warmup()));
            }
          }
        }
      } catch (RuntimeException e) {
        error = Deliveries.errorName(e) + ": " + e.getMessage();
      }
    }
  }

  /**
   * Produces on the open-loop schedule of a fixed rate (Schedule) with each message's intended send
   * time in its payload; a consumer thread in the same process records, per message, intended send →
   * consumed (corrected) and actual hand-over → consumed (service time), and accounts for every
   * sequence number.
   */
  static Outcome e2e(ArmSpec s, Progress progress) throws InterruptedException, java.io.IOException {
    if (s.messageSize() < Payload.LATENCY_HEADER_BYTES) {
      throw new IllegalArgumentException("e2e-latency needs messages of at least " + Payload.LATENCY_HEADER_BYTES + " bytes (size " + s.messageSize() + ")");
    }
    double rate = s.settings().rate() > 0 ? s.settings().rate() : DEFAULT_E2E_RATE;
    Map<String, Object> pconfig = Configs.producer(s);
    Payload.Source source = Payload.Source.load(s.payload());
    int size = s.messageSize();
    Receiver rx = new Receiver(s, Configs.consumer(s));
    rx.start();
    Outcome o = new Outcome();
    try (KafkaProducer<byte[], byte[]> p = Producers.open(pconfig)) {
      Deliveries d = new Deliveries();
      // Warm-up: also proves the consumer is assigned and fetching before anything is measured.
      Schedule warm = new Schedule(rate);
      for (int i = 0; i < s.warmup(); i++) {
        warm.until(i);
        warm.handOver();
        p.send(new ProducerRecord<>(s.topic(), source.makeStamped(size, s.firstSeq() + i, warm.dueUs(i))), d);
      }
      p.flush();
      long baseDelivered = d.delivered();
      long baseFailed = d.failed();
      Map<String, Long> baseErrors = d.errors();
      long waitStart = System.currentTimeMillis();
      while (rx.received.get() < s.warmup() && rx.isAlive() && System.currentTimeMillis() - waitStart < STALL_MS) Thread.sleep(20);

      Meter m = new Meter();
      m.start();
      Schedule sched = new Schedule(rate);
      long first = s.firstSeq() + s.warmup();
      for (int i = 0; i < s.messages(); i++) {
        sched.until(i);
        // Built before the hand-over, stamped with its due time: the schedule, not the send, is intended.
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(s.topic(), source.makeStamped(size, first + i, sched.dueUs(i)));
        rx.sentAtUs.set(i, sched.wallUs(sched.handOver()));
        p.send(r, d);
        progress.e2e(i + 1, Math.max(0, rx.received.get() - s.warmup()), d.delivered() - baseDelivered, false);
      }
      p.flush();
      rx.join();
      m.stop(o);
      progress.e2e(s.messages(), Math.max(0, rx.received.get() - s.warmup()), d.delivered() - baseDelivered, true);
      sched.report(o);
      o.delivered = d.delivered() - baseDelivered;
      o.failed = d.failed() - baseFailed;
      o.errors = Deliveries.minus(d.errors(), baseErrors);
    } finally {
      rx.stop = true;
      rx.join();
    }
    long lost = 0;
    for (int i = s.warmup(); i < rx.total; i++) if (rx.seen[i] == 0) lost++;
    o.messages = s.messages();
    o.bytes = (long) s.messages() * s.messageSize();
    o.consumed = (long) rx.received.get();
    o.lost = lost;
    o.duplicated = rx.duplicated;
    o.latencySamplesUs = java.util.Arrays.copyOf(rx.samples, rx.nSamples);
    o.serviceSamplesUs = java.util.Arrays.copyOf(rx.service, rx.nSamples);
    o.config = pconfig;
    rx.config.forEach((k, v) -> o.config.put("consumer." + k, v));
    o.notes.add(0, "rate " + (rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate)) + " msgs/s on the open-loop schedule");
    if (rx.outside > 0) o.notes.add(rx.outside + " messages with foreign sequence numbers ignored");
    if (rx.error != null) o.notes.add("consumer stopped early: " + rx.error);
    return o;
  }
}
