// `kbench scale` on a small run: one row per worker count, every arm verified.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runKbench, withBroker } from '../helpers/broker.js';
import { parseWorkerCounts } from '../../src/cli/scale.js';
import type { ScaleDocument } from '../../src/scale/run.js';

test('parseWorkerCounts: sorted, duplicates dropped, positive', () => {
  assert.deepEqual(parseWorkerCounts('4,1,2'), [1, 2, 4]);
  assert.deepEqual(parseWorkerCounts('2,1,2'), [1, 2]);
  assert.throws(() => parseWorkerCounts('0'), /--workers/);
});

test('kbench scale --workers 1,2 --json: a verified row per worker count', async (t) => {
  const broker = await withBroker(t);
  const r = await runKbench(['scale', '--driver', 'kafkajs', '--workers', '1,2', '--messages', '4000', '--repeat', '1', '--brokers', broker.bootstrap, '--json', '--quiet'], process.env);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as ScaleDocument;
  assert.equal(doc.schema, 'kbench.scale/1');
  assert.deepEqual(doc.rows.map((x) => x.workers), [1, 2]);
  for (const row of doc.rows) {
    assert.equal(row.verified, true, row.failures.join('; '));
    assert.equal(row.repetitions.length, 1);
    assert.ok(row.msgsPerSec.median > 0);
    assert.ok(row.efficiency !== undefined && row.efficiency > 0);
  }
  assert.equal(doc.rows[1]?.mode, 'threads', 'kafkajs loads in worker threads');
  assert.equal(doc.partitions, 2);
  assert.ok(doc.cores >= 1);
});
