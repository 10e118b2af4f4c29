// Loads kbench's addon (native/, built by node-gyp or cmake-js) and describes its raw interface.
// The typed, documented API is producer.ts / consumer.ts; this file is the only one that knows how
// the addon's methods take their arguments.
//
// Which file: $KBENCH_ADDON (a path), else build/Release/kbench.node (node-gyp, `npm run build:addon`),
// else build-cmake/Release/kbench.node (cmake-js, `npm run build:cmake`). Loaded on first use, so
// importing kbench without a built addon works until a native client is created.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { projectRoot } from '../paths.js';
import { EnvironmentError } from '../util/errors.js';
import { KafkaError } from './errors.js';
import type { LatencyBuckets } from './histogram.js';

export type ClientState = 'open' | 'busy' | 'closing' | 'closed';
export type ConfigValue = string | number | boolean;
export type HeaderList = ReadonlyArray<readonly [string, string | Uint8Array]>;

export interface RawPollResult {
  enqueued: number;
  delivered: number;
  failed: number;
  inFlight: number;
  records?: RawDeliveryRecords;
}

export interface RawDeliveryRecords {
  ids: Float64Array;
  partitions: Int32Array;
  offsets: Float64Array;
  errors: Int32Array;
  latencyUs: Float64Array;
}

export interface RawDeliveryTally {
  delivered: number;
  failed: number;
  errors: Record<string, number>;
  latency: LatencyBuckets;
}

export interface RawStats extends RawDeliveryTally {
  enqueued: number;
  inFlight: number;
  clientErrors: Record<string, number>;
}

export interface RawSyncReport {
  count: number;
  failed: number;
  partitions: Int32Array;
  offsets: Float64Array;
  errors: Int32Array;
  latencyUs: Float64Array;
}

export interface RawProduceLoopOptions {
  topic: string;
  partition?: number;
  count: number;
  size: number;
  firstSeq?: number;
  timestamps?: boolean;
  pollEvery?: number;
  flushTimeoutMs?: number;
  checksum?: boolean;
  latency?: boolean;
}

export interface RawProduceLoopResult extends RawDeliveryTally {
  enqueued: number;
  checksum?: string;
  bytes: number;
  enqueueNs: number;
  elapsedNs: number;
  timedOut: boolean;
  error?: KafkaError;
}

export interface RawProducer {
  readonly state: ClientState;
  produce(topic: string, partition: number, partitions: Int32Array | undefined, values: Uint8Array, valueOffsets: Uint32Array,
    keys: Uint8Array | undefined, keyOffsets: Uint32Array | undefined, headers: HeaderList | undefined, start: number | undefined,
    end: number | undefined): number;
  produceSync(topic: string, partition: number, partitions: Int32Array | undefined, values: Uint8Array, valueOffsets: Uint32Array,
    keys: Uint8Array | undefined, keyOffsets: Uint32Array | undefined, headers: HeaderList | undefined, start: number | undefined,
    end: number | undefined): Promise<RawSyncReport>;
  poll(timeoutMs: number): RawPollResult;
  stats(reset: boolean): RawStats;
  flush(timeoutMs: number): Promise<void>;
  produceLoop(options: RawProduceLoopOptions): Promise<RawProduceLoopResult>;
  close(timeoutMs: number): Promise<void>;
}

/**
 * A consumed batch as the addon returns it: one ArrayBuffer laid out for `stride` messages (native/batch.cc),
 * `count` of them present. ConsumedBatch (batch.ts) makes the typed-array views: creating them in
 * JavaScript costs a fraction of what it costs through Node-API.
 */
export interface RawConsumedBatch {
  count: number;
  buffer: ArrayBuffer;
  stride: number;
  valuesLength: number;
  keysLength: number;
  topics: string[];
  errors: KafkaError[];
}

export interface RawConsumeLoopResult {
  count: number;
  bytes: number;
  checksum: string;
  elapsedNs: number;
  totalNs: number;
  errors: Record<string, number>;
  eof: number;
  timedOut: boolean;
  latency?: LatencyBuckets;
}

export interface RawTopicPartition {
  topic: string;
  partition: number;
  offset?: number;
}

export interface RawConsumer {
  readonly state: ClientState;
  assign(partitions: readonly RawTopicPartition[]): void;
  subscribe(topics: readonly string[]): void;
  unsubscribe(): void;
  consumeSync(max: number, timeoutMs: number, into?: ArrayBuffer): RawConsumedBatch;
  consume(max: number, timeoutMs: number): Promise<RawConsumedBatch>;
  consumeLoop(options: { count: number; timeoutMs?: number; timestamps?: boolean }): Promise<RawConsumeLoopResult>;
  fetchMetadata(topic: string, timeoutMs?: number): Promise<{ topic: string; partitions: number[] }>;
  commit(): Promise<void>;
  close(): Promise<void>;
}

export interface Binding {
  Producer: new (config: Readonly<Record<string, ConfigValue>>, options?: { deliveryRecords?: boolean; latency?: boolean }) => RawProducer;
  Consumer: new (config: Readonly<Record<string, ConfigValue>>) => RawConsumer;
  setErrorClass(ctor: typeof KafkaError): void;
  errorName(errno: number): string;
  librdkafkaVersion: string;
  headerVersion: string;
  build: 'release' | 'debug-sanitize';
}

/** Where the addon is looked for, in order. */
export function addonCandidates(): string[] {
  const fromEnv = process.env.KBENCH_ADDON;
  if (fromEnv) return [path.resolve(fromEnv)];
  return [
    path.join(projectRoot, 'build', 'Release', 'kbench.node'),
    path.join(projectRoot, 'build-cmake', 'Release', 'kbench.node'),
  ];
}

let loaded: { binding: Binding; file: string } | undefined;

/** The addon, loaded on first call (per thread: every worker loads its own instance). */
export function binding(): Binding {
  return load().binding;
}

/** The file the addon was loaded from. */
export function addonPath(): string {
  return load().file;
}

function load(): { binding: Binding; file: string } {
  if (loaded) return loaded;
  const candidates = addonCandidates();
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) {
    const where = candidates.join(', ');
    throw new EnvironmentError(
      process.env.KBENCH_ADDON
        ? `KBENCH_ADDON points at ${where}, which does not exist`
        : `kbench's native addon is not built (looked for ${where}); build it with \`npm run build:addon\` (node-gyp) or \`npm run build:cmake\` (cmake-js)`,
    );
  }
  const b = createRequire(import.meta.url)(file) as Binding;
  b.setErrorClass(KafkaError);
  loaded = { binding: b, file };
  return loaded;
}
