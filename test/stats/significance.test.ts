import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aaReport, binomial, compareSamples, mannWhitney, minimumP } from '../../src/stats/significance.js';
import type { Repetition, RunRecord } from '../../src/results/types.js';

const close = (a: number, b: number, eps = 1e-12): boolean => Math.abs(a - b) <= eps;

/** Brute force: every way of labelling nA of the pooled values "a"; U counts pairs a > b (ties ½). */
function bruteForce(a: readonly number[], b: readonly number[]): { u: number; p: number } {
  const pooled = [...a, ...b];
  const uOf = (xs: readonly number[], ys: readonly number[]): number => xs.reduce((s, x) => s + ys.reduce((t, y) => t + (x > y ? 1 : x === y ? 0.5 : 0), 0), 0);
  const u = uOf(a, b);
  const mean = (a.length * b.length) / 2;
  let total = 0;
  let extreme = 0;
  const n = pooled.length;
  for (let mask = 0; mask < 1 << n; mask++) {
    let bits = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) bits++;
    if (bits !== a.length) continue;
    const xs = pooled.filter((_, i) => mask & (1 << i));
    const ys = pooled.filter((_, i) => !(mask & (1 << i)));
    total++;
    if (Math.abs(uOf(xs, ys) - mean) >= Math.abs(u - mean) - 1e-9) extreme++;
  }
  return { u, p: extreme / total };
}

test('Mann–Whitney, hand-computed: complete separation at 3 + 3, 4 + 4, 5 + 5', () => {
  // 3 + 3: C(6,3) = 20 labellings; U = 0 and U = 9 are the two most extreme: p = 2/20.
  assert.deepEqual(mannWhitney([1, 2, 3], [4, 5, 6]), { u: 0, p: 0.1, exact: true, nA: 3, nB: 3 });
  assert.equal(mannWhitney([4, 5, 6], [1, 2, 3]).u, 9);
  assert.ok(close(mannWhitney([1, 2, 3, 4], [5, 6, 7, 8]).p, 2 / 70));
  // 5 + 5, U = 1 (6 > 5): P(U ≤ 1) = 2/252 (U = 0: 1 way, U = 1: 1 way), two-sided 4/252.
  const r = mannWhitney([1, 2, 3, 4, 6], [5, 7, 8, 9, 10]);
  assert.equal(r.u, 1);
  assert.ok(close(r.p, 4 / 252));
  // 5 + 5, U = 3: P(U ≤ 3) = (1 + 1 + 2 + 3)/252 = 7/252, two-sided 14/252 = 0.0556 > 0.05.
  const s = mannWhitney([1, 2, 3, 5, 7], [4, 6, 8, 9, 10]);
  assert.equal(s.u, 3);
  assert.ok(close(s.p, 14 / 252));
});

test('Mann–Whitney, hand-computed: 3 + 3 with U = 1, ties, all equal', () => {
  // U = 1 (4 > 3); the null distribution of U at 3 + 3 is 1,1,2,3,3,3,3,2,1,1 (U = 0..9): P(U ≤ 1) = 2/20.
  const r = mannWhitney([1, 2, 4], [3, 5, 6]);
  assert.equal(r.u, 1);
  assert.ok(close(r.p, 0.2));
  // Ties: midranks 1, 3, 3, 3, 5, 6; W_a = 7, U = 1; 6 of the 20 labellings are as far from E[W] = 10.5 (W ≤ 7 or W ≥ 14).
  const t = mannWhitney([1, 2, 2], [2, 3, 4]);
  assert.equal(t.u, 1);
  assert.ok(close(t.p, 0.3));
  assert.deepEqual(mannWhitney([5, 5], [5, 5, 5]), { u: 3, p: 1, exact: true, nA: 2, nB: 3 });
  const empty = mannWhitney([], [1, 2]);
  assert.ok(Number.isNaN(empty.p));
  assert.equal(mannWhitney([1, NaN, 2], [3, 4, 5]).nA, 2, 'non-finite values are left out');
});

test('the exact distribution matches brute-force enumeration, ties included', () => {
  const cases: [number[], number[]][] = [
    [[1, 2, 3], [4, 5, 6, 7]],
    [[10, 12, 11, 15, 9], [13, 14, 8, 16]],
    [[1, 1, 2, 3], [1, 2, 2, 4, 5]],
    [[7, 7, 7], [7, 8, 6]],
    [[0.5], [0.1, 0.9, 0.3]],
    [[3, 1, 4, 1, 5], [9, 2, 6, 5, 3]],
  ];
  for (const [a, b] of cases) {
    const r = mannWhitney(a, b);
    const bf = bruteForce(a, b);
    assert.equal(r.u, bf.u, JSON.stringify([a, b]));
    assert.ok(close(r.p, bf.p, 1e-12), `${JSON.stringify([a, b])}: ${r.p} vs ${bf.p}`);
  }
});

test('above 20 per side: the normal approximation (tie-corrected), close to the exact distribution', () => {
  const a = Array.from({ length: 21 }, (_, i) => i * 2);
  const b = Array.from({ length: 21 }, (_, i) => i * 2 + 7);
  const approx = mannWhitney(a, b, { exact: false });
  const exact = mannWhitney(a, b);
  assert.equal(exact.exact, false, '21 per side is above the exact limit');
  assert.equal(mannWhitney(a, b, { exact: true }).exact, true);
  const forced = mannWhitney(a, b, { exact: true });
  assert.ok(Math.abs(approx.p - forced.p) < 0.01, `${approx.p} vs ${forced.p}`);
  // Complete separation at 25 + 25: z = (312.5 − 0.5)/√(25·25·51/12) = 6.0536, p ≈ 1.42e-9.
  const sep = mannWhitney(Array.from({ length: 25 }, (_, i) => i), Array.from({ length: 25 }, (_, i) => 100 + i));
  assert.ok(sep.p > 1.3e-9 && sep.p < 1.55e-9, String(sep.p));
  // All tied: no variance, p = 1.
  assert.equal(mannWhitney(new Array(30).fill(1), new Array(30).fill(1)).p, 1);
});

test('minimumP: the smallest p the exact test can reach, 2 / C(nA + nB, nA)', () => {
  assert.equal(binomial(6, 3), 20);
  assert.equal(binomial(42, 21), 538_257_874_440);
  assert.equal(minimumP(3, 3), 0.1);
  assert.ok(close(minimumP(4, 4), 2 / 70));
  assert.ok(close(minimumP(2, 2), 1 / 3));
  assert.ok(close(minimumP(3, 4), 2 / 35)); // 0.057: still cannot reach 0.05
  assert.ok(close(minimumP(3, 5), 2 / 56));
  assert.ok(close(minimumP(2, 7), 2 / 36)); // 0.056
  assert.ok(close(minimumP(2, 8), 2 / 45)); // 0.044
  assert.equal(minimumP(1, 1), 1);
  assert.equal(minimumP(0, 5), 1);
  // It is what a complete separation gives.
  assert.ok(close(mannWhitney([1, 2, 3], [4, 5, 6, 7, 8]).p, minimumP(3, 5)));
});

test('compareSamples: significant, not significant, too few to test, untested', () => {
  assert.equal(compareSamples([1, 2, 3], [4, 5, 6]).verdict, 'too-few');
  assert.equal(compareSamples([1, 2, 3, 4], [5, 6, 7, 8]).verdict, 'significant');
  assert.equal(compareSamples([1, 3, 5, 7], [2, 4, 6, 8]).verdict, 'not-significant');
  assert.equal(compareSamples([], [1]).verdict, 'untested');
  assert.equal(compareSamples([1, 2, 3, 4], [5, 6, 7, 8], 0.01).verdict, 'too-few');
});

function rep(i: number, msgsPerSec: number, aaGroup: 'A' | 'B', extra: Partial<Repetition> = {}): Repetition {
  return {
    repetition: i, ok: true, messages: 1000, bytes: 100_000, elapsedNs: 1e9, msgsPerSec, mbPerSec: msgsPerSec / 1e4, cpuUsPerMsg: 1, cpuSource: 'interval', rssPeakBytes: 1,
    verification: { verified: true, checks: [], failures: [] }, aaGroup, ...extra,
  };
}

function record(driver: string, reps: Repetition[]): RunRecord {
  const s = { median: 0, mean: 0, stddev: 0, min: 0, max: 0, cv: 0, spreadFlag: false, n: reps.length };
  return {
    driver, scenario: 'producer-async', messageSize: 100, messages: 1000, warmup: 0, partitions: 1, replication: 1, workers: 1,
    settings: { acks: 'all', compression: 'none', lingerMs: 5, batchSize: 1, sendBatch: 1, idempotence: false, rate: 0 }, config: {}, verified: true, repetitions: reps,
    summary: { msgsPerSec: s, mbPerSec: s, cpuUsPerMsg: s, rssPeakBytes: s },
  };
}

test('aaReport: A vs B per arm on ok, non-short msgs/s; flagged counts p < α', () => {
  const shifted = record('x', [10, 11, 12, 13].map((v, i) => rep(i + 1, v, 'A')).concat([20, 21, 22, 23].map((v, i) => rep(i + 5, v, 'B'))));
  const mixed = record('y', [10, 12, 14, 16].map((v, i) => rep(i + 1, v, 'A')).concat([11, 13, 15, 17].map((v, i) => rep(i + 5, v, 'B'))));
  const noisy = record('z', [
    rep(1, 10, 'A'), rep(2, 11, 'A'), rep(3, 12, 'A'), rep(4, 13, 'A'), rep(9, 1, 'A', { ok: false }), rep(10, 0.5, 'A', { elapsedNs: 2e6 }),
    rep(5, 20, 'B'), rep(6, 21, 'B'), rep(7, 22, 'B'), rep(8, 23, 'B'),
  ]);
  const plain = record('w', [{ ...rep(1, 5, 'A'), aaGroup: undefined }]);
  const r = aaReport([shifted, mixed, noisy, plain]);
  assert.equal(r.alpha, 0.05);
  assert.match(r.test, /Mann–Whitney/);
  assert.equal(r.total, 3, 'records without aaGroup are not part of the check');
  assert.equal(r.flagged, 2);
  const [x, y, z] = r.arms;
  assert.ok(x && y && z);
  assert.ok(close(x.p, 2 / 70));
  assert.equal(x.significant, true);
  assert.ok(close(x.ratio, 21.5 / 11.5));
  assert.equal(y.significant, false);
  assert.deepEqual(z.a, [10, 11, 12, 13], 'failed and short-window repetitions are left out');
  assert.equal(z.metric, 'msgsPerSec');
  assert.equal(aaReport([shifted], 0.01).flagged, 0);
});
