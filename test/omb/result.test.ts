// --omb-json: kbench results in OpenMessaging Benchmark's TestResult shape, from a synthetic results
// document (test/fixtures/results.ts) given series and histograms.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { OMB_EMPTY_ARRAYS, ombFileNames, quantiles, toOmbResults, writeOmbFiles, type OmbTestResult } from '../../src/omb/result.js';
import { encodeHistogram, newHistogram } from '../../src/stats/latency.js';
import type { ResultsDocument, RunRecord } from '../../src/results/types.js';
import { sampleResults } from '../fixtures/results.js';

/** TestResult.java's fields, in its order (benchmark-framework/…/TestResult.java). */
const TEST_RESULT_FIELDS = [
  'workload', 'driver', 'messageSize', 'topics', 'partitions', 'producersPerTopic', 'consumersPerTopic',
  'publishRate', 'publishErrorRate', 'consumeRate', 'backlog',
  'publishLatencyAvg', 'publishLatency50pct', 'publishLatency75pct', 'publishLatency95pct', 'publishLatency99pct', 'publishLatency999pct', 'publishLatency9999pct', 'publishLatencyMax',
  'publishDelayLatencyAvg', 'publishDelayLatency50pct', 'publishDelayLatency75pct', 'publishDelayLatency95pct', 'publishDelayLatency99pct', 'publishDelayLatency999pct', 'publishDelayLatency9999pct', 'publishDelayLatencyMax',
  'aggregatedPublishLatencyAvg', 'aggregatedPublishLatency50pct', 'aggregatedPublishLatency75pct', 'aggregatedPublishLatency95pct', 'aggregatedPublishLatency99pct', 'aggregatedPublishLatency999pct', 'aggregatedPublishLatency9999pct', 'aggregatedPublishLatencyMax',
  'aggregatedPublishDelayLatencyAvg', 'aggregatedPublishDelayLatency50pct', 'aggregatedPublishDelayLatency75pct', 'aggregatedPublishDelayLatency95pct', 'aggregatedPublishDelayLatency99pct', 'aggregatedPublishDelayLatency999pct', 'aggregatedPublishDelayLatency9999pct', 'aggregatedPublishDelayLatencyMax',
  'aggregatedPublishLatencyQuantiles', 'aggregatedPublishDelayLatencyQuantiles',
  'endToEndLatencyAvg', 'endToEndLatency50pct', 'endToEndLatency75pct', 'endToEndLatency95pct', 'endToEndLatency99pct', 'endToEndLatency999pct', 'endToEndLatency9999pct', 'endToEndLatencyMax',
  'aggregatedEndToEndLatencyQuantiles',
  'aggregatedEndToEndLatencyAvg', 'aggregatedEndToEndLatency50pct', 'aggregatedEndToEndLatency75pct', 'aggregatedEndToEndLatency95pct', 'aggregatedEndToEndLatency99pct', 'aggregatedEndToEndLatency999pct', 'aggregatedEndToEndLatency9999pct', 'aggregatedEndToEndLatencyMax',
];

/** Latencies 1..n ms (µs in the histogram): p50 = n/2 ms, max = n ms. */
function histogramOf(n: number): string {
  const h = newHistogram();
  for (let i = 1; i <= n; i++) h.recordValue(i * 1000);
  return encodeHistogram(h);
}

function find(doc: ResultsDocument, driver: string, scenario: RunRecord['scenario'], size: number): RunRecord {
  const r = doc.runs.find((x) => x.driver === driver && x.scenario === scenario && x.messageSize === size);
  assert.ok(r, `${driver} ${scenario} ${size}`);
  return r;
}

/** The sample, with timed-arm series and histograms on a few arms. */
function timedSample(): ResultsDocument {
  const doc = sampleResults({ repetitions: 2 });
  const e2e = find(doc, 'addon', 'e2e-latency', 1024);
  for (const rep of e2e.repetitions) {
    // 25 one-second intervals at 10,000 msgs/s: OMB periods of 10, 10 and 5 s.
    rep.series = { intervalMs: 1000, done: Array(25).fill(10_000), acked: Array(25).fill(9_000), failed: Array(25).fill(0), consumed: Array(25).fill(8_000), backlog: Array.from({ length: 25 }, (_, i) => i * 100) };
    rep.latencyHistogram = histogramOf(1000);
    rep.serviceHistogram = histogramOf(10);
  }
  const cons = find(doc, 'addon', 'consumer', 1024);
  for (const rep of cons.repetitions) rep.series = { intervalMs: 500, done: Array(40).fill(cons.messages / 40) };
  const prod = find(doc, 'addon', 'producer-async', 100);
  for (const rep of prod.repetitions) {
    rep.series = { intervalMs: 1000, done: Array(10).fill(50_000) };
    rep.latencyHistogram = histogramOf(200);
  }
  // The failed arm's repetitions carry a series too: only the ok ones may count.
  const failed = find(doc, 'node-rdkafka', 'producer-async', 1024);
  for (const rep of failed.repetitions) rep.series = { intervalMs: 1000, done: Array(10).fill(rep.ok ? 1 : 999_999) };
  return doc;
}

test('one TestResult per run record, with exactly the fields of OMB\'s TestResult', () => {
  const doc = timedSample();
  const entries = toOmbResults(doc, { workload: 'w' });
  assert.equal(entries.length, doc.runs.length);
  for (const e of entries) assert.deepEqual(Object.keys(e.result), TEST_RESULT_FIELDS, `${e.driver} ${e.scenario}`);
  for (const e of entries) for (const k of OMB_EMPTY_ARRAYS) assert.deepEqual(e.result[k as keyof OmbTestResult], [], `${k} is left empty`);
});

test('e2e-latency: rates in 10 s periods, backlog at each period\'s end, corrected end-to-end latency in ms, no publish latency', () => {
  const doc = timedSample();
  const e2e = find(doc, 'addon', 'e2e-latency', 1024);
  const r = toOmbResults(doc, { workload: '1 topic / 16 partitions' }).find((x) => x.driver === 'addon' && x.scenario === 'e2e-latency')?.result as OmbTestResult;
  assert.equal(r.workload, '1 topic / 16 partitions');
  assert.equal(r.driver, 'addon');
  assert.equal(r.messageSize, 1024);
  assert.equal(r.topics, 1);
  assert.equal(r.partitions, e2e.partitions);
  assert.equal(r.producersPerTopic, e2e.workers);
  assert.equal(r.consumersPerTopic, e2e.workers);
  // Two repetitions, each 10 s + 10 s + 5 s: acknowledged msgs/s (as OMB counts a publish).
  assert.deepEqual(r.publishRate, [9000, 9000, 9000, 9000, 9000, 9000]);
  assert.deepEqual(r.consumeRate, [8000, 8000, 8000, 8000, 8000, 8000]);
  assert.deepEqual(r.publishErrorRate, [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(r.backlog, [900, 1900, 2400, 900, 1900, 2400]);
  // The corrected histogram (1..1000 ms), not the service time (1..10 ms).
  assert.ok(Math.abs((r.aggregatedEndToEndLatency50pct as number) - 500) <= 1, String(r.aggregatedEndToEndLatency50pct));
  assert.ok(Math.abs((r.aggregatedEndToEndLatency99pct as number) - 990) <= 1);
  assert.ok(Math.abs((r.aggregatedEndToEndLatencyAvg as number) - 500.5) <= 1);
  assert.ok(Math.abs((r.aggregatedEndToEndLatencyMax as number) - 1000) <= 1);
  const q = r.aggregatedEndToEndLatencyQuantiles;
  assert.ok('50.0' in q && '75.0' in q && '87.5' in q && '100.0' in q, Object.keys(q).join(' '));
  assert.ok(Object.keys(q).every((k) => Number.isFinite(Number(k))), 'keys are numbers, as create_charts.py float()s them');
  assert.equal(q['100.0'], r.aggregatedEndToEndLatencyMax);
  assert.equal(r.aggregatedPublishLatency50pct, null);
  assert.deepEqual(r.aggregatedPublishLatencyQuantiles, {});
  assert.equal(r.aggregatedPublishDelayLatency99pct, null);
});

test('producer and consumer arms: publish latency from the producer, drain rate and remaining backlog from the consumer; failed repetitions left out', () => {
  const doc = timedSample();
  const all = toOmbResults(doc, { workload: 'w' });
  const prod = all.find((x) => x.driver === 'addon' && x.scenario === 'producer-async' && x.messageSize === 100)?.result as OmbTestResult;
  assert.equal(prod.workload, 'w · producer-async');
  assert.deepEqual(prod.publishRate, [50_000, 50_000]);
  assert.deepEqual(prod.consumeRate, []);
  assert.deepEqual(prod.backlog, []);
  assert.equal(prod.consumersPerTopic, 0);
  assert.ok(Math.abs((prod.aggregatedPublishLatency50pct as number) - 100) <= 1);
  assert.equal(prod.aggregatedEndToEndLatency50pct, null);
  const cons = all.find((x) => x.driver === 'addon' && x.scenario === 'consumer')?.result as OmbTestResult;
  const run = find(doc, 'addon', 'consumer', 1024);
  assert.equal(cons.workload, 'w · consumer');
  assert.equal(cons.producersPerTopic, 0);
  assert.deepEqual(cons.publishRate, []);
  const perPeriod = (run.messages / 40) * 20;
  assert.deepEqual(cons.consumeRate, [perPeriod / 10, perPeriod / 10, perPeriod / 10, perPeriod / 10]);
  assert.deepEqual(cons.backlog, [run.messages / 2, 0, run.messages / 2, 0]);
  const failed = find(doc, 'node-rdkafka', 'producer-async', 1024);
  const f = all.find((x) => x.driver === 'node-rdkafka' && x.scenario === 'producer-async' && x.messageSize === 1024)?.result as OmbTestResult;
  assert.equal(f.publishRate.length, failed.repetitions.filter((x) => x.ok).length);
  assert.ok(f.publishRate.every((v) => v === 1));
  // Nothing without a series or histogram is made up.
  const plain = all.find((x) => x.driver === 'kafkajs' && x.scenario === 'consumer')?.result as OmbTestResult;
  assert.deepEqual(plain.consumeRate, []);
  assert.equal(plain.aggregatedEndToEndLatencyAvg, null);
});

test('quantiles: the halving ticks up to what the count resolves, then 100 %', () => {
  const h = newHistogram();
  for (let i = 1; i <= 100; i++) h.recordValue(i * 1000);
  const q = quantiles(h);
  const keys = Object.keys(q).map(Number);
  assert.deepEqual(keys.slice(0, 6), [0, 10, 20, 30, 40, 50]);
  assert.ok(keys.every((k, i) => i === 0 || k > (keys[i - 1] as number)), 'increasing');
  assert.ok((keys[keys.length - 2] as number) <= 99, 'no tick beyond 1 − 1/count');
  assert.equal(q['100.0'], 100);
  assert.deepEqual(quantiles(undefined), {});
});

test('file names: the file itself for one result, else one per driver (and scenario, size) beside it; written as JSON', () => {
  const e = (driver: string, scenario: RunRecord['scenario'] = 'e2e-latency', messageSize = 1024) => ({ driver, scenario, messageSize });
  assert.deepEqual(ombFileNames('/x/r.json', [e('addon')]), ['/x/r.json']);
  assert.deepEqual(ombFileNames('/x/r.json', [e('addon'), e('kafkajs')]), ['/x/r-addon.json', '/x/r-kafkajs.json']);
  assert.deepEqual(ombFileNames('/x/r.json', [e('addon'), e('addon', 'consumer')]), ['/x/r-addon.json', '/x/r-addon-consumer.json']);
  assert.deepEqual(ombFileNames('/x/r', [e('addon', 'producer-async'), e('addon', 'consumer')]), ['/x/r-addon-producer-async.json', '/x/r-addon-consumer.json']);
  assert.deepEqual(ombFileNames('r.json', [e('addon', 'e2e-latency', 100), e('addon', 'e2e-latency', 1024)]), ['r-addon-100B.json', 'r-addon-1024B.json']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-omb-json-'));
  const doc = timedSample();
  doc.runs = doc.runs.filter((r) => r.scenario === 'e2e-latency');
  const files = writeOmbFiles(doc, path.join(dir, 'omb.json'), { workload: 'w' });
  assert.equal(files.length, doc.runs.length);
  for (const f of files) {
    const r = JSON.parse(fs.readFileSync(f, 'utf8')) as OmbTestResult;
    assert.equal(r.workload, 'w');
    assert.equal(path.basename(f), `omb-${r.driver}.json`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
