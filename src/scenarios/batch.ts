// A batch of outgoing kbench payloads: one packed buffer plus offsets (what the addon takes in one
// call), with per-message views for clients that take one Buffer per message.
import { payloadTemplate, writeSeq, writeTimestampUs, LATENCY_HEADER_BYTES } from '../verify/payload.js';

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
   * Builds `count` payloads of `size` bytes with sequence numbers firstSeq..; stamps send time when
   * asked. `template` is one payload, or `repeated(template, n)` (n ≥ count) so that the batch is
   * filled with a single copy instead of one per message.
   */
  static build(template: Buffer, size: number, firstSeq: number, count: number, stampTime = false): OutBatch {
    if (stampTime && size < LATENCY_HEADER_BYTES) {
      throw new RangeError(`latency payloads need at least ${LATENCY_HEADER_BYTES} bytes, message size is ${size}`);
    }
    const buffer = Buffer.allocUnsafe(size * count);
    if (template.length >= size * count) template.copy(buffer, 0, 0, size * count);
    else for (let off = 0; off < buffer.length; off += size) template.copy(buffer, off, 0, size);
    const offsets = new Uint32Array(count + 1);
    const nowUs = stampTime ? wallClockUs() : 0;
    for (let i = 0, off = 0; i < count; i++, off += size) {
      writeSeq(buffer, off, size, firstSeq + i);
      if (stampTime) writeTimestampUs(buffer, off, nowUs);
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

/** Batches of at most `sendBatch` messages covering seq firstSeq .. firstSeq+count-1. */
export function* batches(size: number, firstSeq: number, count: number, sendBatch: number, stampTime = false): Generator<OutBatch> {
  const template = repeated(payloadTemplate(size), Math.min(sendBatch, count));
  for (let done = 0; done < count; ) {
    const n = Math.min(sendBatch, count - done);
    yield OutBatch.build(template, size, firstSeq + done, n, stampTime);
    done += n;
  }
}

/** Wall-clock µs since the epoch with sub-ms resolution (producer and consumer share this clock). */
export function wallClockUs(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}

/** `n` copies of a payload template back to back (each message starts from the same filler bytes). */
export function repeated(template: Buffer, n: number): Buffer {
  const out = Buffer.allocUnsafe(template.length * Math.max(1, n));
  for (let off = 0; off < out.length; off += template.length) template.copy(out, off);
  return out;
}
