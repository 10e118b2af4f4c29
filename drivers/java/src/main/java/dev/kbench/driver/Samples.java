package dev.kbench.driver;

import java.util.Arrays;

/** Latency samples (µs), growing as they come: a timed arm's count is not known in advance. */
public final class Samples {
  private long[] v = new long[1024];
  private int n;

  public void add(long us) {
    if (n == v.length) v = Arrays.copyOf(v, v.length * 2);
    v[n++] = Math.max(1, us);
  }

  public int count() {
    return n;
  }

  public long[] toArray() {
    return Arrays.copyOf(v, n);
  }
}
