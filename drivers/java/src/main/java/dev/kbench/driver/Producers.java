package dev.kbench.driver;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * producer-sync and producer-async with the plain Java producer, each timing exactly its window
 * (src/contract/arm.ts WINDOWS): the warm-up sent and acknowledged first, the window from just before
 * the first measured send to the acknowledgement of the last measured message.
 */
final class Producers {
  private Producers() {}

  static KafkaProducer<byte[], byte[]> open(Map<String, Object> config) {
    return new KafkaProducer<>(Configs.props(config), new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** send(), then flush(): every delivery is counted by the callback; failures by exception class. */
  static Outcome async(ArmSpec s, Progress progress) throws InterruptedException, java.io.IOException {
    Map<String, Object> config = Configs.producer(s);
    Payload.Source source = Payload.Source.load(s.payload());
    int size = s.messageSize();
    Outcome o = new Outcome();
    try (KafkaProducer<byte[], byte[]> p = open(config)) {
      Deliveries d = new Deliveries();
      for (int i = 0; i < s.warmup(); i++) p.send(new ProducerRecord<>(s.topic(), source.make(size, s.firstSeq() + i)), d);
      // flush() returns once every warm-up batch is done, and a batch runs its callbacks before that.
      p.flush();
      long baseDelivered = d.delivered();
      long baseFailed = d.failed();
      Map<String, Long> baseErrors = d.errors();
      if (baseFailed > 0) throw new IllegalStateException("warm-up: " + baseFailed + " of " + s.warmup() + " deliveries failed (" + baseErrors + ")");

      Meter m = new Meter();
      m.start();
      long t0 = System.nanoTime();
      long first = s.firstSeq() + s.warmup();
      double rate = s.settings().rate();
      for (int i = 0; i < s.messages(); i++) {
        Meter.pace(t0, i, rate);
        p.send(new ProducerRecord<>(s.topic(), source.make(size, first + i)), d);
        if ((i & 255) == 255) progress.report(i + 1);
      }
      p.flush();
      m.stop(o);
      progress.finish(s.messages());
      o.delivered = d.delivered() - baseDelivered;
      o.failed = d.failed() - baseFailed;
      o.errors = Deliveries.minus(d.errors(), baseErrors);
    }
    o.messages = s.messages();
    o.bytes = (long) s.messages() * s.messageSize();
    o.config = config;
    o.notes.add("one send(record, callback) per message, then flush(); a new byte[] per payload, copied from the payload source");
    return o;
  }

  /** send().get() per message; the latency of each acknowledged message is recorded. */
  static Outcome sync(ArmSpec s, Progress progress) throws InterruptedException, ExecutionException, java.io.IOException {
    Map<String, Object> config = Configs.producer(s);
    Payload.Source source = Payload.Source.load(s.payload());
    int size = s.messageSize();
    Outcome o = new Outcome();
    try (KafkaProducer<byte[], byte[]> p = open(config)) {
      for (int i = 0; i < s.warmup(); i++) p.send(new ProducerRecord<>(s.topic(), source.make(size, s.firstSeq() + i))).get();
      long[] samples = new long[s.messages()];
      int n = 0;
      long delivered = 0;
      long failed = 0;
      Map<String, Long> errors = new TreeMap<>();
      Meter m = new Meter();
      m.start();
      long t0 = System.nanoTime();
      long first = s.firstSeq() + s.warmup();
      double rate = s.settings().rate();
      for (int i = 0; i < s.messages(); i++) {
        Meter.pace(t0, i, rate);
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(s.topic(), source.make(size, first + i));
        long st = System.nanoTime();
        try {
          p.send(r).get();
          delivered++;
          samples[n++] = Math.max(1, Math.round((System.nanoTime() - st) / 1000.0));
        } catch (ExecutionException e) {
          failed++;
          errors.merge(Deliveries.errorName(e), 1L, Long::sum);
        }
        if ((i & 63) == 63) progress.report(i + 1);
      }
      m.stop(o);
      progress.finish(s.messages());
      o.delivered = delivered;
      o.failed = failed;
      o.errors = errors;
      o.latencySamplesUs = java.util.Arrays.copyOf(samples, n);
    }
    o.messages = s.messages();
    o.bytes = (long) s.messages() * s.messageSize();
    o.config = config;
    o.notes.add("send(record).get() per message; latency = send() to acknowledged future, per message");
    return o;
  }
}
