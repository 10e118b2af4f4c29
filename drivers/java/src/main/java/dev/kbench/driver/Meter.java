package dev.kbench.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Timing of a scenario's window (src/contract/arm.ts WINDOWS): wall time, absolute start/end (µs since
 * the epoch), and CPU of the whole JVM over exactly that interval; nothing is subtracted from it. CPU comes from
 * /proc/self/stat (utime/stime summed over every thread: client I/O threads, GC and JIT included), so
 * JVM start-up, class loading before the interval and shutdown are not counted.
 */
public final class Meter {
  /** Linux reports /proc times in USER_HZ ticks, which is 100 on every architecture's user ABI. */
  private static final long TICK_US = 10_000;
  private static final Path STAT = Path.of("/proc/self/stat");

  private long t0;
  private long startUs;
  private long[] cpu0;
  private boolean started;

  public boolean started() {
    return started;
  }

  public void start() {
    cpu0 = cpuTicks();
    startUs = wallClockUs();
    t0 = System.nanoTime();
    started = true;
  }

  /** Stops the interval and writes its figures into `o`. */
  public void stop(Outcome o) {
    if (!started) start();
    long elapsed = System.nanoTime() - t0;
    o.endUs = wallClockUs();
    o.startUs = startUs;
    o.elapsedNs = Math.max(1, elapsed);
    long[] cpu1 = cpuTicks();
    if (cpu0 != null && cpu1 != null) {
      o.cpuUserUs = (cpu1[0] - cpu0[0]) * TICK_US;
      o.cpuSysUs = (cpu1[1] - cpu0[1]) * TICK_US;
    }
  }

  public static long wallClockUs() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  /** {utime, stime} of this process in ticks, or null where there is no /proc (the parent's rusage is used then). */
  static long[] cpuTicks() {
    try {
      String s = Files.readString(STAT, StandardCharsets.US_ASCII);
      // Fields after the command name, which is in parentheses and may itself contain spaces.
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Peak resident set size (VmHWM) in bytes, or 0 when unknown. */
  public static long peakRssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    } catch (IOException | RuntimeException e) {
      // no /proc: the parent's rusage has the figure
    }
    return 0;
  }
}
