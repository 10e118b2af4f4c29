package dev.kbench.driver;

/** Progress lines `@kbench {"done": N}` on stdout, at most every 200 ms (src/runner/arm-common.ts). */
public final class Progress {
  private static final long INTERVAL_NS = 200_000_000L;
  private long last = System.nanoTime() - INTERVAL_NS;

  public void report(long done) {
    long now = System.nanoTime();
    if (now - last < INTERVAL_NS) return;
    last = now;
    write(done);
  }

  public void finish(long done) {
    write(done);
  }

  private static void write(long done) {
    System.out.println("@kbench {\"done\": " + done + "}");
    System.out.flush();
  }
}
