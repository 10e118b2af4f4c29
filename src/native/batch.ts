// Packed batches: the one shape messages cross the JS/C++ boundary in (native/batch.h).
//   values        every payload back to back
//   valueOffsets  count + 1 offsets: message i is values.subarray(valueOffsets[i], valueOffsets[i + 1])
//   keys, keyOffsets, partitions  optional, same indexing
import type { RawConsumedBatch } from './binding.js';
import type { KafkaError } from './errors.js';

export interface MessageBatch {
  values: Uint8Array;
  valueOffsets: Uint32Array;
  keys?: Uint8Array;
  keyOffsets?: Uint32Array;
  /** One partition per message; otherwise `options.partition` (default: the partitioner's choice). */
  partitions?: Int32Array;
}

export type MessageInput = Uint8Array | string;

/** Number of messages in a batch. */
export function batchCount(batch: MessageBatch): number {
  return Math.max(0, batch.valueOffsets.length - 1);
}

function byteLength(x: MessageInput): number {
  return typeof x === 'string' ? Buffer.byteLength(x) : x.byteLength;
}

function pack(items: readonly (MessageInput | null | undefined)[], what: string): { data: Buffer; offsets: Uint32Array } {
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    if (x === null || x === undefined) continue;
    if (typeof x !== 'string' && !(x instanceof Uint8Array)) throw new TypeError(`${what}[${i}] must be a string, Buffer or Uint8Array`);
    total += byteLength(x);
  }
  if (total > 0xffff_ffff) throw new RangeError(`${what} hold more than 4 GiB; split them into several batches`);
  const data = Buffer.allocUnsafe(total);
  const offsets = new Uint32Array(items.length + 1);
  let at = 0;
  for (let i = 0; i < items.length; i++) {
    offsets[i] = at;
    const x = items[i];
    if (x === null || x === undefined) continue;
    at += typeof x === 'string' ? data.write(x, at) : (data.set(x, at), x.byteLength);
  }
  offsets[items.length] = at;
  return { data, offsets };
}

/**
 * Packs messages into one batch (one copy of each payload). Keys, when given, must be as many as the
 * values; a null/undefined key is sent as an empty key.
 */
export function packBatch(values: readonly MessageInput[], keys?: readonly (MessageInput | null | undefined)[]): MessageBatch {
  const v = pack(values, 'values');
  if (!keys) return { values: v.data, valueOffsets: v.offsets };
  if (keys.length !== values.length) throw new RangeError(`keys must be as many as values (${keys.length} keys, ${values.length} values)`);
  const k = pack(keys, 'keys');
  return { values: v.data, valueOffsets: v.offsets, keys: k.data, keyOffsets: k.offsets };
}

/** Messages [start, end) of a batch as their own views (no copy). */
export function* batchValues(batch: MessageBatch, start = 0, end = batchCount(batch)): Generator<Uint8Array> {
  for (let i = start; i < end; i++) yield batch.values.subarray(batch.valueOffsets[i] as number, batch.valueOffsets[i + 1] as number);
}

/**
 * Byte offsets of a consumed batch's arrays in its buffer, laid out for `stride` messages
 * (native/batch.cc): 32 bytes of metadata per message and 8 more, then the values, then the keys.
 */
export function consumedLayout(stride: number): { timestamps: number; partitions: number; topicIndex: number; valueOffsets: number; keyOffsets: number; values: number } {
  return { timestamps: 8 * stride, partitions: 16 * stride, topicIndex: 20 * stride, valueOffsets: 24 * stride, keyOffsets: 28 * stride + 4, values: 32 * stride + 8 };
}

/**
 * A batch returned by NativeConsumer: one external ArrayBuffer (allocated and filled by the addon, one
 * payload copy per batch, freed when the batch is garbage-collected) viewed as typed arrays. value(i)
 * and key(i) are views into it: copy them to keep a few messages alive without the whole batch.
 */
export class ConsumedBatch {
  /** Messages in the batch (errors are not messages). */
  readonly count: number;
  readonly values: Buffer;
  readonly valueOffsets: Uint32Array;
  /** Keys (a null key reads as empty). */
  readonly keys: Buffer;
  readonly keyOffsets: Uint32Array;
  readonly partitions: Int32Array;
  /** Kafka offsets (exact below 2^53). */
  readonly offsets: Float64Array;
  /** Message timestamps, ms since the epoch (-1 when unknown). */
  readonly timestamps: Float64Array;
  /** Index into `topics` per message. */
  readonly topicIndex: Uint32Array;
  readonly topics: readonly string[];
  /** Errors met while fetching (partition EOF when enabled, broker errors...), in order. */
  readonly errors: readonly KafkaError[];

  constructor(raw: RawConsumedBatch) {
    const { count: n, buffer: ab } = raw;
    const at = consumedLayout(raw.stride);
    this.count = n;
    // Views over the addon's ArrayBuffer, no copy.
    this.offsets = new Float64Array(ab, 0, n);
    this.timestamps = new Float64Array(ab, at.timestamps, n);
    this.partitions = new Int32Array(ab, at.partitions, n);
    this.topicIndex = new Uint32Array(ab, at.topicIndex, n);
    this.valueOffsets = new Uint32Array(ab, at.valueOffsets, n + 1);
    this.keyOffsets = new Uint32Array(ab, at.keyOffsets, n + 1);
    this.values = Buffer.from(ab, at.values, raw.valuesLength);
    this.keys = Buffer.from(ab, at.values + raw.valuesLength, raw.keysLength);
    this.topics = raw.topics;
    this.errors = raw.errors;
  }

  value(i: number): Buffer {
    return this.values.subarray(this.valueOffsets[i] as number, this.valueOffsets[i + 1] as number);
  }

  key(i: number): Buffer {
    return this.keys.subarray(this.keyOffsets[i] as number, this.keyOffsets[i + 1] as number);
  }

  topic(i: number): string {
    return this.topics[this.topicIndex[i] as number] as string;
  }

  /** Value bytes in the batch. */
  get bytes(): number {
    return this.values.byteLength;
  }
}
