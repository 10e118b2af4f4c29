// `kbench overhead` data: what each librdkafka-based client costs per message over C on the same
// librdkafka, on the three paths that cross the JS/native boundary, measured without a real broker:
//   produce   enqueueing (unreachable bootstrap: messages are only queued)
//   delivery  serving delivery reports (librdkafka's mock cluster acknowledges the messages)
//   consume   taking fetched messages out of librdkafka (from a pre-filled mock cluster)

export const OVERHEAD_SCHEMA = 'kbench.overhead/1';

/** How a Node arm process reports its measurement: one stdout line starting with this. */
export const RESULT_MARKER = 'KBENCH_OVERHEAD ';
/** A Node arm's exit code when its driver has no figure on the path (the reason is on stdout). */
export const NOT_APPLICABLE_EXIT = 3;

export const OVERHEAD_PATHS = ['produce', 'delivery', 'consume'] as const;
export type OverheadPath = (typeof OVERHEAD_PATHS)[number];

export const OVERHEAD_DRIVERS = ['c', 'c-copy', 'addon', 'addon-msg', 'node-rdkafka', 'confluent', 'crab'] as const;
export type OverheadDriver = (typeof OVERHEAD_DRIVERS)[number];

/** The C programs (no binding, no crossings): `c`, and `c-copy` (consume plus one payload copy per message). */
export function isCDriver(driver: string): boolean {
  return driver === 'c' || driver === 'c-copy';
}

/**
 * `api`: the client as an application uses it (the figure reported). `direct`: the client's native
 * binding called directly, its JavaScript wrapper bypassed (for the decomposition).
 */
export type ArmVariant = 'api' | 'direct';

/** What one arm process is told to do (the child reads it as JSON from argv). */
export interface ArmSpec {
  path: OverheadPath;
  driver: OverheadDriver;
  variant: ArmVariant;
  messages: number;
  size: number;
  /** Messages per call for batch APIs (addon produce/consume, crab send/recvBatch, node-rdkafka consume(n)). */
  batch: number;
  topic: string;
  /** Partitions of the topic (consume: the arm assigns all of them, at offset 0). */
  partitions: number;
  /** librdkafka properties: identical for every arm of a path. */
  config: Record<string, string | number>;
  /** Count native-binding crossings instead of timing (the figure of this run is not used). */
  countCrossings?: boolean;
}

/** Calls across the JS/native boundary during the measured part of an arm. */
export interface CrossingCounts {
  /** Calls of the binding's functions and native methods (and accessors) from JS. */
  jsToNative: number;
  /** Calls of JS functions handed to the binding, plus settlements of promises it returned. */
  nativeToJs: number;
  /** Per binding function, for the curious. */
  byFunction: Record<string, number>;
}

/** What an arm process measured (C and Node arms alike; C leaves the GC fields at 0). */
export interface ChildMeasurement {
  /** Messages enqueued / delivered / consumed in the measured part: must equal `messages`. */
  count: number;
  bytes: number;
  /** Failed deliveries or consume errors (must be 0). */
  failed: number;
  /** Wall time of the measured part only. */
  elapsedNs: number;
  /** CPU time (user + system, every thread) of the process during the measured part. */
  cpuNs: number;
  /** GC pauses inside the measured part (perf_hooks 'gc' entries). */
  gcNs: number;
  gcCount: number;
  /** Time spent before the measured part waiting for the process to go idle (delivery, consume). */
  waitMs: number;
  /** Times the measured loop found nothing ready and had to wait (0 in a clean run). */
  stalls: number;
  librdkafka: string;
  /** The API used, in words. */
  api: string;
  crossings?: CrossingCounts;
}

/** One arm process run. */
export interface ArmRun {
  driver: OverheadDriver;
  path: OverheadPath;
  variant: ArmVariant;
  messageSize: number;
  repetition: number;
  messages: number;
  count: number;
  elapsedNs: number;
  nsPerMsg: number;
  /** Process CPU time of the measured part / messages. */
  cpuNsPerMsg: number;
  gcNsPerMsg: number;
  waitMs: number;
  stalls: number;
  librdkafka: string;
  /** Arm process CPU and peak memory (kbench-exec), when available. */
  cpuUserUs?: number;
  cpuSysUs?: number;
  maxRssKb?: number;
}

export interface NsSummary {
  median: number;
  min: number;
  max: number;
}

/**
 * ns per message by component, each measured (see OverheadDocument.method):
 *   librdkafka  the C arm of the same path and size
 *   crossing    the direct variant (GC excluded) minus C: the binding's native code, the JS↔native
 *               crossings and argument/result conversion
 *   js          the api variant minus the direct variant (GC excluded from both): the client's JS wrapper
 *   gc          GC pauses inside the api variant's measured part
 */
export interface Breakdown {
  librdkafka: number;
  crossing?: number;
  js?: number;
  gc?: number;
}

export interface OverheadResult {
  driver: OverheadDriver;
  path: OverheadPath;
  messageSize: number;
  /** The api variant, over repetitions. */
  nsPerMsg: NsSummary;
  /** median(driver) / median(c) of the same path and size. */
  ratioToC?: number;
  /** Process CPU time per message of the api variant (all threads), and its ratio to c's. */
  cpuNsPerMsg?: NsSummary;
  cpuRatioToC?: number;
  /** (jsToNative + nativeToJs) / messages, counted in a separate instrumented run; 0 for C. */
  crossingsPerMsg: number | null;
  crossings?: { jsToNative: number; nativeToJs: number; perMsg: { jsToNative: number; nativeToJs: number }; byFunction: Record<string, number> };
  breakdown: Breakdown;
  /** The direct variant (the client's native binding called without its JS wrapper). */
  directNsPerMsg?: NsSummary;
  gcNsPerMsg?: NsSummary;
  /** 'none' (unreachable bootstrap) for produce; 'mock cluster' for delivery and consume. */
  broker: 'none' | 'mock cluster';
  api: string;
  librdkafka: string;
  notes: string[];
  runs: ArmRun[];
  /** Set when the driver could not run this path: the reason; its figures are then NaN (null in JSON). */
  error?: string;
}

export interface OverheadDocument {
  schema: typeof OVERHEAD_SCHEMA;
  startedAt: string;
  finishedAt?: string;
  host: { cpus: number; cpu: string; node: string; platform: string };
  messages: number;
  messageSizes: number[];
  repetitions: number;
  /** Messages per call of the batch APIs. */
  batch: number;
  paths: OverheadPath[];
  drivers: OverheadDriver[];
  /** The librdkafka properties every arm of a path ran with (bootstrap of the mock cluster shown as "mock"). */
  config: Partial<Record<OverheadPath, Record<string, string | number>>>;
  /** How each figure is obtained, in words (rendered under the tables). */
  method: string[];
  results: OverheadResult[];
  warnings: string[];
}
