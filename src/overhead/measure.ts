// Inside a Node arm process: the measured region (wall time, GC pauses, crossing counts) and the
// wait that precedes it on the delivery and consume paths.
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { payloadBatch } from '../native/payloads.js';
import type { CrossingCounter } from './crossings.js';

interface GcEntry {
  start: number;
  duration: number;
}

/**
 * One measured region: begin() … end(). Wall time, CPU time of the whole process (every thread:
 * less disturbed than wall time by other processes on a busy machine). GC pauses are the perf_hooks 'gc' entries that start inside
 * the region (V8 reports each pause's duration); they are delivered asynchronously, so result()
 * yields to the event loop once before summing them.
 */
export class Region {
  private readonly entries: GcEntry[] = [];
  private readonly observer: PerformanceObserver;
  private t0 = 0n;
  private t1 = 0n;
  private p0 = 0;
  private p1 = 0;
  private cpu0: NodeJS.CpuUsage | undefined;
  private cpuUs = 0;

  constructor(private readonly counter?: CrossingCounter) {
    this.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) this.entries.push({ start: e.startTime, duration: e.duration });
    });
    this.observer.observe({ entryTypes: ['gc'] });
  }

  begin(): void {
    if (this.counter) {
      this.counter.reset();
      this.counter.active = true;
    }
    this.cpu0 = process.cpuUsage();
    this.p0 = performance.now();
    this.t0 = process.hrtime.bigint();
  }

  end(): void {
    this.t1 = process.hrtime.bigint();
    this.p1 = performance.now();
    const cpu = process.cpuUsage(this.cpu0);
    this.cpuUs = cpu.user + cpu.system;
    if (this.counter) this.counter.active = false;
  }

  async result(): Promise<{ elapsedNs: number; cpuNs: number; gcNs: number; gcCount: number }> {
    await new Promise<void>((r) => setImmediate(r));
    await new Promise<void>((r) => setImmediate(r));
    this.observer.disconnect();
    const inside = this.entries.filter((e) => e.start >= this.p0 && e.start < this.p1);
    return {
      elapsedNs: Number(this.t1 - this.t0),
      cpuNs: this.cpuUs * 1000,
      gcNs: Math.round(inside.reduce((s, e) => s + e.duration, 0) * 1e6),
      gcCount: inside.length,
    };
  }
}

/** The quiet test of native/cbench/common.h (kb_quiesce): same window, threshold and limit. */
export const QUIET_WINDOW_MS = 200;
export const QUIET_CPU_US = 3000;
export const QUIET_MAX_MS = 120_000;

/**
 * Waits until the whole process (librdkafka's threads included) has used less than 3 ms of CPU in
 * each of two consecutive 200 ms windows: librdkafka has finished what it was handed (every
 * acknowledgement received, every fetch done). Returns the ms waited; throws when the process
 * never goes quiet.
 */
export async function quiesce(): Promise<number> {
  const t0 = Date.now();
  let quiet = 0;
  while (quiet < 2) {
    if (Date.now() - t0 > QUIET_MAX_MS) throw new Error(`the process did not go idle within ${QUIET_MAX_MS / 1000} s`);
    const c0 = process.cpuUsage();
    await sleep(QUIET_WINDOW_MS);
    const c = process.cpuUsage(c0);
    quiet = c.user + c.system < QUIET_CPU_US ? quiet + 1 : 0;
  }
  return Date.now() - t0;
}

/** Asks for a full GC before a measured region, when the process runs with --expose-gc. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

/** `count` kbench payloads of `size` bytes as Buffers (views into one packed batch), made before timing. */
export function payloadBuffers(count: number, size: number): Buffer[] {
  const batch = payloadBatch(count, size);
  const values = batch.values;
  const out = new Array<Buffer>(count);
  for (let i = 0; i < count; i++) out[i] = Buffer.from(values.buffer, values.byteOffset + i * size, size);
  return out;
}

/** Throws unless a measured loop saw exactly `expected` messages and no failure. */
export function checkCount(what: string, count: number, expected: number, failed = 0): void {
  if (count !== expected || failed !== 0) throw new Error(`${what}: ${count} of ${expected} messages${failed ? `, ${failed} failed` : ''}`);
}
