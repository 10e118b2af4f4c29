// The arm contract: what every driver — TypeScript, C, Java, Python — is asked to do and must send
// back. One module, cited by the programs in native/cbench/, drivers/java and drivers/python.
//
// Files and lines (protocol 2):
//   - The parent writes the ArmSpec as JSON into a fresh 0700 directory, the file itself 0600 (it may
//     carry a SASL password), runs the driver's program, and removes the directory afterwards.
//   - The program writes one ScenarioOutcome as JSON to `spec.resultFile` (or, for programs that are
//     not ours, prints output the driver's parse() adapter turns into one).
//   - It may print progress lines `@kbench {"done": N}` on stdout (N = measured messages so far),
//     at most every 200 ms and once at the end; they may also carry `"acked"` and `"failed"`
//     (producers: measured deliveries so far) and `"consumed"` (e2e-latency: measured messages
//     received). The parent time-stamps them into the arm's time series (Repetition.series).
//     `describe` lines start with `@kbench-describe `. Anything else on stdout/stderr is ignored.
//
// Schedule (settings.rate > 0, SCHEDULE below): message k of the measured part has an intended
// send time t0 + k / rate; latency is measured from it (corrected for coordinated omission), the
// time from the actual hand-over to the client is reported beside it as the service time.
//
// Duration (spec.durationMs, unpaced producer arms only): send until durationMs has passed since
// the window opened or `messages` are sent, whichever comes first; `messages` in the outcome is the
// count actually sent (the warm-up excluded), and the parent verifies that count.
//
// Payloads (PayloadSpec, and src/verify/payload.ts for the checksum): byte i of the payload of the
// message with sequence number `seq`, size S, is `source[(seq * stride + i) mod L]` (L = the source's
// length), then bytes [0, min(S, 8)) are overwritten with seq as uint64 little-endian and, in
// e2e-latency, bytes [8, 16) with the intended send time on the schedule (µs since the epoch, int64
// little-endian; the actual send time where the arm is unpaced).
// Every program reads the same source file, so every arm sends the same bytes.
//
// Topics: a producer arm writes seq firstSeq .. firstSeq + warmup + messages − 1, the warm-up first.
// A consumer arm's `topic` holds exactly the measured messages (seq 0 .. messages − 1 over all its
// partitions); its `warmupTopic` (one partition) holds `warmup` messages of its own.

import type { Connection, ScenarioId, WorkloadSettings } from '../results/types.js';

export type ConfigValue = string | number | boolean;
export type ClientConfig = Record<string, ConfigValue>;

/** The protocol version of the spec and outcome JSON. */
export const ARM_PROTOCOL = 2;

export const PROGRESS_PREFIX = '@kbench ';
export const DESCRIBE_PREFIX = '@kbench-describe ';

export const PAYLOAD_KINDS = ['random', 'compressible', 'file'] as const;
export type PayloadKind = (typeof PAYLOAD_KINDS)[number];

export interface PayloadSpec {
  /** random: seeded random bytes (incompressible); compressible: position-only filler; file: the user's file. */
  kind: PayloadKind;
  /** Path of the source bytes (written by the parent for random and compressible). */
  source: string;
  /** How far the source advances per sequence number: the message size for random, 0 otherwise. */
  stride: number;
}

/**
 * The measured window of each scenario, the one definition every driver implements. Nothing is
 * subtracted from a window: what happens inside it (checksumming included) is part of the figure.
 */
export const WINDOWS: Readonly<Record<ScenarioId, string>> = {
  'producer-async':
    'opens just before the first send of the first measured message (the warm-up messages already sent and acknowledged); closes when the acknowledgement of the last measured message has been received (the flush that waits for it returned)',
  'producer-sync': 'opens just before the first measured send; closes when the last measured message is acknowledged',
  consumer:
    'opens just before the measured topic is assigned — the client is connected, has read its warm-up topic to the end (so nothing of the measured topic can have been prefetched) and has fetched the measured topic\'s metadata (so it knows where its partitions are); closes when the last measured message has been received and checksummed',
  'e2e-latency': 'opens at the first measured send (the consumer already assigned and receiving warm-up messages); closes when every measured message has been received',
  failover:
    'opens just before the first measured send (the warm-up sent and acknowledged); closes when every measured message has been acknowledged or reported failed (the flush that waits for it returned). The fault lands right after message spec.failover.faultAt was handed over (the parent applies it on the progress line that says so)',
};

/**
 * The open-loop schedule every paced arm follows (settings.rate > 0). Message k (k = 0 for the first
 * measured message; the warm-up has a schedule of its own at the same rate) is due at
 * t0 + k / rate. The arm sends each message as soon as it is due — never before, and never by
 * waiting for an earlier one's acknowledgement longer than the client makes it (producer-sync
 * waits by definition) — so a stall delays the messages behind it instead of silently thinning the
 * load. Latency: from the intended time (corrected); service time: from the actual hand-over.
 * Achieved rate: messages / (time of the last hand-over − t0 + 1 / rate).
 */
export const SCHEDULE = 'message k is due at t0 + k / rate; latency counts from the due time (corrected), service time from the hand-over; achieved rate = messages / (last hand-over − t0 + 1/rate)';

/** The fields a progress line may carry (after PROGRESS_PREFIX). */
export interface ProgressLine {
  done: number;
  acked?: number;
  failed?: number;
  consumed?: number;
  /** The scenario's last line: what follows is closing the clients and writing the result. */
  final?: boolean;
  /** Failover arms: written at once (not throttled) when message spec.failover.faultAt has been handed over: the parent applies the fault now. */
  fault?: boolean;
  /** Worker thread inside the arm's process. */
  part?: number;
}

/** A failover arm's delivery ledger as it travels in the outcome (src/scenarios/ledger.ts): base64 of its typed arrays. */
export interface EncodedLedger {
  firstSeq: number;
  count: number;
  /** Wall clock (µs since the epoch) that ackAtMs counts from. */
  t0Us: number;
  /** Float32 per message: ms from t0 to its first acknowledgement; NaN = never acknowledged. */
  ackAtMs: string;
  /** One byte per message: 1 = a failure was reported for it. */
  failed: string;
}

export interface ArmSpec {
  protocol: typeof ARM_PROTOCOL;
  armId: string;
  driver: string;
  scenario: ScenarioId;
  messageSize: number;
  /** Measured messages (with durationMs: the most the arm may send). */
  messages: number;
  /** Unpaced producer arms of a timed run: stop sending once this long has passed in the window (Duration above). */
  durationMs?: number;
  /** Warm-up messages, sent/read before the window opens. */
  warmup: number;
  /** Producers: sequence number of the first message this process sends (worker shares start elsewhere). */
  firstSeq: number;
  topic: string;
  partitions: number;
  /** Consumer side: the partitions of `topic` this process reads (all when absent). */
  readPartitions?: number[];
  /** Consumer side: messages in each partition of `topic` (index = partition). */
  partitionCounts?: number[];
  /** Consumer arms: the warm-up topic (one partition, `warmup` messages), read to its end before the window. */
  warmupTopic?: string;
  payload: PayloadSpec;
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
  /** Failover arms: the fault lands once this many measured messages have been handed over (a `fault` progress line). */
  failover?: { faultAt: number };
  /**
   * Consumer arms of kbench's own read-back (failover): count every sequence number below `seqCounts`
   * seen (ScenarioOutcome.seqCounts) instead of checksumming; `messages` is then the topic's record count.
   */
  seqCounts?: number;
  /** Test-only fault injection: the consumer drops one message from its accounting; `warn`: the client emits a process warning (twice). */
  faults?: { dropOne?: boolean; throwIn?: 'scenario'; crash?: boolean; warn?: boolean };
}

export interface ScenarioOutcome {
  ok: boolean;
  error?: string;
  /** Measured messages and payload bytes. */
  messages: number;
  bytes: number;
  /** Wall time of the window (WINDOWS), nothing subtracted. */
  elapsedNs: number;
  /** Absolute start/end of the window (µs since the epoch), to combine workers. */
  startUs: number;
  endUs: number;
  /** CPU of this process (every thread) over the window (µs), when known. */
  cpuUserUs?: number;
  cpuSysUs?: number;
  rssPeakBytes?: number;
  delivered?: number;
  failed?: number;
  errors?: Record<string, number>;
  /** Consumer side: measured messages read, their payload bytes and checksum (warm-up topic excluded). */
  consumed?: number;
  checksum?: string;
  consumedBytes?: number;
  /** Consumer side: warm-up messages read before the window. */
  warmupConsumed?: number;
  /** Set by programs that cannot checksum payloads (c-perf, java-perf): why; count and bytes are still checked. */
  checksumUnavailable?: string;
  /** e2e-latency: sequence accounting. */
  lost?: number;
  duplicated?: number;
  /** Base64 HDR histogram of latencies (µs); at a rate, from each message's intended send time (SCHEDULE). */
  latencyHistogram?: string;
  /** External drivers may send raw latency samples (µs) instead; kbench builds the histogram. */
  latencySamplesUs?: number[];
  /** Paced arms: the uncorrected latency (from the actual hand-over to the client), histogram or samples. */
  serviceHistogram?: string;
  serviceSamplesUs?: number[];
  /** Paced arms: settings.rate, and the send rate achieved on the schedule (SCHEDULE). */
  requestedRate?: number;
  achievedRate?: number;
  /** Failover arms: which measured message was acknowledged when, and which were reported failed (src/scenarios/ledger.ts). */
  ledger?: EncodedLedger;
  /** Read-back with spec.seqCounts: base64 of one byte per sequence number, how often it was read (saturating at 255), and records outside the range. */
  seqCounts?: string;
  foreignRecords?: number;
  /** The client configuration used (consumer keys prefixed with "consumer." in mixed scenarios). */
  config: ClientConfig;
  notes: string[];
}
