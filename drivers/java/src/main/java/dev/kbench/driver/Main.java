package dev.kbench.driver;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * kbench's Java driver: one arm per JVM, speaking the external-driver protocol (src/drivers/external.ts).
 *
 * <pre>
 *   java [flags] -cp CLASSPATH dev.kbench.driver.Main SPEC.json     run the arm, write the outcome
 *   java ... dev.kbench.driver.Main --vectors                          payloads and checksums for the tests: reads
 *       {"cases": [{"source": FILE, "stride": N, "checksums": [[size, firstSeq, count]...], "payloads": [[size, seq(, sendUs)]...],
 *       "batches": [[size, firstSeq, count]...]}...]} on stdin, prints {"cases": [{"checksums": [{"hex", "bytes"}...],
 *       "payloads": [hex...], "batches": [hex...]}...]} (the same exchange as drivers/python's `vectors`)
 *   java ... dev.kbench.driver.Main --version                          print versions as JSON
 * </pre>
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("--vectors")) {
      vectors();
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
      System.err.println("usage: dev.kbench.driver.Main <spec.json> | --vectors | --version");
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
    spec.checkProtocol();
    if (spec.throwInScenario()) throw new IllegalStateException("injected fault: the driver threw");
    return switch (spec.scenario()) {
      case "producer-sync" -> Producers.sync(spec, progress);
      case "producer-async" -> Producers.async(spec, progress);
      case "consumer" -> Consumers.consume(spec, progress);
      case "e2e-latency" -> Consumers.e2e(spec, progress);
      default -> throw new IllegalArgumentException("unknown scenario " + spec.scenario());
    };
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length * 2);
    for (byte x : b) sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    return sb.toString();
  }

  /** See the class comment: every case's checksums, single payloads and back-to-back batches. */
  static void vectors() throws java.io.IOException {
    JsonNode req = ArmSpec.JSON.readTree(System.in);
    List<Object> cases = new ArrayList<>();
    for (JsonNode c : req.path("cases")) {
      Payload.Source source = new Payload.Source(Files.readAllBytes(Path.of(c.get("source").asText())), c.get("stride").asLong());
      List<Object> sums = new ArrayList<>();
      for (JsonNode v : c.path("checksums")) {
        Payload.Checksum sum = Payload.expected(source, v.get(0).asInt(), v.get(1).asLong(), v.get(2).asLong());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hex", sum.hex());
        out.put("bytes", sum.bytes());
        sums.add(out);
      }
      List<String> payloads = new ArrayList<>();
      for (JsonNode v : c.path("payloads")) {
        int size = v.get(0).asInt();
        long seq = v.get(1).asLong();
        payloads.add(hex(v.size() > 2 ? source.makeStamped(size, seq, v.get(2).asLong()) : source.make(size, seq)));
      }
      List<String> batches = new ArrayList<>();
      for (JsonNode v : c.path("batches")) {
        int size = v.get(0).asInt();
        int count = v.get(2).asInt();
        byte[] b = new byte[size * count];
        source.fill(b, 0, size, v.get(1).asLong(), count);
        batches.add(hex(b));
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("checksums", sums);
      out.put("payloads", payloads);
      out.put("batches", batches);
      cases.add(out);
    }
    System.out.println(ArmSpec.JSON.writeValueAsString(Map.of("cases", cases)));
  }

  static String message(Throwable t) {
    Throwable e = t;
    while ((e instanceof java.util.concurrent.ExecutionException || e instanceof java.lang.reflect.InvocationTargetException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
