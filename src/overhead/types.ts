// `kbench overhead` data: what a binding costs per message over C on the same librdkafka, measured
// without a broker. Today one path, `enqueue`; delivery and consume paths can join as new OverheadPath
// values with their own arms.

export const OVERHEAD_SCHEMA = 'kbench.overhead/1';

/** How a Node arm process reports its measurement: one stdout line starting with this. */
export const RESULT_MARKER = 'KBENCH_OVERHEAD ';

export type OverheadPath = 'enqueue';
export const OVERHEAD_DRIVERS = ['c', 'addon', 'node-rdkafka'] as const;
export type OverheadDriver = (typeof OVERHEAD_DRIVERS)[number];

/** What one arm process is told to do (the child reads it as JSON from argv). */
export interface ArmSpec {
  path: OverheadPath;
  driver: OverheadDriver;
  messages: number;
  size: number;
  /** Messages per produce call (addon only). */
  batch: number;
  topic: string;
  /** librdkafka properties: identical for every arm. */
  config: Record<string, string | number>;
}

/** What one arm process measured. */
export interface ArmRun {
  driver: OverheadDriver;
  repetition: number;
  messages: number;
  enqueued: number;
  /** Wall time of the timed enqueue calls only. */
  elapsedNs: number;
  nsPerMsg: number;
  librdkafka: string;
  /** Arm process CPU and memory (kbench-exec), when available. */
  cpuUserUs?: number;
  cpuSysUs?: number;
  maxRssKb?: number;
  /** Addon: the file loaded. */
  addon?: string;
}

export interface NsSummary {
  median: number;
  min: number;
  max: number;
}

export interface OverheadResult {
  driver: OverheadDriver;
  nsPerMsg: NsSummary;
  /** median(driver) / median(c); absent when the c arm did not run. */
  ratioToC?: number;
  runs: ArmRun[];
  /** Set when an arm failed: the reason, and the driver has no figures. */
  error?: string;
}

export interface OverheadDocument {
  schema: typeof OVERHEAD_SCHEMA;
  path: OverheadPath;
  messages: number;
  messageSize: number;
  repetitions: number;
  /** Messages per addon produce() call. */
  addonBatch: number;
  /** The librdkafka properties every arm ran with. */
  config: Record<string, string | number>;
  startedAt: string;
  host: { cpus: number; node: string; platform: string };
  results: OverheadResult[];
}
