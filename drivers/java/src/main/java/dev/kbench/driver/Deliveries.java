package dev.kbench.driver;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Delivery counts of an async producer. One callback instance serves every record; it runs on the
 * client's I/O thread, hence the concurrent counters. Failures are counted by exception class.
 */
public final class Deliveries implements Callback {
  private final LongAdder delivered = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();

  @Override
  public void onCompletion(RecordMetadata metadata, Exception exception) {
    if (exception == null) {
      delivered.increment();
    } else {
      fail(exception);
    }
  }

  public void fail(Throwable t) {
    failed.increment();
    errors.computeIfAbsent(errorName(t), k -> new LongAdder()).increment();
  }

  public long delivered() {
    return delivered.sum();
  }

  public long failed() {
    return failed.sum();
  }

  public Map<String, Long> errors() {
    Map<String, Long> out = new TreeMap<>();
    errors.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** The failure's exception class (the client's own error type), unwrapping Future wrappers. */
  public static String errorName(Throwable t) {
    Throwable e = t;
    while (e instanceof ExecutionException && e.getCause() != null) e = e.getCause();
    return e.getClass().getSimpleName();
  }

  /** Errors of `total` minus those of `base`, dropping zeros. */
  public static Map<String, Long> minus(Map<String, Long> total, Map<String, Long> base) {
    Map<String, Long> out = new TreeMap<>(total);
    base.forEach((k, v) -> out.merge(k, -v, Long::sum));
    out.values().removeIf(v -> v == 0);
    return out;
  }
}
