package dev.kbench.driver;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the driver writes to spec.resultFile: src/contract/arm.ts ScenarioOutcome. (No method may share
 * a field's name: Jython would then treat the field as a read-only bean property.)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class Outcome {
  public boolean ok = true;
  public String error;
  public long messages;
  public long bytes;
  public long elapsedNs;
  public long startUs;
  public long endUs;
  public Long cpuUserUs;
  public Long cpuSysUs;
  public Long rssPeakBytes;
  public Long delivered;
  public Long failed;
  public Map<String, Long> errors;
  public Long consumed;
  public String checksum;
  public Long consumedBytes;
  /** Consumer: warm-up messages read (from spec.warmupTopic) before the window. */
  public Long warmupConsumed;
  public Long lost;
  public Long duplicated;
  /** Raw latency samples (µs); kbench builds the HDR histogram from them. */
  public long[] latencySamplesUs;
  /** Paced arms: raw service-time samples (µs, from the actual hand-over to the client). */
  public long[] serviceSamplesUs;
  /** Paced arms: settings.rate and the rate achieved on the schedule (src/contract/arm.ts SCHEDULE). */
  public Double requestedRate;
  public Double achievedRate;
  public Map<String, Object> config = new LinkedHashMap<>();
  public List<String> notes = new ArrayList<>();

  public static Outcome failure(String error) {
    Outcome o = new Outcome();
    o.ok = false;
    o.error = error;
    o.startUs = o.endUs = Meter.wallClockUs();
    return o;
  }

  public void write(String path) throws IOException {
    ArmSpec.JSON.writeValue(new File(path), this);
  }
}
