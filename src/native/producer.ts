// NativeProducer: kbench's own producer on librdkafka, one JS→C++ call per batch.
import { setTimeout as sleep } from 'node:timers/promises';
import { batchCount, packBatch, type MessageBatch, type MessageInput } from './batch.js';
import { binding, type ClientState, type ConfigValue, type HeaderList, type RawProducer } from './binding.js';
import { KafkaError, type KafkaErrorCode } from './errors.js';
import type { LatencyBuckets } from './histogram.js';

/** librdkafka properties, passed through as given (https://github.com/confluentinc/librdkafka/blob/master/CONFIGURATION.md). */
export type ClientConfig = Readonly<Record<string, ConfigValue>>;

export interface ProducerOptions {
  /** Keep a record (partition, offset, error, latency) per delivered message, returned by poll(). Off by default. */
  deliveryRecords?: boolean;
  /**
   * Keep the enqueue-to-report latency of every delivered message in stats().latency. Off by default:
   * it costs a clock read per report, as much as librdkafka's own handling of the report. produceLoop(),
   * produceSync() and delivery records measure latency whatever this says.
   */
  latency?: boolean;
}

export interface ProduceOptions {
  /** Partition of every message the batch gives none for; -1 (default) lets librdkafka's partitioner choose. */
  partition?: number;
  /** First message of the batch to enqueue (default 0), to continue after a partial produce(). */
  start?: number;
  /** One past the last message to enqueue (default: the end of the batch). */
  end?: number;
  /** Headers attached to every message of the batch. */
  headers?: HeaderList;
}

export interface ProduceSyncOptions extends ProduceOptions {
  /** Resolve with the report even when messages failed (default: reject with the first failure's KafkaError). */
  allowFailures?: boolean;
}

/** Totals since the producer was created. */
export interface PollResult {
  enqueued: number;
  delivered: number;
  failed: number;
  /** Messages (and events) librdkafka still holds. */
  inFlight: number;
  /** With `deliveryRecords`: the records of the reports served since the previous poll(). */
  records?: DeliveryRecords;
}

export interface DeliveryRecords {
  /** Enqueue order on this producer, from 0 (PollResult.enqueued counts the same way). */
  ids: Float64Array;
  partitions: Int32Array;
  offsets: Float64Array;
  /** librdkafka error number per message, 0 when delivered (errorName() gives its code). */
  errors: Int32Array;
  /** Enqueue-to-report latency, µs (-1 when unknown). */
  latencyUs: Float64Array;
}

/** Figures since the last stats({ reset: true }) (or since creation). */
export interface ProducerStats {
  enqueued: number;
  delivered: number;
  failed: number;
  /** Failed deliveries by error code. */
  errors: Partial<Record<KafkaErrorCode, number>>;
  /** Client-level errors (broker connection failures, fatal errors) by code. */
  clientErrors: Partial<Record<KafkaErrorCode, number>>;
  /** Enqueue-to-delivery-report latency of delivered messages (empty unless the producer was made with `latency: true`). */
  latency: LatencyBuckets;
  inFlight: number;
}

/** The outcome of every message of one produceSync() batch, in batch order. */
export interface DeliveryReport {
  count: number;
  failed: number;
  partitions: Int32Array;
  offsets: Float64Array;
  /** librdkafka error number per message, 0 when delivered. */
  errors: Int32Array;
  latencyUs: Float64Array;
}

export interface ProduceLoopOptions {
  topic: string;
  /** -1 (default): the partitioner chooses. */
  partition?: number;
  count: number;
  /** Payload size in bytes (kbench payloads: src/verify/payload.ts). */
  size: number;
  /** Sequence number of the first message (default 0). */
  firstSeq?: number;
  /** Write the send time (µs since the epoch) into bytes 8..16 of every payload (size >= 16). */
  timestamps?: boolean;
  /**
   * The payload source of the arm contract (src/contract/arm.ts): byte i of message seq is
   * source[(seq * stride + i) mod source.length], then the header (seq, and the timestamp). Without
   * it, kbench's compressible filler. The source is copied when the loop starts: the caller may reuse it.
   */
  payload?: { source: Buffer | Uint8Array; stride: number };
  /** Serve delivery reports every this many messages (default 1000). */
  pollEvery?: number;
  /** How long to wait for the last deliveries after enqueueing (default 30 000 ms). */
  flushTimeoutMs?: number;
  /** Checksum the payloads sent (a CRC per message; default true). Without it, the result has no checksum. */
  checksum?: boolean;
  /** Keep every report's latency in `latency` (a clock read per report; default true). Without it, `latency` stays empty. */
  latency?: boolean;
}

export interface ProduceLoopResult {
  enqueued: number;
  delivered: number;
  failed: number;
  errors: Partial<Record<KafkaErrorCode, number>>;
  /** Enqueue-to-report latency of this loop's deliveries. */
  latency: LatencyBuckets;
  /** kbench checksum of the payloads enqueued (from options.payload when given); absent with options.checksum false. */
  checksum?: string;
  bytes: number;
  /** Enqueueing only. */
  enqueueNs: number;
  /** Enqueueing and waiting for the last delivery report. */
  elapsedNs: number;
  /** The final wait ran out (flushTimeoutMs) with messages still in flight. */
  timedOut: boolean;
  /** Set when enqueueing stopped on an error other than a full queue. */
  error?: KafkaError;
}

/** A packed batch, or messages to pack first (a convenience: one extra copy of each payload). */
export type BatchInput = MessageBatch | readonly MessageInput[];

function asBatch(batch: BatchInput): MessageBatch {
  if (Array.isArray(batch)) return packBatch(batch as readonly MessageInput[]);
  if (typeof batch !== 'object' || batch === null) throw new TypeError('batch must be a MessageBatch ({ values, valueOffsets, ... }; see packBatch()) or an array of Buffers/strings');
  return batch as MessageBatch;
}

/** Concatenates delivery records served by several polls, in order. */
function concatRecords(parts: readonly DeliveryRecords[]): DeliveryRecords {
  const n = parts.reduce((s, p) => s + p.ids.length, 0);
  const out: DeliveryRecords = { ids: new Float64Array(n), partitions: new Int32Array(n), offsets: new Float64Array(n), errors: new Int32Array(n), latencyUs: new Float64Array(n) };
  let at = 0;
  for (const p of parts) {
    out.ids.set(p.ids, at);
    out.partitions.set(p.partitions, at);
    out.offsets.set(p.offsets, at);
    out.errors.set(p.errors, at);
    out.latencyUs.set(p.latencyUs, at);
    at += p.ids.length;
  }
  return out;
}

export class NativeProducer {
  readonly #raw: RawProducer;
  /** Delivery records served by polls made inside produceAll(), handed out by the caller's next poll(). */
  #pending: DeliveryRecords[] = [];

  constructor(config: ClientConfig, options: ProducerOptions = {}) {
    const { Producer } = binding();
    this.#raw = new Producer(config, options);
  }

  /** 'open', 'busy' (a produceLoop() runs), 'closing' or 'closed'. */
  get state(): ClientState {
    return this.#raw.state;
  }

  /**
   * Enqueues messages [start, end) of a batch in one call and returns how many were enqueued. Fewer
   * than asked means librdkafka's queue is full (not an error): poll() and call again with
   * `start` moved on. Other failures throw a KafkaError whose `index` is the message that failed.
   * The batch's buffers may be reused as soon as this returns (librdkafka copies what it keeps).
   */
  produce(topic: string, batch: BatchInput, options: ProduceOptions = {}): number {
    const b = asBatch(batch);
    return this.#raw.produce(topic, options.partition ?? -1, b.partitions, b.values, b.valueOffsets, b.keys, b.keyOffsets, options.headers,
      options.start, options.end);
  }

  /** produce() until the whole range is enqueued, waiting (without blocking the event loop) while the queue is full. */
  async produceAll(topic: string, batch: BatchInput, options: ProduceOptions = {}): Promise<number> {
    const b = asBatch(batch);
    const start = options.start ?? 0;
    const end = options.end ?? batchCount(b);
    let at = start;
    for (;;) {
      at += this.produce(topic, b, { ...options, start: at, end });
      if (at >= end) return end - start;
      const records = this.#raw.poll(0).records;
      if (records && records.ids.length > 0) this.#pending.push(records);
      await sleep(1);
    }
  }

  /**
   * Enqueues a batch and resolves once every message of it has its delivery report (the event loop
   * keeps running meanwhile). Rejects with the first failure's KafkaError unless `allowFailures`.
   */
  async produceSync(topic: string, batch: BatchInput, options: ProduceSyncOptions = {}): Promise<DeliveryReport> {
    const b = asBatch(batch);
    const report = await this.#raw.produceSync(topic, options.partition ?? -1, b.partitions, b.values, b.valueOffsets, b.keys,
      b.keyOffsets, options.headers, options.start, options.end);
    if (report.failed > 0 && !options.allowFailures) {
      const at = report.errors.findIndex((e) => e !== 0);
      const errno = report.errors[at] as number;
      const code = binding().errorName(errno);
      throw new KafkaError(`${report.failed} of ${report.count} messages failed; message ${at}: ${code}`, code, errno);
    }
    return report;
  }

  /**
   * Serves delivery reports (all of them in C++, one JS call per poll) and returns running totals.
   * poll(0) never blocks; a timeout > 0 blocks the calling thread up to that long waiting for reports.
   */
  poll(timeoutMs = 0): PollResult {
    const result = this.#raw.poll(timeoutMs);
    if (this.#pending.length > 0 && result.records) {
      result.records = concatRecords([...this.#pending, result.records]);
      this.#pending = [];
    }
    return result;
  }

  /** Delivery figures since the last stats({ reset: true }); works after close(), for the final account. */
  stats(options: { reset?: boolean } = {}): ProducerStats {
    return this.#raw.stats(options.reset ?? false) as ProducerStats;
  }

  /** Waits (on the producer's own thread) until nothing is in flight; rejects with ERR__TIMED_OUT. */
  flush(timeoutMs = 30_000): Promise<void> {
    return this.#raw.flush(timeoutMs);
  }

  /**
   * The whole produce loop in C++ on the producer's thread: kbench payloads, seq = firstSeq + i,
   * delivery reports served every `pollEvery` messages, then a flush. Other calls fail with
   * ERR__STATE ("busy") until it resolves.
   */
  async produceLoop(options: ProduceLoopOptions): Promise<ProduceLoopResult> {
    return (await this.#raw.produceLoop(options)) as ProduceLoopResult;
  }

  /**
   * Delivers what it can within timeoutMs (default 10 000), fails the rest (ERR__PURGE_QUEUE /
   * ERR__PURGE_INFLIGHT, counted in stats()) and destroys the handle, off the event loop.
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.#raw.close(options.timeoutMs ?? 10_000);
  }
}
