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
    double rate = s.settings().rate();
    Outcome o = new Outcome();
    int sent = 0;
    try (KafkaProducer<byte[], byte[]> p = open(config)) {
      Deliveries d = new Deliveries();
      // The warm-up has a schedule of its own, at the same rate.
      Schedule warm = rate > 0 ? new Schedule(rate) : null;
      for (int i = 0; i < s.warmup(); i++) {
        if (warm != null) warm.until(i);
        p.send(new ProducerRecord<>(s.topic(), source.make(size, s.firstSeq() + i)), d);
      }
      // flush() returns once every warm-up batch is done, and a batch runs its callbacks before that.
      p.flush();
      long baseDelivered = d.delivered();
      long baseFailed = d.failed();
      Map<String, Long> baseErrors = d.errors();
      if (baseFailed > 0) throw new IllegalStateException("warm-up: " + baseFailed + " of " + s.warmup() + " deliveries failed (" + baseErrors + ")");

      Meter m = new Meter();
      m.start();
      long t0 = System.nanoTime();
      Schedule sched = rate > 0 ? new Schedule(rate) : null;
      long first = s.firstSeq() + s.warmup();
      for (int i = 0; i < s.messages(); i++) {
        if (sched != null) {
          sched.until(i);
          sched.handOver();
        } else if ((i & 63) == 0 && s.timeUp(t0)) {
          break;
        }
        p.send(new ProducerRecord<>(s.topic(), source.make(size, first + i)), d);
        sent = i + 1;
        if (sched != null || (i & 255) == 255) progress.producer(sent, d.delivered() - baseDelivered, d.failed() - baseFailed, false);
      }
      p.flush();
      m.stop(o);
      o.delivered = d.delivered() - baseDelivered;
      o.failed = d.failed() - baseFailed;
      o.errors = Deliveries.minus(d.errors(), baseErrors);
      progress.producer(sent, o.delivered, o.failed, true);
      if (sched != null) sched.report(o);
    }
    o.messages = sent;
    o.bytes = (long) sent * s.messageSize();
    o.config = config;
    o.notes.add("one send(record, callback) per message, then flush(); a new byte[] per payload, copied from the payload source");
    if (s.timedNote() != null) o.notes.add(s.timedNote());
    return o;
  }

  /**
   * send().get() per message; the latency of each acknowledged message is recorded: unpaced from
   * send(), at a rate from its due time (corrected) with the time from send() as the service time.
   */
  static Outcome sync(ArmSpec s, Progress progress) throws InterruptedException, ExecutionException, java.io.IOException {
    Map<String, Object> config = Configs.producer(s);
    Payload.Source source = Payload.Source.load(s.payload());
    int size = s.messageSize();
    double rate = s.settings().rate();
    Outcome o = new Outcome();
    int sent = 0;
    try (KafkaProducer<byte[], byte[]> p = open(config)) {
      Schedule warm = rate > 0 ? new Schedule(rate) : null;
      for (int i = 0; i < s.warmup(); i++) {
        if (warm != null) warm.until(i);
        p.send(new ProducerRecord<>(s.topic(), source.make(size, s.firstSeq() + i))).get();
      }
      Samples service = new Samples();
      Samples corrected = new Samples();
      long delivered = 0;
      long failed = 0;
      Map<String, Long> errors = new TreeMap<>();
      Meter m = new Meter();
      m.start();
      long t0 = System.nanoTime();
      Schedule sched = rate > 0 ? new Schedule(rate) : null;
      long first = s.firstSeq() + s.warmup();
      for (int i = 0; i < s.messages(); i++) {
        if (sched != null) sched.until(i);
        else if (s.timeUp(t0)) break;
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(s.topic(), source.make(size, first + i));
        long st = sched != null ? sched.handOver() : System.nanoTime();
        sent = i + 1;
        try {
          p.send(r).get();
          long end = System.nanoTime();
          delivered++;
          service.add(Math.round((end - st) / 1000.0));
          // Corrected: from the due time, so the wait behind a slow acknowledgement is counted.
          if (sched != null) corrected.add(Math.round((end - sched.dueNs(i)) / 1000.0));
        } catch (ExecutionException e) {
          failed++;
          errors.merge(Deliveries.errorName(e), 1L, Long::sum);
        }
        progress.producer(sent, delivered, failed, false);
      }
      m.stop(o);
      progress.producer(sent, delivered, failed, true);
      o.delivered = delivered;
      o.failed = failed;
      o.errors = errors;
      if (sched != null) {
        o.latencySamplesUs = corrected.toArray();
        o.serviceSamplesUs = service.toArray();
        sched.report(o);
      } else {
        o.latencySamplesUs = service.toArray();
      }
    }
    o.messages = sent;
    o.bytes = (long) sent * s.messageSize();
    o.config = config;
    o.notes.add("send(record).get() per message; latency = send() to acknowledged future, per message (at a rate: from the due time, service time from send())");
    if (s.timedNote() != null) o.notes.add(s.timedNote());
    return o;
  }
}
