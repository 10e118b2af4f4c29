package dev.kbench.driver;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The arm kbench asks for (src/contract/arm.ts ArmSpec, protocol 2), read from the spec file.
 * Unknown fields are ignored so that kbench may add fields without breaking a built driver.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ArmSpec(
    int protocol,
    String armId,
    String driver,
    String scenario,
    int messageSize,
    int messages,
    Long durationMs,
    int warmup,
    long firstSeq,
    String topic,
    int partitions,
    List<Integer> readPartitions,
    String warmupTopic,
    PayloadSpec payload,
    Connection connection,
    Settings settings,
    Map<String, Object> extraConfig,
    long timeoutMs,
    String clientId,
    String groupId,
    String resultFile,
    Faults faults) {

  /** The arm protocol this driver speaks (src/contract/arm.ts ARM_PROTOCOL). */
  public static final int PROTOCOL = 2;

  /** spec.payload: the source file every program of the run reads, and how far it advances per sequence number. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PayloadSpec(String kind, String source, long stride) {}

  /** `ssl` is `true` or `{ca, rejectUnauthorized}` in kbench's Connection, so it stays a JsonNode. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Connection(List<String> brokers, JsonNode ssl, Sasl sasl) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Sasl(String mechanism, String username, String password) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Settings(String acks, String compression, int lingerMs, int batchSize, int sendBatch, boolean idempotence, double rate) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Faults(Boolean dropOne, String throwIn) {}

  static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public static ArmSpec read(String path) throws IOException {
    return JSON.readValue(new File(path), ArmSpec.class);
  }

  /** Refuses a spec of another protocol version (the caller turns this into a failed outcome). */
  public void checkProtocol() {
    if (protocol != PROTOCOL) throw new IllegalArgumentException("unsupported kbench arm protocol " + protocol + ": this driver speaks protocol " + PROTOCOL);
  }

  /** The partitions to read: spec.readPartitions, else every partition. */
  public List<Integer> partitionsToRead() {
    if (readPartitions != null) return readPartitions;
    return java.util.stream.IntStream.range(0, partitions).boxed().toList();
  }

  /** Unpaced timed producer arms: true once spec.durationMs have passed since `windowStartNs` (System.nanoTime()). */
  public boolean timeUp(long windowStartNs) {
    return durationMs != null && System.nanoTime() - windowStartNs >= durationMs * 1_000_000L;
  }

  /** The note of a timed arm, or null. */
  public String timedNote() {
    return durationMs == null ? null : "timed: sent for " + (durationMs % 1000 == 0 ? String.valueOf(durationMs / 1000) : String.valueOf(durationMs / 1000.0)) + " s";
  }

  public boolean dropOne() {
    return faults != null && Boolean.TRUE.equals(faults.dropOne());
  }

  public boolean throwInScenario() {
    return faults != null && "scenario".equals(faults.throwIn());
  }
}
