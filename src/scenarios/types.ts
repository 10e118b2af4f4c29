// What an arm's process is asked to do (ArmSpec, written by the parent as JSON) and what it sends
// back (ScenarioOutcome, JSON). External drivers (C, Python, Java) read and write the same shapes.
import type { Connection, ScenarioId, WorkloadSettings } from '../results/types.js';
import type { ClientConfig } from '../drivers/types.js';

export interface ArmSpec {
  /** Protocol version of this JSON, for external drivers. */
  protocol: 1;
  armId: string;
  driver: string;
  scenario: ScenarioId;
  messageSize: number;
  /** Measured messages (warm-up excluded). */
  messages: number;
  /** Warm-up messages, sent/read before the measured ones and excluded from figures. */
  warmup: number;
  /** Sequence number of the first message this process handles (worker shares start elsewhere). */
  firstSeq: number;
  topic: string;
  partitions: number;
  /** Consumer side: the partitions this process reads (all when absent). */
  readPartitions?: number[];
  /** Consumer side: messages in each partition (index = partition), so the arm can be split exactly. */
  partitionCounts?: number[];
  connection: Connection;
  settings: WorkloadSettings;
  extraConfig: ClientConfig;
  timeoutMs: number;
  /** Worker threads inside this process (1 = the main thread runs the scenario). */
  threads: number;
  clientId: string;
  groupId: string;
  /** Where to write the ScenarioOutcome JSON. */
  resultFile: string;
  /** `kbench profile` only: extra Node flags for the arm's process, and a command to run it under. */
  launch?: { nodeArgs?: string[]; prefix?: string[] };
  /** Test-only fault injection: the consumer drops one message from its accounting. */
  faults?: { dropOne?: boolean; throwIn?: 'scenario'; crash?: boolean };
}

export interface ScenarioOutcome {
  ok: boolean;
  error?: string;
  /** Measured messages and payload bytes. */
  messages: number;
  bytes: number;
  /** Wall time of the measured part. */
  elapsedNs: number;
  /** Absolute start/end of the measured part (µs since the epoch), to combine workers. */
  startUs: number;
  endUs: number;
  /** CPU of this process during the measured part (µs), when known. */
  cpuUserUs?: number;
  cpuSysUs?: number;
  /** Time spent computing checksums inside the measured part, subtracted from elapsedNs already. */
  verifyNs?: number;
  rssPeakBytes?: number;
  delivered?: number;
  failed?: number;
  errors?: Record<string, number>;
  /** Consumer side: messages read (warm-up included) and their checksum (kbench spec). */
  consumed?: number;
  checksum?: string;
  consumedBytes?: number;
  /** Set by drivers whose program cannot checksum payloads (rdkafka_performance): why; count and bytes are still checked. */
  checksumUnavailable?: string;
  /** e2e-latency: sequence accounting. */
  lost?: number;
  duplicated?: number;
  /** Base64 HDR histogram of latencies (µs). */
  latencyHistogram?: string;
  /** External drivers may send raw latency samples (µs) instead; kbench builds the histogram. */
  latencySamplesUs?: number[];
  /** The client configuration used (consumer keys prefixed with "consumer." in mixed scenarios). */
  config: ClientConfig;
  notes: string[];
}

/** Handed to scenario code inside the arm's process. */
export interface ScenarioRun {
  spec: ArmSpec;
  /** Reports measured messages done so far (throttled by the caller). */
  progress(done: number): void;
  /**
   * Set by the scenario: what it knows so far (counts). If the arm is interrupted (SIGTERM, e.g.
   * because the broker died), the process writes this as a failed outcome before exiting.
   */
  live?: () => Partial<ScenarioOutcome>;
}
