import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ratio, summarize } from '../../src/stats/summary.js';
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
