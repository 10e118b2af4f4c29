// Whether two sets of repetitions differ: the two-sided Mann–Whitney U test (Wilcoxon rank-sum),
// distribution-free, exact for small samples. Benchmarks repeat 2–10 times; at such n a normal
// approximation, a t-test or "the min–max ranges do not overlap" all call noise a change. The exact
// test also says when it cannot tell: at 3 + 3 repetitions even a complete separation has p = 0.10.
import { median, ratio, usableValues } from './summary.js';
import type { AaArm, AaReport, RunRecord } from '../results/types.js';

/** Default significance level. */
export const ALPHA = 0.05;
/** Up to this many values per side the exact permutation distribution is used; above it, the normal approximation. */
export const EXACT_LIMIT = 20;

export interface MannWhitneyResult {
  /** U of the first sample: pairs (a, b) with a > b, ties counting ½. */
  u: number;
  /** Two-sided p: P(|U − E[U]| ≥ |u − E[U]|) under the null (identical distributions). */
  p: number;
  /** True: the exact permutation distribution of U (ties included); false: the normal approximation with tie and continuity correction. */
  exact: boolean;
  nA: number;
  nB: number;
}

/** C(n, k) as a double (exact up to 2^53). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  const kk = Math.min(k, n - k);
  let c = 1;
  for (let i = 1; i <= kk; i++) c = (c * (n - kk + i)) / i;
  return Math.round(c);
}

/**
 * The smallest p the exact two-sided test can give for these sample sizes (no ties): 2 / C(nA+nB, nA).
 * When it is above α, the test cannot find a difference however large: "n too small to test", not "no change".
 */
export function minimumP(nA: number, nB: number): number {
  if (nA < 1 || nB < 1) return 1;
  return Math.min(1, 2 / binomial(nA + nB, nA));
}

/** Complementary error function (W. J. Cody's rational Chebyshev fit, Numerical Recipes erfcc: |relative error| < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** Midranks (1-based) of `all`, doubled so they are integers, plus the tie-group sizes. */
function doubledMidranks(all: readonly number[]): { ranks2: number[]; ties: number[] } {
  const order = all.map((v, i) => ({ v, i })).sort((x, y) => x.v - y.v);
  const ranks2 = new Array<number>(all.length);
  const ties: number[] = [];
  for (let s = 0; s < order.length; ) {
    let e = s;
    while (e + 1 < order.length && (order[e + 1] as { v: number }).v === (order[s] as { v: number }).v) e++;
    // Positions s..e (0-based) share the midrank ((s+1) + (e+1)) / 2; doubled: s + e + 2.
    for (let k = s; k <= e; k++) ranks2[(order[k] as { i: number }).i] = s + e + 2;
    ties.push(e - s + 1);
    s = e + 1;
  }
  return { ranks2, ties };
}

/**
 * Exact distribution of the (doubled) rank sum of a random nA-subset of `ranks2`: counts[s] = number
 * of subsets whose doubled rank sum is s. Dynamic programming over the items, O(N · nA · Σ).
 */
function rankSumCounts(ranks2: readonly number[], nA: number): Float64Array {
  const maxSum = [...ranks2].sort((a, b) => b - a).slice(0, nA).reduce((s, v) => s + v, 0);
  // ways[k][s]: subsets of size k with doubled sum s among the items seen so far.
  const ways: Float64Array[] = Array.from({ length: nA + 1 }, () => new Float64Array(maxSum + 1));
  (ways[0] as Float64Array)[0] = 1;
  let seen = 0;
  for (const r of ranks2) {
    seen++;
    for (let k = Math.min(nA, seen); k >= 1; k--) {
      const to = ways[k] as Float64Array;
      const from = ways[k - 1] as Float64Array;
      for (let s = maxSum; s >= r; s--) {
        const f = from[s - r] as number;
        if (f !== 0) to[s] = (to[s] as number) + f;
      }
    }
  }
  return ways[nA] as Float64Array;
}

/**
 * Two-sided Mann–Whitney U test of `a` against `b` (non-finite values are left out). Exact
 * permutation distribution of U (with the midranks of ties) up to EXACT_LIMIT values per side, else
 * the normal approximation with tie and continuity correction. p is NaN when a side is empty.
 */
export function mannWhitney(a: readonly number[], b: readonly number[], opts: { exact?: boolean } = {}): MannWhitneyResult {
  const xa = a.filter((v) => Number.isFinite(v));
  const xb = b.filter((v) => Number.isFinite(v));
  const nA = xa.length;
  const nB = xb.length;
  if (nA === 0 || nB === 0) return { u: NaN, p: NaN, exact: true, nA, nB };
  const n = nA + nB;
  const { ranks2, ties } = doubledMidranks([...xa, ...xb]);
  const w2 = ranks2.slice(0, nA).reduce((s, v) => s + v, 0);
  const u = w2 / 2 - (nA * (nA + 1)) / 2;
  const exact = opts.exact ?? (nA <= EXACT_LIMIT && nB <= EXACT_LIMIT);
  if (exact) {
    const counts = rankSumCounts(ranks2, nA);
    const mean2 = nA * (n + 1); // E[doubled rank sum]
    const dev = Math.abs(w2 - mean2);
    let total = 0;
    let extreme = 0;
    for (let s = 0; s < counts.length; s++) {
      const c = counts[s] as number;
      if (c === 0) continue;
      total += c;
      // Doubled sums are integers, so "at least as far from the mean" needs no tolerance.
      if (Math.abs(s - mean2) >= dev) extreme += c;
    }
    return { u, p: Math.min(1, extreme / total), exact: true, nA, nB };
  }
  const tieSum = ties.reduce((s, t) => s + (t * t * t - t), 0);
  const variance = ((nA * nB) / 12) * (n + 1 - tieSum / (n * (n - 1)));
  if (!(variance > 0)) return { u, p: 1, exact: false, nA, nB };
  const z = Math.max(0, Math.abs(u - (nA * nB) / 2) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, erfc(z / Math.SQRT2)), exact: false, nA, nB };
}

/**
 * What a comparison of two samples can say at level α. `significant`: p < α; `not-significant`:
 * p ≥ α with enough values that p < α was possible; `too-few`: minimumP > α, so no difference could
 * have been found ("n too small to test"); `untested`: a side has no value.
 */
export type SignificanceVerdict = 'significant' | 'not-significant' | 'too-few' | 'untested';

export interface SampleComparison {
  verdict: SignificanceVerdict;
  /** NaN when untested. */
  p: number;
  minP: number;
  nA: number;
  nB: number;
  exact: boolean;
  /** U of `a` (NaN when untested): below nA·nB/2, `a` tends to be the smaller. */
  u: number;
}

export function compareSamples(a: readonly number[], b: readonly number[], alpha = ALPHA): SampleComparison {
  const r = mannWhitney(a, b);
  const minP = minimumP(r.nA, r.nB);
  const base = { p: r.p, minP, nA: r.nA, nB: r.nB, exact: r.exact, u: r.u };
  if (r.nA === 0 || r.nB === 0) return { ...base, verdict: 'untested' };
  if (minP > alpha) return { ...base, verdict: 'too-few' };
  return { ...base, verdict: r.p < alpha ? 'significant' : 'not-significant' };
}

export const AA_TEST = 'Mann–Whitney U, two-sided (exact up to 20 per group)';

/**
 * The A/A check: for every record whose repetitions carry aaGroup, msgs/s of its ok, non-short
 * repetitions of group A against those of group B. Both groups ran the same arm, so a significant
 * difference is noise the method did not control (order, warm-up, a neighbour): at α = 0.05 about
 * 1 arm in 20 is flagged by chance alone; many more means the run's comparisons cannot be trusted.
 */
export function aaReport(records: readonly RunRecord[], alpha = ALPHA): AaReport {
  const arms: AaArm[] = [];
  for (const run of records) {
    if (!run.repetitions.some((r) => r.aaGroup !== undefined)) continue;
    const a = usableValues(run.repetitions.filter((r) => r.aaGroup === 'A'), 'msgsPerSec');
    const b = usableValues(run.repetitions.filter((r) => r.aaGroup === 'B'), 'msgsPerSec');
    const { p } = mannWhitney(a, b);
    arms.push({ driver: run.driver, scenario: run.scenario, messageSize: run.messageSize, metric: 'msgsPerSec', a, b, p, significant: Number.isFinite(p) && p < alpha, ratio: ratio(median(b), median(a)) });
  }
  return { alpha, test: AA_TEST, arms, flagged: arms.filter((x) => x.significant).length, total: arms.length };
}
