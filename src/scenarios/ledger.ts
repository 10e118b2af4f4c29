// Which message was acknowledged, and when: the failover scenario's per-message record. A driver
// that is handed a ledger (DriverContext.ledger) settles every message it hears back about, by its
// sequence number (bytes [0, 8) of the payload, or the seq it was sent with); the ledger keeps the
// first acknowledgement's time (ms since the window opened) and whether a failure was reported.
// Messages outside [firstSeq, firstSeq + count) (the warm-up) are ignored.
import { readSeq } from '../verify/payload.js';
import { wallClockUs } from './batch.js';
import type { EncodedLedger } from '../contract/arm.js';

export type { EncodedLedger } from '../contract/arm.js';


export class DeliveryLedger {
  readonly ackAtMs: Float32Array;
  readonly failed: Uint8Array;
  t0Us: number;
  /** Messages with an outcome (acknowledged or reported failed), each counted once. */
  settled = 0;
  failures = 0;

  /**
   * `sentFrom`: the sequence number of the first message the producer sends (its warm-up included),
   * for clients that report by enqueue order (the addon's delivery records: seq = sentFrom + id).
   */
  constructor(readonly firstSeq: number, readonly count: number, t0Us: number = wallClockUs(), readonly sentFrom: number = firstSeq) {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`ledger count must be a non-negative integer, got ${count}`);
    this.ackAtMs = new Float32Array(count).fill(Number.NaN);
    this.failed = new Uint8Array(count);
    this.t0Us = t0Us;
  }

  /** Records the outcome of message `seq` now (an acknowledgement only counts the first time). */
  settle(seq: number, ok: boolean, nowUs: number = wallClockUs()): void {
    const i = seq - this.firstSeq;
    if (!(i >= 0 && i < this.count)) return;
    const fresh = Number.isNaN(this.ackAtMs[i] as number) && this.failed[i] === 0;
    if (fresh) this.settled++;
    if (ok) {
      if (Number.isNaN(this.ackAtMs[i] as number)) this.ackAtMs[i] = (nowUs - this.t0Us) / 1000;
    } else if (this.failed[i] === 0) {
      this.failed[i] = 1;
      this.failures++;
    }
  }

  /** Settles every payload in `values` (sequence numbers read from their first 8 bytes), all at one instant. */
  settleValues(values: readonly Uint8Array[], ok: boolean): void {
    const now = wallClockUs();
    for (const v of values) this.settle(readSeq(v, 0, Math.min(8, v.length)), ok, now);
  }

  /** Settles seq first .. first + n − 1 at one instant. */
  settleRange(first: number, n: number, ok: boolean): void {
    const now = wallClockUs();
    for (let k = 0; k < n; k++) this.settle(first + k, ok, now);
  }

  /** Messages acknowledged at least once. */
  acked(): number {
    let n = 0;
    for (const t of this.ackAtMs) if (!Number.isNaN(t)) n++;
    return n;
  }

  encode(): EncodedLedger {
    return {
      firstSeq: this.firstSeq,
      count: this.count,
      t0Us: this.t0Us,
      ackAtMs: Buffer.from(this.ackAtMs.buffer, this.ackAtMs.byteOffset, this.ackAtMs.byteLength).toString('base64'),
      failed: Buffer.from(this.failed).toString('base64'),
    };
  }

  static decode(e: EncodedLedger): DeliveryLedger {
    const l = new DeliveryLedger(e.firstSeq, e.count, e.t0Us);
    const ack = Buffer.from(e.ackAtMs, 'base64');
    const failed = Buffer.from(e.failed, 'base64');
    if (ack.length !== e.count * 4 || failed.length !== e.count) throw new Error(`ledger of ${e.count} messages has ${ack.length / 4} times and ${failed.length} failure flags`);
    new Uint8Array(l.ackAtMs.buffer).set(ack);
    l.failed.set(failed);
    for (let i = 0; i < e.count; i++) {
      if (failed[i]) l.failures++;
      if (failed[i] || !Number.isNaN(l.ackAtMs[i] as number)) l.settled++;
    }
    return l;
  }
}
