// kbench's own addon (batch API and C++ loops), node-rdkafka and kafkajs through the runner, as
// `kbench run` uses them: every scenario verified with exact counts, then arms split over two
// partitions and two workers (threads where the client loads in several, processes where not).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRunSpec, type RunOptions } from '../../src/cli/run.js';
import { runBenchmark } from '../../src/runner/run.js';
import { readBuildInfo } from '../../src/paths.js';
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
    assert.equal(doc.env.drivers['addon']?.librdkafka, readBuildInfo().librdkafka?.version, 'the addon on kbench’s shared build');
    // kbench run's default: node-rdkafka as its package ships it (built from the librdkafka source it carries).
    const nr = record(doc, 'node-rdkafka', 'producer-async');
    assert.equal(nr.runtime?.librdkafka, 'bundled');
    assert.equal(doc.env.drivers['node-rdkafka']?.librdkafka, readBuildInfo().bundled?.['node-rdkafka']?.librdkafka, 'the librdkafka of its own package');
    assert.match(nr.runtime?.client?.root ?? '', /\.kbench\/clients\/node-rdkafka@/);
    // The loop does the c arm's work per message (no CRC, no latency clock); the same librdkafka settings are recorded for both addon drivers.
    assert.equal(record(doc, 'addon-loop', 'producer-async').summary.latencyUs, undefined);
    assert.deepEqual(
      { ...record(doc, 'addon', 'producer-async').config, 'client.id': '' },
      { ...record(doc, 'addon-loop', 'producer-async').config, 'client.id': '' },
    );
  });

  await t.test('the broker warm-up adds latency rounds when the run has latency arms, and only then; a timed paced arm sends rate × duration', async () => {
    const warm = { ...base, drivers: 'addon', brokerWarmup: '2000', brokerWarmupRounds: '2' };
    const sync = await runBenchmark(buildRunSpec({ ...warm, scenarios: 'producer-sync', rate: '400', duration: '1s' }).spec);
    const rec = record(sync, 'addon', 'producer-sync');
    assertVerified(rec);
    assert.equal(rec.messages, 400);
    const rep = rec.repetitions[0];
    assert.equal(rep?.requestedRate, 400);
    assert.ok((rep?.achievedRate ?? 0) > 0 && (rep?.achievedRate ?? Infinity) <= 400 * 1.05, `achieved ${rep?.achievedRate}`);
    assert.equal(rec.summary.latencyUs?.count, 400);
    assert.equal(rec.summary.serviceTimeUs?.count, 400);
    const rounds = sync.env.method?.brokerWarmup?.latency ?? [];
    assert.ok(rounds.length >= 1 && rounds.length <= 8, `latency rounds: ${JSON.stringify(rounds)}`);
    for (const r of rounds) assert.ok(r.p50Us > 0);
    const unpaced = await runBenchmark(buildRunSpec({ ...warm, scenarios: 'producer-async', duration: '1s', messages: '1000' }).spec);
    const u = record(unpaced, 'addon', 'producer-async');
    assertVerified(u);
    assert.equal(u.durationMs, 1000);
    assert.ok((u.repetitions[0]?.messages ?? 0) > 0, 'the timed arm sent messages, its count what it sent');
    assert.ok(unpaced.env.method?.brokerWarmup, 'the throughput warm-up ran');
    assert.equal(unpaced.env.method?.brokerWarmup?.latency, undefined);
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
