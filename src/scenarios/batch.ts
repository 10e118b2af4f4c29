// A batch of outgoing kbench payloads: one packed buffer plus offsets (what the addon takes in one
// call), with per-message views for clients that take one Buffer per message. The bytes follow the
// arm's payload (src/contract/arm.ts, src/verify/payload.ts): every driver sends the same bytes.
import type { PayloadSpec } from '../contract/arm.js';
import { compressiblePayloads, fillPayloads, loadPayload, writeTimestampUs, LATENCY_HEADER_BYTES, type PayloadBytes } from '../verify/payload.js';

export class OutBatch {
  private views: Buffer[] | undefined;

  private constructor(
    /** count × size bytes; a fresh buffer per batch, because clients may hold it until delivery. */
    readonly buffer: Buffer,
    /** count + 1 byte offsets into buffer. */
    readonly offsets: Uint32Array,
    readonly count: number,
    readonly size: number,
    readonly firstSeq: number,
  ) {}

  /**
   * Builds `count` payloads of `size` bytes with sequence numbers firstSeq.. from the payload source
   * (fillPayloads); stamps a time into bytes [8, 16) when asked (latency scenarios): `true` = now,
   * a number = that time (µs since the epoch: the intended send time of a paced arm).
   */
  static build(payload: PayloadBytes, size: number, firstSeq: number, count: number, stampTime: boolean | number = false): OutBatch {
    if (stampTime && size < LATENCY_HEADER_BYTES) {
      throw new RangeError(`latency payloads need at least ${LATENCY_HEADER_BYTES} bytes, message size is ${size}`);
    }
    const buffer = Buffer.allocUnsafe(size * count);
    fillPayloads(buffer, 0, size, firstSeq, count, payload);
    const offsets = new Uint32Array(count + 1);
    const stamp = stampTime !== false;
    const nowUs = typeof stampTime === 'number' ? stampTime : stamp ? wallClockUs() : 0;
    for (let i = 0, off = 0; i < count; i++, off += size) {
      if (stamp) writeTimestampUs(buffer, off, nowUs);
      offsets[i] = off;
    }
    offsets[count] = size * count;
    return new OutBatch(buffer, offsets, count, size, firstSeq);
  }

  value(i: number): Buffer {
    return this.buffer.subarray(this.offsets[i], this.offsets[i + 1]);
  }

  /** One Buffer view per message (created once, on first use). */
  values(): Buffer[] {
    if (!this.views) {
      this.views = new Array<Buffer>(this.count);
      for (let i = 0; i < this.count; i++) this.views[i] = this.value(i);
    }
    return this.views;
  }
}

/**
 * Batches of at most `sendBatch` messages covering seq firstSeq .. firstSeq+count-1, from `payload`
 * (the compressible payloads of `size` bytes when not given, for callers outside an arm).
 */
export function* batches(size: number, firstSeq: number, count: number, sendBatch: number, stampTime = false, payload: PayloadBytes = compressiblePayloads(size)): Generator<OutBatch> {
  for (let done = 0; done < count; ) {
    const n = Math.min(sendBatch, count - done);
    yield OutBatch.build(payload, size, firstSeq + done, n, stampTime);
    done += n;
  }
}

const loaded = new Map<string, PayloadBytes>();

/** The arm's payload source, read once per process (per thread: worker threads have their own modules). */
export function armPayload(spec: PayloadSpec): PayloadBytes {
  const key = `${spec.stride}\u0000${spec.source}`;
  let p = loaded.get(key);
  if (!p) {
    p = loadPayload(spec);
    loaded.set(key, p);
  }
  return p;
}

/** Wall-clock µs since the epoch with sub-ms resolution (producer and consumer share this clock). */
export function wallClockUs(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}
