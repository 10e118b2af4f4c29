import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binomCdfHalf, isShortWindow, medianCiCoverage, medianCiIndex, ratio, summarize, usableValues } from '../../src/stats/summary.js';
import { decodeHistogram, encodeHistogram, mergeHistograms, newHistogram, percentiles, recordBuckets } from '../../src/stats/latency.js';

test('summary of repetitions: median, mean, sample stddev, min, max, cv', () => {
  const s = summarize([10, 12, 11, 13, 14]);
  assert.equal(s.median, 12);
  assert.equal(s.mean, 12);
  assert.equal(s.min, 10);
  assert.equal(s.max, 14);
  assert.ok(Math.abs(s.stddev - Math.sqrt(2.5)) < 1e-12);
  assert.ok(Math.abs(s.cv - Math.sqrt(2.5) / 12) < 1e-12);
  assert.equal(s.spreadFlag, true); // cv ≈ 13 %
  assert.equal(summarize([100, 101, 99]).spreadFlag, false);
  assert.equal(summarize([1, 3]).median, 2);
});

test('failed repetitions (NaN) are left out; none at all gives NaN and n = 0', () => {
  assert.equal(summarize([5, NaN, 7]).n, 2);
  const empty = summarize([]);
  assert.equal(empty.n, 0);
  assert.ok(Number.isNaN(empty.median));
});

test('ratio is NaN for a missing or zero divisor', () => {
  assert.equal(ratio(6, 3), 2);
  assert.ok(Number.isNaN(ratio(6, 0)));
  assert.ok(Number.isNaN(ratio(undefined, 3)));
});

test('latency histograms merge across repetitions instead of averaging percentiles', () => {
  const a = newHistogram();
  const b = newHistogram();
  for (let i = 0; i < 990; i++) a.recordValue(100);
  for (let i = 0; i < 10; i++) b.recordValue(10_000);
  const merged = mergeHistograms([encodeHistogram(a), undefined, encodeHistogram(b)]);
  assert.ok(merged);
  const p = percentiles(merged);
  assert.equal(p.count, 1000);
  assert.ok(Math.abs(p.p50 - 100) <= 1);
  assert.ok(p.p999 >= 9_990, `p99.9 ${p.p999}`);
  assert.equal(decodeHistogram(encodeHistogram(a)).totalCount, 990);
});

test('native (value, count) buckets are recorded with their counts', () => {
  const h = newHistogram();
  recordBuckets(h, [10, 20, 0], [3, 0, 2]);
  assert.equal(h.totalCount, 5);
  assert.equal(h.minNonZeroValue, 1);
});

test('median CI: order-statistic index j for n = 5..20 (narrowest pair with coverage ≥ 95 %)', () => {
  // Conover's table: (x(j), x(n−j+1)).
  const expected: Record<number, number> = { 5: 1, 6: 1, 7: 1, 8: 1, 9: 2, 10: 2, 11: 2, 12: 3, 13: 3, 14: 3, 15: 4, 16: 4, 17: 5, 18: 5, 19: 5, 20: 6 };
  for (const [n, j] of Object.entries(expected)) assert.equal(medianCiIndex(Number(n)), j, `n=${n}`);
  // Hand-computed coverages: n = 9, j = 2: 1 − 2·(1 + 9)/512; n = 20, j = 6: 1 − 2·21700/2^20.
  assert.ok(Math.abs(medianCiCoverage(9, 2) - (1 - 20 / 512)) < 1e-12);
  assert.ok(Math.abs(medianCiCoverage(20, 6) - (1 - 43400 / 1048576)) < 1e-12);
  assert.ok(medianCiCoverage(20, 7) < 0.95);
  assert.equal(binomCdfHalf(0, 3), 0.125);
  assert.equal(binomCdfHalf(3, 3), 1);
});

test('median CI: below n = 6 it is [min, max] with its real coverage; n = 1 has none', () => {
  const coverage: Record<number, number> = { 2: 0.5, 3: 0.75, 4: 0.875, 5: 0.9375, 6: 0.96875 };
  for (const [n, c] of Object.entries(coverage)) {
    const xs = Array.from({ length: Number(n) }, (_, i) => 10 * (Number(n) - i));
    assert.deepEqual(summarize(xs).ci, { low: 10, high: 10 * Number(n), confidence: c }, `n=${n}`);
  }
  assert.equal(summarize([5]).ci, undefined);
  assert.equal(summarize([]).ci, undefined);
  // n = 9: (x(2), x(8)).
  assert.deepEqual(summarize([9, 1, 8, 2, 7, 3, 6, 4, 5]).ci, { low: 2, high: 8, confidence: 1 - 20 / 512 });
  // n = 12: (x(3), x(10)), coverage 1 − 2·79/4096.
  const twelve = summarize(Array.from({ length: 12 }, (_, i) => i + 1));
  assert.deepEqual([twelve.ci?.low, twelve.ci?.high], [3, 10]);
  assert.ok(Math.abs((twelve.ci?.confidence ?? 0) - (1 - 158 / 4096)) < 1e-12);
});

test('short windows: flagged by the runner, or inferred from elapsedNs for older documents; left out of usable values', () => {
  const base = { repetition: 1, ok: true, messages: 100, bytes: 1, msgsPerSec: 5, mbPerSec: 1, cpuUsPerMsg: 2, cpuSource: 'interval' as const, rssPeakBytes: 1, verification: { verified: true, checks: [], failures: [] } };
  assert.equal(isShortWindow({ ...base, elapsedNs: 5e6 }), true);
  assert.equal(isShortWindow({ ...base, elapsedNs: 5e7 }), false);
  assert.equal(isShortWindow({ ...base, elapsedNs: 5e7, shortWindow: true }), true);
  assert.equal(isShortWindow({ ...base, elapsedNs: 5e6, shortWindow: false }), false);
  assert.deepEqual(usableValues([{ ...base, elapsedNs: 5e6 }, { ...base, elapsedNs: 5e7, msgsPerSec: 7 }, { ...base, ok: false, elapsedNs: 5e7 }], 'msgsPerSec'), [7]);
});
