// kbench payloads (src/verify/payload.ts) as packed batches: what the tests, the enqueue benchmark and
// the example send, and the checksum of a batch of them.
import { Checksum, payloadTemplate, writeSeq } from '../verify/payload.js';
import { batchCount, type MessageBatch } from './batch.js';

/** Most messages payloadBatch builds in one batch: its offsets alone are 4 bytes each (64 MiB at this count). */
export const MAX_PAYLOAD_BATCH = 16_777_216;

/** `count` kbench payloads of `size` bytes, seq firstSeq.., in one packed batch. */
export function payloadBatch(count: number, size: number, firstSeq = 0): MessageBatch {
  // Each factor on its own: a product alone lets size 0 pass with any count (2^31 × 0 B took 39 s).
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (count > MAX_PAYLOAD_BATCH) throw new RangeError(`a batch holds at most ${MAX_PAYLOAD_BATCH} messages (${count} asked)`);
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`size must be a non-negative integer, got ${size}`);
  if (size > 0xffff_ffff) throw new RangeError(`a message holds at most 4 GiB (${size} B asked)`);
  if (count * size > 0xffff_ffff) throw new RangeError(`a batch holds at most 4 GiB (${count} × ${size} B asked)`);
  const template = payloadTemplate(size);
  const values = Buffer.allocUnsafe(count * size);
  const valueOffsets = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) {
    const at = i * size;
    template.copy(values, at);
    writeSeq(values, at, size, firstSeq + i);
    valueOffsets[i] = at;
  }
  valueOffsets[count] = count * size;
  return { values, valueOffsets };
}

/** Adds every payload of a batch (sent or consumed) to a kbench checksum. */
export function addBatchToChecksum(sum: Checksum, batch: Pick<MessageBatch, 'values' | 'valueOffsets'>): Checksum {
  const n = batchCount(batch);
  for (let i = 0; i < n; i++) sum.add(batch.values.subarray(batch.valueOffsets[i] as number, batch.valueOffsets[i + 1] as number));
  return sum;
}
