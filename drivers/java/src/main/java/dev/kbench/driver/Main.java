package dev.kbench.driver;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * kbench's Java driver: one arm per JVM, speaking the external-driver protocol (src/drivers/external.ts).
 *
 * <pre>
 *   java [flags] -cp CLASSPATH dev.kbench.driver.Main SPEC.json     run the arm, write the outcome
 *   java ... dev.kbench.driver.Main --selftest SIZE FIRST_SEQ COUNT... print payload checksums (tests)
 *   java ... dev.kbench.driver.Main --version                          print versions as JSON
 * </pre>
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 4 && args.length % 3 == 1 && args[0].equals("--selftest")) {
      // One line per (size, first seq, count) triple: one JVM checks many cases.
      for (int i = 1; i < args.length; i += 3) {
        Payload.Checksum sum = Payload.expected(Integer.parseInt(args[i]), Long.parseLong(args[i + 1]), Long.parseLong(args[i + 2]));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hex", sum.hex());
        out.put("bytes", sum.bytes());
        System.out.println(ArmSpec.JSON.writeValueAsString(out));
      }
      return;
    }
    if (args.length == 1 && args[0].equals("--version")) {
      Map<String, String> v = new LinkedHashMap<>();
      v.put("kafkaClients", AppInfoParser.getVersion());
      v.put("jackson", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
      v.put("java", System.getProperty("java.version"));
      v.put("vm", System.getProperty("java.vm.name"));
      System.out.println(ArmSpec.JSON.writeValueAsString(v));
      return;
    }
    if (args.length != 1) {
      System.err.println("usage: dev.kbench.driver.Main <spec.json> | --selftest SIZE FIRST_SEQ COUNT [...] | --version");
      System.exit(2);
    }
    ArmSpec spec = ArmSpec.read(args[0]);
    Outcome o;
    try {
      o = run(spec, new Progress());
    } catch (Throwable t) {
      o = Outcome.failure(message(t));
    }
    o.notes.add(0, "JVM " + System.getProperty("java.version") + " " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())
        + "; CPU from /proc/self/stat (all JVM threads, 10 ms ticks) over the measured interval, JVM start-up excluded");
    long rss = Meter.peakRssBytes();
    if (rss > 0) o.rssPeakBytes = rss;
    o.write(spec.resultFile());
    // The client's threads are gone after close(), but nothing else is left to do.
    System.exit(0);
  }

  static Outcome run(ArmSpec spec, Progress progress) throws Exception {
    if (spec.throwInScenario()) throw new IllegalStateException("injected fault: the driver threw");
    return switch (spec.scenario()) {
      case "producer-sync" -> Producers.sync(spec, progress);
      case "producer-async" -> Producers.async(spec, progress);
      case "consumer" -> Consumers.consume(spec, progress);
      case "e2e-latency" -> Consumers.e2e(spec, progress);
      default -> throw new IllegalArgumentException("unknown scenario " + spec.scenario());
    };
  }

  static String message(Throwable t) {
    Throwable e = t;
    while ((e instanceof java.util.concurrent.ExecutionException || e instanceof java.lang.reflect.InvocationTargetException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
