import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize } from '../../src/stats/summary.js';
import { MIN_EFFECT, compareResults, judge, renderCompareMarkdown, renderCompareTerminal } from '../../src/report/compare.js';
import { sampleResults } from '../fixtures/results.js';
import { runOf } from './helpers.js';
import type { ResultsDocument, RunRecord } from '../../src/results/types.js';

/** Scales an arm's per-repetition throughput (and MB/s) and recomputes its summaries. */
function scaleThroughput(run: RunRecord, f: number): void {
  for (const r of run.repetitions) {
    r.msgsPerSec *= f;
    r.mbPerSec *= f;
  }
  run.summary.msgsPerSec = summarize(run.repetitions.map((r) => r.msgsPerSec));
  run.summary.mbPerSec = summarize(run.repetitions.map((r) => r.mbPerSec));
}

function variant(edit: (d: ResultsDocument) => void): ResultsDocument {
  const d = sampleResults();
  edit(d);
  return d;
}

test('a document against itself: every arm matched, ratio 1, nothing significant', () => {
  const a = sampleResults();
  const res = compareResults(a, sampleResults());
  assert.equal(res.arms.length, a.runs.length);
  assert.deepEqual(res.onlyInA, []);
  assert.deepEqual(res.onlyInB, []);
  assert.deepEqual(res.envChanges, []);
  for (const arm of res.arms) {
    for (const m of arm.metrics) {
      assert.equal(m.ratio, 1);
      assert.equal(m.significance, 'within-spread');
    }
    assert.deepEqual(arm.settingsChanged, []);
  }
  const e2e = res.arms.find((x) => x.scenario === 'e2e-latency');
  assert.ok(e2e?.metrics.some((m) => m.metric === 'p99LatencyUs'));
  assert.ok(!res.arms.find((x) => x.scenario === 'consumer')?.metrics.some((m) => m.metric === 'p99LatencyUs'));
});

test('ratios are b / a of the medians; beyond-spread changes are significant, with a direction', () => {
  const b = variant((d) => {
    scaleThroughput(runOf(d, 'c', 'producer-async', 100), 1.3);
    scaleThroughput(runOf(d, 'addon', 'producer-async', 100), 0.7);
    scaleThroughput(runOf(d, 'confluent', 'producer-async', 100), 1.01);
  });
  const res = compareResults(sampleResults(), b);
  const metric = (driver: string, id: string) => res.arms.find((x) => x.driver === driver && x.scenario === 'producer-async' && x.messageSize === 100)?.metrics.find((m) => m.metric === id);
  const c = metric('c', 'msgsPerSec');
  assert.ok(Math.abs((c?.ratio ?? 0) - 1.3) < 1e-9);
  assert.equal(c?.significance, 'significant');
  assert.equal(c?.verdict, 'better');
  assert.equal(metric('addon', 'msgsPerSec')?.verdict, 'worse');
  assert.equal(metric('confluent', 'msgsPerSec')?.significance, 'within-spread');
  // CPU did not move.
  assert.equal(metric('c', 'cpuUsPerMsg')?.ratio, 1);
});

test('a big change inside a wide spread is not significant', () => {
  // kafkajs 100 B has a ±15 % spread: +20 % stays within it (ranges overlap, |Δ| ≤ 2σ).
  const b = variant((d) => scaleThroughput(runOf(d, 'kafkajs', 'producer-async', 100), 1.2));
  const m = compareResults(sampleResults(), b).arms.find((x) => x.driver === 'kafkajs' && x.messageSize === 100 && x.scenario === 'producer-async')?.metrics[0];
  assert.equal(m?.significance, 'within-spread');
});

test('judge: non-overlapping ranges, 2σ, the minimum effect, lower-is-better metrics, single repetitions', () => {
  const s = (...xs: number[]) => summarize(xs);
  assert.equal(judge('msgsPerSec', 100, 110, s(99, 100, 101), s(109, 110, 111), true).reason, 'min–max ranges do not overlap');
  assert.equal(judge('msgsPerSec', 100, 101, s(99.9, 100, 100.1), s(100.9, 101, 101.1), true).significance, 'within-spread');
  assert.ok(MIN_EFFECT > 0.01);
  assert.equal(judge('cpuUsPerMsg', 10, 8, s(9.9, 10, 10.1), s(7.9, 8, 8.1), false).verdict, 'better');
  assert.equal(judge('p99LatencyUs', 1000, 2000, s(990, 1000, 1010), s(1990, 2000, 2010), false).verdict, 'worse');
  assert.equal(judge('msgsPerSec', 100, 200, s(100), s(200), true).significance, 'unknown');
  assert.equal(judge('msgsPerSec', NaN, 200, s(), s(200, 200), true).significance, 'unknown');
});

test('arms present in only one file, settings and environment changes are listed', () => {
  const b = variant((d) => {
    d.runs = d.runs.filter((r) => !(r.driver === 'platformatic' && r.scenario === 'consumer'));
    d.runs.push({ ...runOf(d, 'kafkajs', 'consumer', 1024), driver: 'java' });
    runOf(d, 'c', 'producer-async', 100).config['linger.ms'] = 20;
    d.env.node = 'v22.11.0';
  });
  const res = compareResults(sampleResults(), b);
  assert.deepEqual(res.onlyInA, [{ driver: 'platformatic', scenario: 'consumer', messageSize: 1024 }]);
  assert.deepEqual(res.onlyInB, [{ driver: 'java', scenario: 'consumer', messageSize: 1024 }]);
  assert.deepEqual(res.arms.find((x) => x.driver === 'c' && x.messageSize === 100 && x.scenario === 'producer-async')?.settingsChanged, [{ key: 'linger.ms', a: '5', b: '20' }]);
  assert.deepEqual(res.envChanges, [{ key: 'node', a: 'v20.20.0', b: 'v22.11.0' }]);

  const text = renderCompareTerminal(res, { labels: ['a.json', 'b.json'] });
  assert.match(text, /Only in A \(a\.json\) \(1\):\n {2}- consumer · 1 KiB · platformatic/);
  assert.match(text, /Only in B \(b\.json\) \(1\):\n {2}- consumer · 1 KiB · java/);
  assert.match(text, /node: v20\.20\.0 → v22\.11\.0/);
  assert.match(text, /producer-async · 100 B · c: linger\.ms 5 → 20/);
  const md = renderCompareMarkdown(res, { labels: ['a.json', 'b.json'] });
  assert.match(md, /\| producer-async · 100 B · c \| 912,000 \| 912,000 \| 1\.00× ≈ \|/);
  assert.match(md, /\*\*Only in A:\*\*/);
});

test('the terminal view marks significant changes', () => {
  const b = variant((d) => scaleThroughput(runOf(d, 'c', 'consumer', 1024), 1.5));
  const text = renderCompareTerminal(compareResults(sampleResults(), b));
  const line = text.split('\n').find((l) => l.includes('consumer · 1 KiB · c ')) as string;
  assert.match(line, /1\.50× better/);
  assert.match(text.split('\n').find((l) => l.includes('producer-async · 1 KiB · node-rdkafka')) as string, /✗ FAILED/);
});
