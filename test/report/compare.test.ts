import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize } from '../../src/stats/summary.js';
import { compareResults, judge, renderCompareMarkdown, renderCompareTerminal } from '../../src/report/compare.js';
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

function variant(edit: (d: ResultsDocument) => void, repetitions = 3): ResultsDocument {
  const d = sampleResults({ repetitions });
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
      // 3 + 3 repetitions: the exact test cannot reach p < 0.05 (at best 0.10), so it says so instead of "no change".
      assert.equal(m.significance, 'too-few');
      // 0.10 at 3 + 3; 1/3 for the failed arm, whose 2 ok repetitions per side are all that is tested.
      assert.equal(m.minP, arm.verifiedA ? 0.1 : 1 / 3);
    }
    assert.deepEqual(arm.settingsChanged, []);
  }
  const e2e = res.arms.find((x) => x.scenario === 'e2e-latency');
  assert.ok(e2e?.metrics.some((m) => m.metric === 'p99LatencyUs'));
  assert.ok(!res.arms.find((x) => x.scenario === 'consumer')?.metrics.some((m) => m.metric === 'p99LatencyUs'));
  // With 5 + 5 repetitions it can: identical arms are not significant (p = 1).
  const five = compareResults(sampleResults({ repetitions: 5 }), sampleResults({ repetitions: 5 }));
  for (const arm of five.arms)
    for (const m of arm.metrics) {
      assert.equal(m.significance, 'not-significant', `${arm.driver} ${arm.scenario} ${m.metric}`);
      assert.equal(m.p, 1);
    }
  assert.deepEqual(five.summary.find((t) => t.metric === 'msgsPerSec'), { metric: 'msgsPerSec', arms: 23, significant: 0, notSignificant: 23, tooFew: 0, unknown: 0 });
});

test('ratios are b / a of the medians; significant changes (Mann–Whitney p < α) have a direction', () => {
  const b = variant((d) => {
    scaleThroughput(runOf(d, 'c', 'producer-async', 100), 1.3);
    scaleThroughput(runOf(d, 'addon', 'producer-async', 100), 0.7);
    scaleThroughput(runOf(d, 'confluent', 'producer-async', 100), 1.01);
  }, 5);
  const res = compareResults(sampleResults({ repetitions: 5 }), b);
  const metric = (driver: string, id: string) => res.arms.find((x) => x.driver === driver && x.scenario === 'producer-async' && x.messageSize === 100)?.metrics.find((m) => m.metric === id);
  const c = metric('c', 'msgsPerSec');
  assert.ok(Math.abs((c?.ratio ?? 0) - 1.3) < 1e-9);
  assert.equal(c?.significance, 'significant');
  assert.equal(c?.verdict, 'better');
  // Every B above every A at 5 + 5: p = 2 / C(10, 5).
  assert.ok(Math.abs((c?.p ?? 0) - 2 / 252) < 1e-12);
  assert.equal(c?.nA, 5);
  assert.deepEqual(c?.ciA, runOf(sampleResults({ repetitions: 5 }), 'c', 'producer-async', 100).summary.msgsPerSec.ci);
  assert.equal(metric('addon', 'msgsPerSec')?.verdict, 'worse');
  assert.equal(metric('confluent', 'msgsPerSec')?.significance, 'not-significant');
  // CPU did not move.
  assert.equal(metric('c', 'cpuUsPerMsg')?.ratio, 1);
  assert.equal(metric('c', 'cpuUsPerMsg')?.significance, 'not-significant');
  const tp = res.summary.find((t) => t.metric === 'msgsPerSec');
  assert.equal(tp?.significant, 2);
  assert.match(renderCompareTerminal(res), /msgs\/s: 2 of 23 arms significantly different \(Mann–Whitney, α = 0\.05\)/);
});

test('a big change inside a wide spread is not significant', () => {
  // kafkajs 100 B spreads ±15 %: +20 % over 5 + 5 repetitions interleaves (A ranks 1, 2, 3, 5, 7: U = 3, p = 14/252 = 0.056).
  const b = variant((d) => scaleThroughput(runOf(d, 'kafkajs', 'producer-async', 100), 1.2), 5);
  const m = compareResults(sampleResults({ repetitions: 5 }), b).arms.find((x) => x.driver === 'kafkajs' && x.messageSize === 100 && x.scenario === 'producer-async')?.metrics[0];
  assert.equal(m?.significance, 'not-significant');
  assert.ok(Math.abs((m?.p ?? 0) - 14 / 252) < 1e-12);
});

test('disjoint min–max ranges are never called significant by themselves: 2 + 2 and 3 + 3 are too few to test', () => {
  for (const n of [2, 3]) {
    // Every arm +8 %: with a −2 … +3 % spread the ranges do not overlap, which the old rule called significant.
    const b = variant((d) => d.runs.forEach((r) => scaleThroughput(r, 1.08)), n);
    const res = compareResults(sampleResults({ repetitions: n }), b);
    const c = res.arms.find((x) => x.driver === 'c' && x.scenario === 'consumer')?.metrics[0];
    assert.ok(c && c.ratio > 1.07);
    const ra = runOf(sampleResults({ repetitions: n }), 'c', 'consumer', 1024).summary.msgsPerSec;
    const rb = runOf(b, 'c', 'consumer', 1024).summary.msgsPerSec;
    assert.ok(ra.max < rb.min, 'the ranges are disjoint');
    assert.equal(c.significance, 'too-few');
    assert.match(c.reason, new RegExp(`n too small to test: ${n} \\+ ${n} repetitions give at best p = `));
    assert.equal(res.summary.find((t) => t.metric === 'msgsPerSec')?.significant, 0);
  }
});

test('judge: the Mann–Whitney test on the repetitions, lower-is-better metrics, too few, no figure, α', () => {
  assert.equal(judge('msgsPerSec', 100, 110, [99, 100, 101, 102], [109, 110, 111, 112], true).reason, 'p = 0.029 < α = 0.05 (Mann–Whitney)');
  assert.equal(judge('msgsPerSec', 100, 101, [99, 100.5, 101, 102], [100, 101, 101.5, 103], true).significance, 'not-significant');
  assert.equal(judge('cpuUsPerMsg', 10, 8, [9.9, 10, 10.1, 10.2], [7.9, 8, 8.1, 8.2], false).verdict, 'better');
  assert.equal(judge('p99LatencyUs', 1000, 2000, [990, 1000, 1010, 1020], [1990, 2000, 2010, 2020], false).verdict, 'worse');
  assert.equal(judge('msgsPerSec', 100, 110, [99, 100, 101], [109, 110, 111], true).significance, 'too-few');
  assert.equal(judge('msgsPerSec', 100, 200, [100], [200], true).significance, 'too-few');
  assert.equal(judge('msgsPerSec', NaN, 200, [], [200, 200], true).significance, 'unknown');
  assert.equal(judge('msgsPerSec', 100, 200, [], [200, 200], true).significance, 'unknown');
  // 4 + 4 reach p = 0.029 at best: enough for α = 0.05, not for α = 0.01.
  assert.equal(judge('msgsPerSec', 100, 110, [99, 100, 101, 102], [109, 110, 111, 112], true, 0.01).significance, 'too-few');
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
  assert.match(md, /\| producer-async · 100 B · c \| 912,000 \\\[894k–939k\\\] \| 912,000 \\\[894k–939k\\\] \| 1\.00× n too small \| 1\.00 \|/);
  assert.match(md, /\*\*Only in A:\*\*/);
});

test('the terminal view marks significant changes', () => {
  const b = variant((d) => scaleThroughput(runOf(d, 'c', 'consumer', 1024), 1.5), 5);
  const text = renderCompareTerminal(compareResults(sampleResults({ repetitions: 5 }), b));
  const line = text.split('\n').find((l) => l.includes('consumer · 1 KiB · c ')) as string;
  assert.match(line, /1\.50× better │ 0\.008 │/);
  assert.match(text.split('\n').find((l) => l.includes('producer-async · 1 KiB · node-rdkafka')) as string, /✗ FAILED/);
  assert.match(text, /better \/ worse: significant, p < α = 0\.05/);
  // At 3 + 3 the same change is "n too small", never "better".
  const small = renderCompareTerminal(compareResults(sampleResults(), variant((d) => scaleThroughput(runOf(d, 'c', 'consumer', 1024), 1.5))));
  assert.match(small.split('\n').find((l) => l.includes('consumer · 1 KiB · c ')) as string, /1\.50× n too small/);
  assert.match(small, /msgs\/s: 0 of 23 arms significantly different \(Mann–Whitney, α = 0\.05\); 23 n too small to test/);
});

test('α is an option; settings spelled differently are not changes', () => {
  const b = variant((d) => {
    scaleThroughput(runOf(d, 'c', 'consumer', 1024), 1.5);
    const c = runOf(d, 'c', 'producer-async', 100).config;
    c['linger.ms'] = '5';
    c.acks = -1;
  }, 5);
  const res = compareResults(sampleResults({ repetitions: 5 }), b, { alpha: 0.005 });
  assert.equal(res.alpha, 0.005);
  // 5 + 5 give at best p = 0.0079 > 0.005.
  assert.equal(res.arms.find((x) => x.driver === 'c' && x.scenario === 'consumer')?.metrics[0]?.significance, 'too-few');
  assert.deepEqual(res.arms.find((x) => x.driver === 'c' && x.scenario === 'producer-async' && x.messageSize === 100)?.settingsChanged, []);
  assert.match(renderCompareMarkdown(res), /p &#60; α = 0\.005/);
});
