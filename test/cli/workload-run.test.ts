// One OMB workload file run end to end against the embedded broker: the 1 KB / 16-partition fixture
// at its 50,000 msgs/s, shortened with --duration 3s, through the addon, with --omb-json.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../../src/paths.js';
import type { OmbTestResult } from '../../src/omb/result.js';
import type { ResultsDocument } from '../../src/results/types.js';
import { describeRun, runKbench, withBroker } from '../helpers/broker.js';

const WORKLOAD = path.join(projectRoot, 'test', 'fixtures', 'omb', '1-topic-16-partitions-1kb.yaml');

test('kbench run --workload (1 KB, 16 partitions, 50k msgs/s) --duration 3s: e2e-latency at the file\'s rate, verified, --omb-json written', { timeout: 240_000 }, async (t) => {
  const broker = await withBroker(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-omb-run-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'r.json');
  const omb = path.join(dir, 'omb.json');
  const args = ['run', '--workload', WORKLOAD, '--drivers', 'addon', '--duration', '3s', '--warmup-duration', '1s', '--repeat', '1', '--brokers', broker.bootstrap, '--broker-warmup', '0', '--out', out, '--omb-json', omb];
  const r = await runKbench(args, { ...process.env, NO_COLOR: '1' }, { timeoutMs: 180_000 });
  assert.equal(r.code, 0, describeRun(r));
  const doc = JSON.parse(fs.readFileSync(out, 'utf8')) as ResultsDocument;
  assert.equal(doc.runs.length, 1);
  const run = doc.runs[0] as ResultsDocument['runs'][number];
  assert.equal(run.scenario, 'e2e-latency');
  assert.equal(run.settings.rate, 50_000);
  assert.equal(run.partitions, 16);
  assert.equal(run.messageSize, 1024);
  assert.equal(run.messages, 150_000, 'rate × --duration');
  assert.equal(run.verified, true);
  assert.equal(run.repetitions[0]?.requestedRate, 50_000);
  assert.equal(doc.env.method?.payload, 'file', "the workload's payloadFile");
  const res = JSON.parse(fs.readFileSync(omb, 'utf8')) as OmbTestResult;
  assert.equal(res.workload, '1 topic / 16 partitions / 1kb / 50k');
  assert.equal(res.driver, 'addon');
  assert.equal(res.partitions, 16);
  assert.equal(res.messageSize, 1024);
  assert.ok(res.publishRate.length >= 1 && res.consumeRate.length >= 1, 'rates from the series');
  assert.equal(typeof res.aggregatedEndToEndLatency50pct, 'number');
  assert.ok((res.aggregatedEndToEndLatency99pct as number) >= (res.aggregatedEndToEndLatency50pct as number));
  assert.ok(Object.keys(res.aggregatedEndToEndLatencyQuantiles).length > 10);
});
