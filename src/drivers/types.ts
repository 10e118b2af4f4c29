// One interface for every client. A Node driver is one file in src/drivers/ that turns kbench's
// settings into its client's configuration and offers a few primitives (send a batch, wait for
// deliveries, consume batches); what a sync producer, an async producer or a consumer does is
// written once in src/scenarios/. External drivers (C, Python, Java) run a program instead.
import type { ScenarioId } from '../results/types.js';
import type { OutBatch } from '../scenarios/batch.js';
import type { ScenarioOutcome, ScenarioRun } from '../scenarios/types.js';
import type { DriverSecurity } from './security.js';
import type { DeliveryLedger } from '../scenarios/ledger.js';

import type { ArmSpec, ClientConfig } from '../contract/arm.js';

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
  /** False for programs that cannot stop sending after a duration (ArmSpec.durationMs): their unpaced timed arms are skipped. */
  timed?: boolean;
  /** Set by programs that send payloads of their own instead of the contract's (c-perf, java-perf): why. Their topics are verified by count only. */
  ownPayloads?: string;
  /** Compression codecs the client has, when not all of them. */
  compressions?: string[];
  /** SASL mechanisms and TLS the client has; arms it cannot connect with are skipped with the reason. Absent: not declared. */
  security?: DriverSecurity;
  /** Scenarios that need protocol versions newer brokers removed (e.g. Kafka 4.0, KIP-896): skipped above maxMajor. */
  brokerLimit?: { maxMajor: number; scenarios: ScenarioId[]; reason: string };
  notes: string[];
  /** True for drivers that settle a DriverContext.ledger per message (src/scenarios/ledger.ts): only they run failover. */
  ledger?: boolean;
}

/**
 * Everything a driver needs to build a client for one arm: a view of the arm's spec (the fields are
 * the spec's own, src/contract/arm.ts), plus two things derived from it.
 */
export type DriverContext = Readonly<Pick<ArmSpec, 'connection' | 'topic' | 'partitions' | 'messageSize' | 'settings' | 'clientId' | 'groupId' | 'extraConfig'>> & {
  /** Consumer side: the partitions to read (every partition unless the arm is split across workers). */
  readonly readPartitions: number[];
  /** What the scenario measures: drivers may pick the API a user would use for it (batches vs. per message). */
  readonly purpose: 'throughput' | 'latency';
  /**
   * The failover scenario: settle every message the client reports on here, by sequence number
   * (src/scenarios/ledger.ts). Drivers that cannot tell which message a report is for leave it
   * alone, and their description says `ledger: false`.
   */
  readonly ledger?: DeliveryLedger;
};

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
  /** Serves the delivery reports the client holds now (clients that report only when polled, e.g. kbench's addon); others report from the event loop. */
  serve?(): void;
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

/** What one consume() call reads: these partitions of the topic, each from its earliest offset. */
export interface ConsumeTarget {
  topic: string;
  partitions: readonly number[];
}

/**
 * How a consumer is handed a target's partitions: `assign` — it assigns them itself (manual
 * assignment, no group); `group` — it can only subscribe, and the consumer group's join hands them out.
 */
export type AssignmentMode = 'assign' | 'group';

export interface ConsumerPort {
  readonly config: ClientConfig;
  readonly assignment: AssignmentMode;
  /**
   * Reads `target` from the earliest offset of each of its partitions and calls onBatch for each
   * batch until onBatch returns false; then resolves, the client still connected. One client reads
   * several targets in sequence (the consumer scenario: its warm-up topic, then the measured one):
   * each call first stops reading the previous target (unassign / unsubscribe / pause), so that
   * nothing of it is fetched afterwards, then assigns or subscribes to this one.
   *
   * `assign` clients that can ask for a topic's metadata do so for the target before onAssigned
   * (fetchTargetMetadata in src/scenarios/consumer.ts): the window then opens on a client that knows
   * where the target's partitions are, as WINDOWS.consumer says, and the assignment does not wait
   * for their leaders. `onAssigned` is called once, before anything of the target can be fetched: for `assign`
   * clients right before the assign() call, for `group` clients when the group join that hands out
   * the target's partitions has completed (before the client starts fetching them). The consumer
   * scenario opens its window there (WINDOWS in src/contract/arm.ts). Rejects on a client error.
   */
  consume(target: ConsumeTarget, onBatch: (batch: InBatch) => boolean, onAssigned?: () => void): Promise<void>;
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
