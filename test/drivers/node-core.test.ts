// kbench's own addon (batch API and C++ loops), node-rdkafka and kafkajs through the runner, as
// `kbench run` uses them: every scenario verified with exact counts, then arms split over two
// partitions and two workers (threads where the client loads in several, processes where not).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRunSpec, type RunOptions } from '../../src/cli/run.js';
import { runBenchmark } from '../../src/runner/run.js';
import { withBroker } from '../helpers/broker.js';
import { assertVerified, record } from '../helpers/results.js';

const ALL = ['producer-sync', 'producer-async', 'consumer', 'e2e-latency'];

test('addon, addon-loop, node-rdkafka and kafkajs through the runner', async (t) => {
  const broker = await withBroker(t);
  const base: RunOptions = { brokers: broker.bootstrap, repeat: '1', brokerWarmup: '0', quiet: true };

  await t.test('every scenario each driver offers is verified, with exact counts', async () => {
    const doc = await runBenchmark(
      buildRunSpec({ ...base, drivers: 'addon,addon-loop,node-rdkafka,kafkajs', scenarios: ALL.join(','), messages: '5000', syncMessages: '30', e2eMessages: '500' }).spec,
    );
    for (const driver of ['addon', 'node-rdkafka', 'kafkajs']) for (const scenario of ALL) assertVerified(record(doc, driver, scenario));
    for (const scenario of ['producer-async', 'consumer']) assertVerified(record(doc, 'addon-loop', scenario));
    assert.deepEqual(
      doc.skipped.map((s) => `${s.driver} ${s.scenario}`).sort(),
      ['addon-loop e2e-latency', 'addon-loop producer-sync'],
      'addon-loop runs only the loops',
    );
    assert.match(doc.env.drivers['addon']?.librdkafka ?? '', /^2\.12\.0$/);
    assert.equal(doc.env.drivers['node-rdkafka']?.librdkafka, doc.env.drivers['addon']?.librdkafka, 'one librdkafka for every librdkafka-based client');
    // The loop does the c arm's work per message (no CRC, no latency clock); the same librdkafka settings are recorded for both addon drivers.
    assert.equal(record(doc, 'addon-loop', 'producer-async').summary.latencyUs, undefined);
    assert.deepEqual(
      { ...record(doc, 'addon', 'producer-async').config, 'client.id': '' },
      { ...record(doc, 'addon-loop', 'producer-async').config, 'client.id': '' },
    );
  });

  await t.test('two workers over two partitions', async () => {
    const doc = await runBenchmark(
      buildRunSpec({ ...base, drivers: 'addon,addon-loop,node-rdkafka,kafkajs', scenarios: 'producer-async,consumer', messages: '6000', workers: '2', partitions: '2' }).spec,
    );
    const mode: Record<string, string> = { addon: '2 worker threads', 'addon-loop': '2 worker threads', 'node-rdkafka': '2 processes', kafkajs: '2 worker threads' };
    for (const driver of Object.keys(mode)) {
      const producer = record(doc, driver, 'producer-async');
      assertVerified(producer);
      assert.ok(producer.repetitions[0]?.notes?.includes(mode[driver] as string), `${driver}: ${JSON.stringify(producer.repetitions[0]?.notes)}`);
    }
    for (const driver of ['addon', 'addon-loop', 'node-rdkafka']) assertVerified(record(doc, driver, 'consumer'));
    assert.match(record(doc, 'kafkajs', 'consumer').repetitions[0]?.error ?? '', /cannot be told which partitions to read/);
    assert.ok(doc.warnings.some((w) => /node-rdkafka cannot load in several worker threads/.test(w)));
  });
});
