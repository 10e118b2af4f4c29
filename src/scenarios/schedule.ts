// The open-loop schedule of a paced arm (SCHEDULE in src/contract/arm.ts): message k is due at
// t0 + k / rate, whatever happened to the messages before it. A stall therefore delays every message
// due during it, and the latency measured from the due time (corrected) shows it, while the time
// from the actual hand-over (service time) shows only what the client itself took.
//
// Waiting: Node's timers only, never a busy loop. Spinning on the event loop for sub-millisecond
// precision was tried and measured: on the arm's one pinned CPU it starved the client's own threads
// (the addon's e2e p50 went from milliseconds to most of a second). So a message is handed over at
// the first timer tick at or after its due time — up to about a millisecond late at high rates,
// never early. That lateness is part of the corrected latency (as any sender's would be) and is
// reported beside it (lateness(): hand-over − due), so a reader can see how much of a corrected
// figure is the schedule's own tick.
import { wallClockUs } from './batch.js';

export class Schedule {
  /** Due time of message 0 (µs since the epoch, the clock payloads and consumers use). */
  readonly t0Us: number;
  private readonly periodUs: number;
  private lastHandoverUs: number;
  private handedOver = 0;
  private lateSumUs = 0;
  private lateMaxUs = 0;

  constructor(readonly rate: number, t0Us: number = wallClockUs()) {
    if (!(rate > 0)) throw new RangeError(`a schedule needs a rate > 0 (got ${rate})`);
    this.t0Us = t0Us;
    this.periodUs = 1e6 / rate;
    this.lastHandoverUs = t0Us;
  }

  /** Intended send time of message k (µs since the epoch). */
  dueUs(k: number): number {
    return this.t0Us + k * this.periodUs;
  }

  /** Messages due by now (message k is due once this exceeds k). */
  dueCount(nowUs: number = wallClockUs()): number {
    return nowUs < this.t0Us ? 0 : Math.floor((nowUs - this.t0Us) / this.periodUs) + 1;
  }

  /** Resolves once message k is due (at once when it already is). */
  async until(k: number): Promise<void> {
    const due = this.dueUs(k);
    for (let ahead = due - wallClockUs(); ahead > 0; ahead = due - wallClockUs()) {
      await new Promise((r) => setTimeout(r, Math.max(1, Math.floor(ahead / 1000))));
    }
  }

  /**
   * Records that `count` more messages (k .. k + count − 1, the next ones on the schedule) were
   * handed to the client now; returns the time (µs).
   */
  handOver(count: number): number {
    const now = wallClockUs();
    // The first of them is the latest-due's earliest: its lateness is the batch's largest.
    const late = now - this.dueUs(this.handedOver);
    this.lateSumUs += late * count;
    if (late > this.lateMaxUs) this.lateMaxUs = late;
    this.handedOver += count;
    this.lastHandoverUs = now;
    return now;
  }

  /** How late messages were handed over (µs): mean and max of hand-over − due. */
  lateness(): { meanUs: number; maxUs: number } {
    return { meanUs: this.handedOver ? this.lateSumUs / this.handedOver : 0, maxUs: this.lateMaxUs };
  }

  /** The outcome note on the schedule's own lateness. */
  latenessNote(): string {
    const l = this.lateness();
    return `schedule: messages handed over on average ${Math.round(l.meanUs)} µs after their due time (max ${Math.round(l.maxUs)} µs; timer ticks, and time spent in the client's send)`;
  }

  /** Messages handed over per second of schedule: handed / (last hand-over − t0 + 1 / rate). */
  achievedRate(): number {
    if (this.handedOver === 0) return 0;
    return this.handedOver / ((this.lastHandoverUs - this.t0Us + this.periodUs) / 1e6);
  }
}

/** The rate shortfall note of an arm that could not keep its schedule (under 99 % of the rate), or undefined. */
export function shortfallNote(requested: number, achieved: number): string | undefined {
  if (!(requested > 0) || achieved >= requested * 0.99) return undefined;
  const pct = ((requested - achieved) / requested) * 100;
  return `rate shortfall: achieved ${Math.round(achieved).toLocaleString('en-US')} msgs/s of ${requested.toLocaleString('en-US')} requested (−${pct.toFixed(1)} %)`;
}
