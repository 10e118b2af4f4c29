// The crab driver without a broker: what it reports about itself (its bundled librdkafka and the
// codecs that build has) and that it loads in worker threads. Its arms against a real broker are in
// integration.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { driver } from '../../src/drivers/crab.js';
import { driverEntry } from '../../src/drivers/registry.js';
import { SCENARIOS } from '../../src/results/types.js';
import { describeInWorkers } from '../helpers/workers.js';

test('crab reports itself available, with its version and its bundled librdkafka', async () => {
  const d = await driver.describe();
  assert.equal(d.available, true, d.reason);
  assert.equal(d.client, 'kafka-crab-js');
  assert.match(d.version, /^\d+\.\d+\.\d+/);
  assert.match(d.librdkafka ?? '', /^\d+\.\d+\.\d+ \(bundled, static\)$/, 'read from the native binding');
  assert.deepEqual(d.scenarios, [...SCENARIOS]);
  assert.equal(driverEntry('crab')?.inDefault, true);
});

test('crab lists the codecs its librdkafka was built with', async () => {
  const { compressions } = await driver.describe();
  assert.ok(compressions, 'crab declares its codecs');
  for (const codec of ['none', 'gzip', 'lz4']) assert.ok(compressions.includes(codec), codec);
  // The published 5.0.0 binary has no libzstd; a future one may, so only the probe's consistency is checked.
  assert.ok(compressions.every((c) => ['none', 'gzip', 'snappy', 'lz4', 'zstd'].includes(c)));
});

test('crab loads in two worker threads at once (workerThreads: true)', async () => {
  assert.equal((await driver.describe()).workerThreads, true);
  const results = await describeInWorkers(new URL('../../src/drivers/crab.js', import.meta.url), 2);
  assert.deepEqual(results.map((r) => r.available), [true, true], JSON.stringify(results));
});
