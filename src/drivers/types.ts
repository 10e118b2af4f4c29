// One interface for every client. A Node driver is one file in src/drivers/ that turns kbench's
// settings into its client's configuration and offers a few primitives (send a batch, wait for
// deliveries, consume batches); what a sync producer, an async producer or a consumer does is
// written once in src/scenarios/. External drivers (C, Python, Java) run a program instead.
import type { Connection, ScenarioId, WorkloadSettings } from '../results/types.js';
import type { OutBatch } from '../scenarios/batch.js';
import type { ScenarioOutcome, ScenarioRun } from '../scenarios/types.js';
import type { DriverSecurity } from './security.js';

import type { ClientConfig } from '../contract/arm.js';

export type { ClientConfig, ConfigValue } from '../contract/arm.js';

export interface DriverDescription {
  id: string;
  /** Package or program the driver runs. */
  client: string;
  /** The client's version, as installed. */
  version: string;
  /** librdkafka version the client actually runs with (read at run time), when it uses librdkafka. */
  librdkafka?: string;
  /** e.g. "node 20.20.2", "C", "python 3.11.7", "java 17". */
  runtime: string;
  available: boolean;
  /** Why the driver is unavailable. */
  reason?: string;
  scenarios: ScenarioId[];
  /** Can several worker threads of one process each load the client? (else --workers uses processes) */
  workerThreads: boolean;
  /** False for programs that cannot leave warm-up messages out of their figures: their arms run without warm-up. */
  supportsWarmup?: boolean;
  /** Set by programs that send payloads of their own instead of the contract's (c-perf, java-perf): why. Their topics are verified by count only. */
  ownPayloads?: string;
  /** Compression codecs the client has, when not all of them. */
  compressions?: string[];
  /** SASL mechanisms and TLS the client has; arms it cannot connect with are skipped with the reason. Absent: not declared. */
  security?: DriverSecurity;
  /** Scenarios that need protocol versions newer brokers removed (e.g. Kafka 4.0, KIP-896): skipped above maxMajor. */
  brokerLimit?: { maxMajor: number; scenarios: ScenarioId[]; reason: string };
  notes: string[];
}

/** Everything a driver needs to build a client for one arm. */
export interface DriverContext {
  connection: Connection;
  topic: string;
  partitions: number;
  /** Consumer side: the partitions to read (every partition unless the arm is split across workers). */
  readPartitions: number[];
  messageSize: number;
  settings: WorkloadSettings;
  clientId: string;
  groupId: string;
  /** What the scenario measures: drivers may pick the API a user would use for it (batches vs. per message). */
  purpose: 'throughput' | 'latency';
  /** Extra client settings given by the user (--client-config key=value), passed through verbatim. */
  extraConfig: ClientConfig;
}

export interface DeliveryCounts {
  delivered: number;
  failed: number;
  /** Failures by the client's error code or name. */
  errors: Record<string, number>;
}

export interface ProducerPort {
  /** The configuration the client was given (recorded in results; redacted there). */
  readonly config: ClientConfig;
  /** Hands a batch to the client without waiting for acknowledgements (may wait for queue space). */
  send(batch: OutBatch): Promise<void>;
  /** Sends a batch (usually one message) and resolves when it is acknowledged; rejects on failure. */
  sendAndWait(batch: OutBatch): Promise<void>;
  /** Deliveries counted so far, without waiting (for a partial outcome when the arm is interrupted). */
  snapshot?(): DeliveryCounts;
  /** Waits until every message sent so far is acknowledged or failed; returns cumulative counts. */
  flush(timeoutMs: number): Promise<DeliveryCounts>;
  close(): Promise<void>;
}

/** A batch of consumed messages; payload(i) may be a view into a shared buffer. */
export interface InBatch {
  readonly count: number;
  payload(i: number): Uint8Array;
}

export interface ConsumerPort {
  readonly config: ClientConfig;
  /**
   * Reads the topic from the earliest offset on every partition and calls onBatch for each batch
   * until onBatch returns false; then resolves. Rejects on a client error.
   */
  consume(onBatch: (batch: InBatch) => boolean): Promise<void>;
  close(): Promise<void>;
}

/** A scenario implemented by a driver itself (where the client's natural API demands it). */
export type ScenarioOverride = (ctx: DriverContext, run: ScenarioRun) => Promise<ScenarioOutcome>;

export interface NodeDriver {
  readonly kind: 'node';
  readonly id: string;
  readonly client: string;
  /** Runs inside the arm's process: loads the client and reports what it really is. */
  describe(): Promise<DriverDescription>;
  createProducer(ctx: DriverContext): Promise<ProducerPort>;
  createConsumer(ctx: DriverContext): Promise<ConsumerPort>;
  /** Scenarios this driver runs itself instead of through the generic code (and says so). */
  overrides?: Partial<Record<ScenarioId, ScenarioOverride>>;
}
