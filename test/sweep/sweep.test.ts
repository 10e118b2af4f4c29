// One small real sweep against an embedded broker: 2 rates × addon × 2 s. Every step must verify,
// and the sweep document must carry the steps, the curves' data and the max sustainable rate.
// Latency figures are whatever this machine gives: nothing here asserts a timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runKbench, withBroker } from '../helpers/broker.js';
import { curveData } from '../../src/report/sweep.js';
import type { SweepDocument } from '../../src/sweep/types.js';

test('kbench sweep --drivers addon --rates 500,1000 --duration 2s: verified steps, a sweep document, curves and max sustainable', async (t) => {
  const broker = await withBroker(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-sweep-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 's.json');
  const html = path.join(dir, 's.html');
  const md = path.join(dir, 's.md');
  const r = await runKbench(
    ['sweep', '--drivers', 'addon', '--rates', '500,1000', '--duration', '2s', '--slo', 'p99<20ms', '--brokers', broker.bootstrap, '--broker-warmup', '20000', '--broker-warmup-rounds', '2', '--out', out, '--report', html, '--md', md],
    process.env,
  );
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(fs.readFileSync(out, 'utf8')) as SweepDocument;
  assert.equal(doc.schema, 'kbench.sweep/1');
  assert.equal(doc.slo.text, 'p99<20ms');
  assert.deepEqual(doc.steps.map((s) => [s.driver, s.rate]), [['addon', 500], ['addon', 1000]]);
  for (const s of doc.steps) {
    assert.equal(s.verified, true, s.whyNot.join('; '));
    assert.equal(s.held, s.whyNot.length === 0);
    assert.ok(s.latencyUs && s.latencyUs.count > 0, 'corrected latency measured');
    assert.ok(s.serviceTimeUs && s.serviceTimeUs.count > 0, 'service time measured');
    assert.ok(s.achievedRate !== undefined && s.achievedRate > 0);
    assert.ok(s.run !== undefined && doc.runs[s.run]?.settings.rate === s.rate, 'the step points at its results record');
  }
  assert.equal(doc.runs.length, 2);
  assert.ok(doc.runs.every((x) => x.verified && x.repetitions[0]?.series), 'records with their time series');
  // The broker warmed up once, at the first step.
  assert.equal(doc.brokerWarmup.atRate, 500);
  assert.equal(doc.brokerWarmup.messages, 20_000);
  assert.ok(doc.brokerWarmup.report && doc.brokerWarmup.report.rounds.length > 0);
  assert.match(doc.brokerWarmup.later, /messages = 0/);
  // Curves and max sustainable.
  assert.equal(curveData(doc, 'p99').length, 2);
  const m = doc.maxSustainable.addon;
  assert.ok(m, 'a max sustainable entry for addon');
  assert.deepEqual(m.tried, [500, 1000]);
  assert.equal(m.rate, [...doc.steps].reverse().find((s) => s.held)?.rate ?? null);
  assert.match(r.stdout, /addon: max sustainable rate under p99<20ms: /);
  assert.match(r.stdout, /│ *1,000 │/);
  const page = fs.readFileSync(html, 'utf8');
  assert.equal((page.match(/<figure id="curve-/g) ?? []).length, 3);
  assert.match(fs.readFileSync(md, 'utf8'), /^# kbench sweep/);
});
