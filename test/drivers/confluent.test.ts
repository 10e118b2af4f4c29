// The confluent driver without a broker: what it reports about itself, and why --workers uses
// processes for it. Its arms against a real broker are in integration.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { driver } from '../../src/drivers/confluent.js';
import { driverEntry } from '../../src/drivers/registry.js';
import { SCENARIOS } from '../../src/results/types.js';
import { describeInWorkers } from '../helpers/workers.js';

test('confluent reports itself available, with its version and the librdkafka it runs on', async () => {
  const d = await driver.describe();
  assert.equal(d.available, true, d.reason);
  assert.equal(d.client, '@confluentinc/kafka-javascript');
  assert.match(d.version, /^\d+\.\d+\.\d+/);
  assert.match(d.librdkafka ?? '', /^\d+\.\d+\.\d+/, 'librdkafkaVersion read from the loaded binding');
  assert.deepEqual(d.scenarios, [...SCENARIOS]);
  assert.equal(d.compressions, undefined, 'kbench’s librdkafka build has every codec');
  assert.equal(driverEntry('confluent')?.inDefault, true);
});

test('confluent does not load in two worker threads at once, so it declares workerThreads: false', async () => {
  assert.equal((await driver.describe()).workerThreads, false);
  const results = await describeInWorkers(new URL('../../src/drivers/confluent.js', import.meta.url), 2);
  assert.ok(
    results.some((r) => !r.available && /did not self-register/.test(r.reason ?? '')),
    `expected one worker to fail with "Module did not self-register" (if this now passes, workerThreads can be true): ${JSON.stringify(results)}`,
  );
});
