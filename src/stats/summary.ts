// Summaries across repetitions. Throughput and CPU are summarised per repetition (median is the
// headline figure); latency is never averaged: histograms are merged (see latency.ts).
import type { Summary } from '../results/types.js';

/** Repetitions whose coefficient of variation is above this are flagged as noisy. */
export const SPREAD_LIMIT = 0.1;

export function summarize(values: readonly number[]): Summary {
  const xs = values.filter((v) => Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { median: NaN, mean: NaN, stddev: NaN, min: NaN, max: NaN, cv: NaN, spreadFlag: false, n: 0 };
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const mean = xs.reduce((s, v) => s + v, 0) / n;
  // Sample standard deviation (n − 1): repetitions are a sample of what this machine can do.
  const stddev = n > 1 ? Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  const cv = mean !== 0 ? stddev / Math.abs(mean) : 0;
  return { median, mean, stddev, min: sorted[0] as number, max: sorted[n - 1] as number, cv, spreadFlag: cv > SPREAD_LIMIT, n };
}

/** Ratio a / b, or NaN when either is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return NaN;
  return a / b;
}
