// confluent, platformatic and crab against the embedded broker, through the runner (src/runner/run.ts)
// as `kbench run` uses it: every scenario of each driver verified with exact counts, then producer and
// consumer arms split over two partitions and two workers. One broker serves both runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRunSpec, type RunOptions } from '../../src/cli/run.js';
import { runBenchmark } from '../../src/runner/run.js';
import { withBroker } from '../helpers/broker.js';
import { assertVerified, record } from '../helpers/results.js';

const DRIVERS = ['confluent', 'platformatic', 'crab'];

test('confluent, platformatic and crab through the runner', async (t) => {
  const broker = await withBroker(t);
  const base: RunOptions = { brokers: broker.bootstrap, drivers: DRIVERS.join(','), repeat: '1', brokerWarmup: '0', quiet: true };

  await t.test('every scenario of every driver is verified, with exact counts', async () => {
    const options: RunOptions = { ...base, scenarios: 'producer-sync,producer-async,consumer,e2e-latency', messages: '5000', syncMessages: '30', e2eMessages: '500' };
    const doc = await runBenchmark(buildRunSpec(options).spec);
    assert.deepEqual(doc.skipped, []);
    for (const driver of DRIVERS) {
      for (const scenario of ['producer-sync', 'producer-async', 'consumer', 'e2e-latency']) assertVerified(record(doc, driver, scenario));
    }
    assert.match(doc.env.drivers['confluent']?.librdkafka ?? '', /^\d+\.\d+\.\d+$/);
    assert.match(doc.env.drivers['crab']?.librdkafka ?? '', /\(bundled, static\)$/);
    assert.equal(doc.env.drivers['platformatic']?.librdkafka, undefined);
    // The effective client settings are recorded next to the figures.
    assert.equal(record(doc, 'confluent', 'producer-async').config['linger.ms'], 5);
    assert.equal(record(doc, 'crab', 'producer-async').config['linger.ms'], 5);
    assert.equal(record(doc, 'platformatic', 'producer-async').config['acks'], -1);
  });

  await t.test('two workers over two partitions: producers and consumers split, in threads or processes as each client allows', async () => {
    const options: RunOptions = { ...base, scenarios: 'producer-async,consumer', messages: '6000', workers: '2', partitions: '2' };
    const doc = await runBenchmark(buildRunSpec(options).spec);
    const mode = { confluent: '2 processes', platformatic: '2 worker threads', crab: '2 worker threads' } as Record<string, string>;
    for (const driver of DRIVERS) {
      const producer = record(doc, driver, 'producer-async');
      assertVerified(producer);
      assert.ok(producer.repetitions[0]?.notes?.includes(mode[driver] as string), `${driver}: ${JSON.stringify(producer.repetitions[0]?.notes)}`);
    }
    for (const driver of ['confluent', 'crab']) {
      const consumer = record(doc, driver, 'consumer');
      assertVerified(consumer);
      assert.ok(consumer.repetitions[0]?.notes?.includes(mode[driver] as string), `${driver}: ${JSON.stringify(consumer.repetitions[0]?.notes)}`);
    }
    // platformatic's consumer follows the group's assignment: a split arm fails clearly instead of reading the wrong partitions.
    const split = record(doc, 'platformatic', 'consumer');
    assert.equal(split.verified, false);
    assert.match(split.repetitions[0]?.error ?? '', /cannot be told which partitions to read/);
  });
});
