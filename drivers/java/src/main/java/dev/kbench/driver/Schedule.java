package dev.kbench.driver;

import java.util.concurrent.locks.LockSupport;

/**
 * The open-loop schedule of a paced arm (src/contract/arm.ts SCHEDULE; src/scenarios/schedule.ts is
 * the TypeScript twin): message k is due at t0 + k / rate, whatever happened to the messages before
 * it, so a stall delays every message due during it. Waiting is LockSupport.parkNanos up to the due
 * time, never a spin: a message is handed over at the first wake-up at or after its due time, never
 * before. Times are System.nanoTime(); dueUs() and wallUs() map them onto the wall clock payloads and
 * consumers use (µs since the epoch), from the one pair of readings taken at t0.
 */
public final class Schedule {
  public final double rate;
  private final long t0Ns;
  private final long t0Us;
  private final double periodNs;
  private long handed;
  private long lastNs;
  private double lateSumNs;
  private long lateMaxNs;

  /** A schedule whose message 0 is due now. */
  public Schedule(double rate) {
    if (!(rate > 0)) throw new IllegalArgumentException("a schedule needs a rate > 0 (got " + rate + ")");
    this.rate = rate;
    this.periodNs = 1e9 / rate;
    this.t0Us = Meter.wallClockUs();
    this.t0Ns = System.nanoTime();
    this.lastNs = t0Ns;
  }

  /** Due time of message k (System.nanoTime(), rounded up: never before t0 + k / rate). */
  public long dueNs(long k) {
    return t0Ns + (long) Math.ceil(k * periodNs);
  }

  /** Due time of message k on the wall clock (µs since the epoch): wallUs(dueNs(k)), so that it is never after the hand-over's. */
  public long dueUs(long k) {
    return wallUs(dueNs(k));
  }

  /** A System.nanoTime() reading on the wall clock (µs since the epoch). */
  public long wallUs(long ns) {
    return t0Us + Math.floorDiv(ns - t0Ns, 1000L);
  }

  /** Returns once message k is due (at once when it already is). */
  public void until(long k) {
    long due = dueNs(k);
    for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) LockSupport.parkNanos(left);
  }

  /** Records that the next message on the schedule is handed to the client now; returns the time (System.nanoTime()). */
  public long handOver() {
    long now = System.nanoTime();
    long late = now - dueNs(handed);
    lateSumNs += late;
    if (late > lateMaxNs) lateMaxNs = late;
    handed++;
    lastNs = now;
    return now;
  }

  /** Messages handed over per second of schedule: handed / (last hand-over − t0 + 1 / rate). */
  public double achievedRate() {
    if (handed == 0) return 0;
    return handed / ((lastNs - t0Ns + periodNs) / 1e9);
  }

  /** The outcome note on the schedule's own lateness. */
  public String latenessNote() {
    long mean = handed == 0 ? 0 : Math.round(lateSumNs / handed / 1000);
    return "schedule: messages handed over on average " + mean + " µs after their due time (max " + Math.round(lateMaxNs / 1000.0)
        + " µs; LockSupport.parkNanos to the due time, and time spent in the client's send)";
  }

  /** The paced arm's fields: requestedRate, achievedRate, and the lateness note. */
  public void report(Outcome o) {
    o.requestedRate = rate;
    o.achievedRate = achievedRate();
    o.notes.add(latenessNote());
  }
}
