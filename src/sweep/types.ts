// The sweep document (`kbench.sweep/1`): every rate step of every driver, whether it held the rate
// under the latency objective and why not, each driver's highest rate held, and the results
// records the steps were judged from. The sweep's views are pure functions of it.
import type { LatencyPercentiles, PercentileKey, RunEnv, RunMethod, RunRecord, ScenarioId } from '../results/types.js';
import type { BacklogTrend } from '../runner/series.js';

export const SWEEP_SCHEMA = 'kbench.sweep/1';

/** One term of a latency objective, e.g. p99 < 20 ms. */
export interface SloTerm {
  percentile: PercentileKey;
  /** As written for people: "p99.9". */
  label: string;
  limitUs: number;
  /** Canonical text, e.g. "p99<20ms". */
  text: string;
}

/** A latency objective: every term must hold. Judged on the corrected latency (from each message's intended send time). */
export interface Slo {
  text: string;
  terms: SloTerm[];
  basis: 'corrected';
}

export type { BacklogTrend };

export interface SweepStep {
  /** The requested rate (msgs/s). */
  rate: number;
  driver: string;
  held: boolean;
  /** Why the rate was not held (empty when held). */
  whyNot: string[];
  /** Remarks that do not decide the verdict (a percentile from too few samples, a series too short to judge). */
  notes: string[];
  /** Median over the repetitions of the rate each achieved. */
  achievedRate?: number;
  /** Merged over the verified repetitions: corrected (from intended send time) and uncorrected. */
  latencyUs?: LatencyPercentiles;
  serviceTimeUs?: LatencyPercentiles;
  /** Every repetition verified. */
  verified: boolean;
  repetitions: number;
  backlog?: BacklogTrend[];
  /** Index of this step's record in SweepDocument.runs (absent when the arm did not run). */
  run?: number;
}

export interface MaxSustainable {
  /** The highest rate held (msgs/s); null when no rate tried was held. */
  rate: number | null;
  /** Rates below `rate` that were not held (the curve is not monotone: noise, or a stall). */
  lowerFailed: number[];
  /** Rates tried, ascending. */
  tried: number[];
  /** Why the driver's sweep stopped where it did. */
  stopped: string;
}

export interface SweepDocument {
  schema: typeof SWEEP_SCHEMA;
  env: RunEnv;
  /** The options as given (redacted), for reproduction. */
  options: Record<string, unknown>;
  drivers: string[];
  scenario: ScenarioId;
  messageSize: number;
  durationMs: number;
  repeat: number;
  /** doubling: from `start`, ×2 per step, per driver until it fails twice in a row or passes `max`; list: every rate for every driver. */
  rates: { mode: 'doubling'; start: number; max: number } | { mode: 'list'; list: number[] };
  slo: Slo;
  /** False when the scenario measures no per-message latency (producer-async): the objective is not judged. */
  sloJudged: boolean;
  /** The hold rule as applied (also in src/sweep/hold.ts). */
  rule: string[];
  /** The broker was warmed up once, before the first step; every later step ran with brokerWarmup.messages = 0. */
  brokerWarmup: { atRate: number | null; messages: number; maxRounds: number; report?: RunMethod['brokerWarmup']; later: string };
  steps: SweepStep[];
  maxSustainable: Record<string, MaxSustainable>;
  /** The results records of every step, in step order (RunRecord.settings.rate is the step's rate). */
  runs: RunRecord[];
  skipped: { driver: string; rate: number; reason: string }[];
  warnings: string[];
}
