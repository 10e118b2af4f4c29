// Summaries across repetitions. Throughput and CPU are summarised per repetition (median is the
// headline figure, with a distribution-free confidence interval); latency is never averaged:
// histograms are merged (see latency.ts).
import type { ConfidenceInterval, Repetition, Summary } from '../results/types.js';

/** Repetitions whose coefficient of variation is above this are flagged as noisy. */
export const SPREAD_LIMIT = 0.1;
/** The coverage the median's confidence interval aims for. */
export const CI_LEVEL = 0.95;
/** A measured window shorter than this (ns) gives a rate that means nothing. */
export const SHORT_WINDOW_NS = 10_000_000;

/** P(X ≤ k) for X ~ Binomial(n, ½): exact for n ≤ 50 (integer coefficients × 2^−n), log-space terms above. */
export function binomCdfHalf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (n <= 50) {
    // C(n, i) stays an exact integer below 2^53 for n ≤ 50, and 2^−n is exact.
    let c = 1;
    let sum = 1;
    for (let i = 1; i <= k; i++) {
      c = (c * (n - i + 1)) / i;
      sum += c;
    }
    return sum * 2 ** -n;
  }
  let logPmf = -n * Math.LN2; // P(X = 0)
  let sum = Math.exp(logPmf);
  for (let i = 1; i <= k; i++) {
    logPmf += Math.log((n - i + 1) / i);
    sum += Math.exp(logPmf);
  }
  return Math.min(1, sum);
}

/** Coverage of the order-statistic interval (x(j), x(n−j+1)) for the median: 1 − 2·BinomCDF(j−1; n, ½). */
export function medianCiCoverage(n: number, j: number): number {
  return 1 - 2 * binomCdfHalf(j - 1, n);
}

/**
 * The 1-based index j of the narrowest symmetric pair (x(j), x(n−j+1)) whose coverage reaches
 * `level`; 1 (the [min, max] range, whatever its coverage) when no pair does (n ≤ 5 at 95 %).
 * Undefined for n < 2.
 */
export function medianCiIndex(n: number, level = CI_LEVEL): number | undefined {
  if (n < 2) return undefined;
  let j = 1;
  while (j + 1 <= Math.floor((n + 1) / 2) && medianCiCoverage(n, j + 1) >= level) j++;
  return j;
}

/** Confidence interval of the median of `sorted` (ascending, finite): see Summary.ci. */
export function medianCi(sorted: readonly number[], level = CI_LEVEL): ConfidenceInterval | undefined {
  const n = sorted.length;
  const j = medianCiIndex(n, level);
  if (j === undefined) return undefined;
  return { low: sorted[j - 1] as number, high: sorted[n - j] as number, confidence: medianCiCoverage(n, j) };
}

/** The median of finite values (NaN for none). */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function summarize(values: readonly number[]): Summary {
  const xs = values.filter((v) => Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { median: NaN, mean: NaN, stddev: NaN, min: NaN, max: NaN, cv: NaN, spreadFlag: false, n: 0 };
  const sorted = [...xs].sort((a, b) => a - b);
  const mean = xs.reduce((s, v) => s + v, 0) / n;
  // Sample standard deviation (n − 1): repetitions are a sample of what this machine can do.
  const stddev = n > 1 ? Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  const cv = mean !== 0 ? stddev / Math.abs(mean) : 0;
  const ci = medianCi(sorted);
  return { median: median(sorted), mean, stddev, min: sorted[0] as number, max: sorted[n - 1] as number, cv, spreadFlag: cv > SPREAD_LIMIT, n, ...(ci ? { ci } : {}) };
}

/** Ratio a / b, or NaN when either is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return NaN;
  return a / b;
}

/**
 * A repetition whose measured window lasted under 10 ms: its rate means nothing. `shortWindow` when
 * the runner set it; for documents written before that field, an ok repetition with messages and an
 * elapsedNs under SHORT_WINDOW_NS.
 */
export function isShortWindow(rep: Repetition): boolean {
  if (rep.shortWindow !== undefined) return rep.shortWindow;
  return rep.ok && rep.messages > 0 && Number.isFinite(rep.elapsedNs) && rep.elapsedNs < SHORT_WINDOW_NS;
}

export type RepetitionMetric = 'msgsPerSec' | 'mbPerSec' | 'cpuUsPerMsg' | 'rssPeakBytes';

/** The figures of `metric` that ratios and significance tests use: ok repetitions with a meaningful window. */
export function usableValues(reps: readonly Repetition[], metric: RepetitionMetric): number[] {
  return reps.filter((r) => r.ok && !isShortWindow(r)).map((r) => r[metric]).filter((v) => Number.isFinite(v));
}
