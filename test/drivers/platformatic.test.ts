// The platformatic driver without a broker: what it reports about itself, what it refuses before
// connecting, and that it loads in worker threads. Its arms against a real broker are in integration.test.ts.
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { test } from 'node:test';
import { satisfiesNode } from '../../src/util/clients.js';
import { driver } from '../../src/drivers/platformatic.js';
import { driverEntry } from '../../src/drivers/registry.js';
import type { DriverContext } from '../../src/drivers/types.js';
import { SCENARIOS } from '../../src/results/types.js';
import { describeInWorkers } from '../helpers/workers.js';

const ctx: DriverContext = {
  connection: { brokers: ['127.0.0.1:1'] },
  topic: 't',
  partitions: 2,
  readPartitions: [0, 1],
  messageSize: 100,
  settings: { acks: 'all', compression: 'none', lingerMs: 5, batchSize: 1_000_000, sendBatch: 1000, idempotence: false, rate: 0 },
  clientId: 'c',
  groupId: 'g',
  extraConfig: {}, purpose: 'throughput',
};

test('platformatic reports itself available, with its version, no librdkafka and the codecs it has here', async () => {
  const d = await driver.describe();
  assert.equal(d.available, true, d.reason);
  assert.equal(d.client, '@platformatic/kafka');
  // The current release (2.x, clients/) where the Node allows it; kbench's own 1.x dependency on Node 20, said in a note.
  const modern = satisfiesNode('>= 22.22.0');
  assert.match(d.version, modern ? /^2\.\d+\.\d+$/ : /^1\.\d+\.\d+$/, `on Node ${process.versions.node}`);
  assert.equal(d.notes.some((n) => /needs Node .* this arm runs 1\./.test(n)), !modern, d.notes.join(' | '));
  assert.equal(d.librdkafka, undefined);
  assert.deepEqual(d.scenarios, [...SCENARIOS]);
  assert.deepEqual(d.compressions?.slice(0, 4), ['none', 'gzip', 'snappy', 'lz4']);
  // zstd comes from node:zlib, which has it only on newer Node versions.
  assert.equal(d.compressions?.includes('zstd'), typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function');
  assert.equal(driverEntry('platformatic')?.inDefault, true);
});

test('platformatic loads in two worker threads at once (workerThreads: true)', async () => {
  assert.equal((await driver.describe()).workerThreads, true);
  const results = await describeInWorkers(new URL('../../src/drivers/platformatic.js', import.meta.url), 2);
  assert.deepEqual(results.map((r) => r.available), [true, true], JSON.stringify(results));
});

test('a platformatic consumer asked for a subset of partitions fails clearly (its streams follow the group)', async () => {
  await assert.rejects(driver.createConsumer({ ...ctx, readPartitions: [1] }), /cannot be told which partitions to read/);
});

test('platformatic refuses librdkafka-style settings, naming them', async () => {
  await assert.rejects(driver.createProducer({ ...ctx, extraConfig: { 'socket.nagle.disable': true } }), /invalid --client-config socket\.nagle\.disable: @platformatic\/kafka takes no --client-config settings/);
});
