// Percentiles and what a sample count supports; the HdrHistogram log export.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeHistogram, hdrLog, minSamplesFor, newHistogram, percentiles, supportedPercentiles } from '../../src/stats/latency.js';

test('a percentile needs 10 samples beyond it: p99 1,000, p99.9 10,000, p99.99 100,000', () => {
  assert.equal(minSamplesFor('p99'), 1000);
  assert.equal(minSamplesFor('p999'), 10_000);
  assert.equal(minSamplesFor('p9999'), 100_000);
  assert.deepEqual(supportedPercentiles(2000), ['p50', 'p90', 'p95', 'p99']);
  assert.deepEqual(supportedPercentiles(9_999), ['p50', 'p90', 'p95', 'p99']);
  assert.deepEqual(supportedPercentiles(100_000), ['p50', 'p90', 'p95', 'p99', 'p999', 'p9999']);
});

test('percentiles p50 … p99.99 and max, with the sample count and what it supports', () => {
  const h = newHistogram();
  for (let v = 1; v <= 20_000; v++) h.recordValue(v);
  const p = percentiles(h);
  assert.equal(p.count, 20_000);
  assert.ok(Math.abs(p.p50 - 10_000) <= 10 && Math.abs((p.p90 as number) - 18_000) <= 20);
  assert.ok((p.p9999 as number) >= p.p999 && p.max >= (p.p9999 as number));
  assert.deepEqual(p.supported, ['p50', 'p90', 'p95', 'p99', 'p999']);
});

test('the HDR log: format version, start time, legend, one tagged interval per histogram', () => {
  const h = newHistogram();
  h.recordValue(1234);
  const log = hdrLog([{ tag: 'addon/e2e-latency/100B/r1/corrected', startMs: 1_700_000_000_000, endMs: 1_700_000_002_000, histogram: encodeHistogram(h) }], 'a test');
  assert.match(log, /^#a test\n/);
  assert.match(log, /#\[Histogram log format version 1\.\d+\]/);
  assert.match(log, /#\[StartTime: 1700000000/);
  assert.match(log, /"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"/);
  assert.match(log, /\nTag=addon\/e2e-latency\/100B\/r1\/corrected,0\.000,2\.000,1\.234,\S+\n/);
});
