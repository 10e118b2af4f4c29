// kbench payloads (src/verify/payload.ts) as packed batches: what the tests, the enqueue benchmark and
// the example send, and the checksum of a batch of them.
import { Checksum, payloadTemplate, writeSeq } from '../verify/payload.js';
import { batchCount, type MessageBatch } from './batch.js';

/** `count` kbench payloads of `size` bytes, seq firstSeq.., in one packed batch. */
export function payloadBatch(count: number, size: number, firstSeq = 0): MessageBatch {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
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
