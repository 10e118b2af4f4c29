// NativeConsumer: kbench's own consumer on librdkafka, one packed batch per call.
import { ConsumedBatch, consumedLayout } from './batch.js';
import { binding, type ClientState, type RawConsumer } from './binding.js';
import type { KafkaErrorCode } from './errors.js';
import type { LatencyBuckets } from './histogram.js';
import type { ClientConfig } from './producer.js';

/** A logical start position, or an absolute offset. */
export type StartOffset = number | 'beginning' | 'end' | 'stored';

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** Default: the committed offset, else auto.offset.reset. */
  offset?: StartOffset;
}

export interface ConsumeLoopOptions {
  /** Stop after this many messages. */
  count: number;
  /** Give up after this long (default 60 000 ms); the result then has timedOut = true. */
  timeoutMs?: number;
  /** Payloads carry send timestamps (produceLoop({ timestamps: true })): record end-to-end latency. */
  timestamps?: boolean;
}

/** What fetchMetadata() learnt of a topic. */
export interface TopicMetadata {
  topic: string;
  /** Its partition ids, ascending. */
  partitions: number[];
}

export interface ConsumeLoopResult {
  count: number;
  bytes: number;
  /** kbench checksum of the payloads consumed (src/verify/payload.ts). */
  checksum: string;
  /** From the batch holding the first message to the batch holding the last. */
  elapsedNs: number;
  /** The whole call. */
  totalNs: number;
  errors: Partial<Record<KafkaErrorCode, number>>;
  /** Partition EOF events (enable.partition.eof). */
  eof: number;
  timedOut: boolean;
  /** With `timestamps`: send-to-receive latency, µs. */
  latency?: LatencyBuckets;
}

/**
 * Bytes a consumeSync(max, …, into) buffer needs for `max` messages of up to `messageBytes` bytes of
 * value and key together: 32 bytes of metadata per message (offset, timestamp, partition, topic
 * index, value and key offsets), 8 more, and the payloads.
 */
export function consumeBufferSize(max: number, messageBytes: number): number {
  return consumedLayout(max).values + max * messageBytes;
}

const LOGICAL: Record<Exclude<StartOffset, number>, number> = { beginning: -2, end: -1, stored: -1000 };

export class NativeConsumer {
  readonly #raw: RawConsumer;

  /** Without group.id a unique one is generated (enough for assign()). */
  constructor(config: ClientConfig) {
    const { Consumer } = binding();
    this.#raw = new Consumer(config);
  }

  get state(): ClientState {
    return this.#raw.state;
  }

  /** Reads exactly these partitions (no group rebalancing). */
  assign(partitions: readonly TopicPartitionOffset[]): void {
    if (!Array.isArray(partitions as unknown)) throw new TypeError('partitions must be an array of { topic, partition, offset? }');
    this.#raw.assign(partitions.map((p) => {
      const offset = typeof p.offset === 'string' ? LOGICAL[p.offset] : p.offset;
      if (typeof p.offset === 'string' && offset === undefined) throw new TypeError(`offset must be a number or 'beginning' | 'end' | 'stored', got '${p.offset}'`);
      return offset === undefined ? { topic: p.topic, partition: p.partition } : { topic: p.topic, partition: p.partition, offset };
    }));
  }

  /** Joins the consumer group (group.id) for these topics. */
  subscribe(topics: readonly string[]): void {
    this.#raw.subscribe(topics);
  }

  unsubscribe(): void {
    this.#raw.unsubscribe();
  }

  /**
   * Up to `max` messages as one batch, on the consumer's own thread (never blocks the event loop):
   * waits up to timeoutMs (default 1000) for the first message, then takes what is already fetched.
   * An empty batch means the timeout passed.
   */
  async consume(max: number, timeoutMs = 1000): Promise<ConsumedBatch> {
    return new ConsumedBatch(await this.#raw.consume(max, timeoutMs));
  }

  /**
   * consume() on the calling thread: blocks it up to timeoutMs (default 0: only what is already fetched).
   * With `into` (an ArrayBuffer the caller reuses from call to call, sized with consumeBufferSize())
   * the batch is built in that buffer when it fits: no allocation, no fresh memory to fault in, no
   * garbage per batch. The batch's views then point into `into` and are overwritten by the next call
   * given the same buffer: copy what you keep. A batch that does not fit gets a block of its own.
   */
  consumeSync(max: number, timeoutMs = 0, into?: ArrayBuffer): ConsumedBatch {
    return new ConsumedBatch(this.#raw.consumeSync(max, timeoutMs, into));
  }

  /** The whole consume loop in C++: count, bytes, kbench checksum and timings; no JS per message or batch. */
  async consumeLoop(options: ConsumeLoopOptions): Promise<ConsumeLoopResult> {
    return (await this.#raw.consumeLoop(options)) as ConsumeLoopResult;
  }

  /**
   * Asks a broker for this one topic's metadata (rd_kafka_metadata, on the consumer's own thread),
   * waiting up to timeoutMs (default 10 000): afterwards the consumer knows where the topic's
   * partitions are, so an assign() of them does not first wait for their leaders (librdkafka
   * otherwise retries the offset lookup of a partition without a known leader after 500 ms).
   * Rejects with a KafkaError: the topic's own error (ERR_UNKNOWN_TOPIC_OR_PART for a topic the
   * broker does not have), ERR__TIMED_OUT / ERR__TRANSPORT when no answer or no broker came in time,
   * ERR__STATE on a closed consumer or during a consumeLoop().
   */
  fetchMetadata(topic: string, timeoutMs = 10_000): Promise<TopicMetadata> {
    return this.#raw.fetchMetadata(topic, timeoutMs);
  }

  /** Commits the offsets of the messages consumed so far (synchronously, on the consumer's thread). */
  commit(): Promise<void> {
    return this.#raw.commit();
  }

  /** Leaves the group, commits when auto commit is on, destroys the handle; off the event loop. */
  close(): Promise<void> {
    return this.#raw.close();
  }
}
