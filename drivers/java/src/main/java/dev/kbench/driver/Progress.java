package dev.kbench.driver;

/**
 * Progress lines `@kbench {"done": N, ...}` on stdout, at most every 200 ms plus a final one
 * (src/contract/arm.ts ProgressLine): producers add "acked" and "failed" (measured deliveries so far),
 * e2e-latency "consumed" (measured messages received).
 */
public final class Progress {
  private static final long INTERVAL_NS = 200_000_000L;
  private long last = System.nanoTime() - INTERVAL_NS;

  /** True (and the clock reset) when a line is due. */
  private boolean due() {
    long now = System.nanoTime();
    if (now - last < INTERVAL_NS) return false;
    last = now;
    return true;
  }

  public void report(long done) {
    if (due()) write("{\"done\": " + done + "}");
  }

  public void finish(long done) {
    write("{\"done\": " + done + "}");
  }

  /** A producer's line: sent, acknowledged and failed (of the window). */
  public void producer(long done, long acked, long failed, boolean last) {
    if (last || due()) write("{\"done\": " + done + ", \"acked\": " + acked + ", \"failed\": " + failed + "}");
  }

  /** An e2e-latency line: sent, and measured messages consumed. */
  public void e2e(long done, long consumed, long acked, boolean last) {
    if (last || due()) write("{\"done\": " + done + ", \"consumed\": " + consumed + ", \"acked\": " + acked + "}");
  }

  private static void write(String json) {
    System.out.println("@kbench " + json);
    System.out.flush();
  }
}
