import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSettings, driverColumns } from '../../src/report/settings.js';
import { sampleResults } from '../fixtures/results.js';
import type { RunRecord } from '../../src/results/types.js';

const base = sampleResults().runs.find((r) => r.driver === 'c' && r.scenario === 'producer-async' && r.messageSize === 100) as RunRecord;

function run(driver: string, config: RunRecord['config'], settings: Partial<RunRecord['settings']> = {}, extra: Partial<RunRecord> = {}): RunRecord {
  return { ...base, driver, config, settings: { ...base.settings, ...settings }, ...extra };
}

test('finds exactly the keys that differ, workload and client config', () => {
  const diff = diffSettings([
    run('a', { 'linger.ms': 5, acks: 'all', 'client.id': 'x' }),
    run('b', { 'linger.ms': 10, acks: 'all', 'client.id': 'x' }, { compression: 'lz4' }),
    run('c', { 'linger.ms': 5, acks: 'all', 'client.id': 'x', extra: true }),
  ]);
  assert.deepEqual(
    diff.differing.map((r) => `${r.section}:${r.key}`),
    ['workload:compression', 'config:extra', 'config:linger.ms'],
  );
  assert.deepEqual(diff.differing.find((r) => r.key === 'linger.ms')?.byDriver, { a: '5', b: '10', c: '5' });
  assert.deepEqual(diff.differing.find((r) => r.key === 'extra')?.byDriver, { a: '—', b: '—', c: 'true' });
  const common = new Map(diff.common.map((r) => [`${r.section}:${r.key}`, r.common]));
  assert.equal(common.get('config:acks'), 'all');
  assert.equal(common.get('config:client.id'), 'x');
  assert.equal(common.get('workload:lingerMs'), '5');
  assert.equal(common.get('workload:partitions'), '6');
  assert.ok(!common.has('config:linger.ms'));
});

test('run shape (messages, partitions, …) counts as a setting', () => {
  const diff = diffSettings([run('a', {}), run('b', {}, {}, { partitions: 12 })]);
  assert.deepEqual(diff.differing.map((r) => r.key), ['partitions']);
});

test('one driver with several values across its arms shows them all', () => {
  const diff = diffSettings([run('a', { x: 1 }), run('a', { x: 2 }), run('b', { x: 1 })]);
  assert.equal(diff.differing[0]?.byDriver.a, '1 / 2');
});

test('identical arms: nothing differs', () => {
  const diff = diffSettings([run('a', { x: 1 }), run('b', { x: 1 })]);
  assert.deepEqual(diff.differing, []);
});

test('the sample: differing keys of producer-async, drivers grouped by identical configuration', () => {
  const doc = sampleResults();
  const diff = diffSettings(doc.runs.filter((r) => r.scenario === 'producer-async'));
  assert.deepEqual(
    diff.differing.map((r) => r.key),
    ['sendBatch', 'acks', 'batch.size', 'bootstrap.servers', 'bootstrapBrokers', 'brokers', 'compression', 'compression.codec', 'enable.idempotence', 'idempotent', 'linger.ms', 'sasl.password'],
  );
  assert.deepEqual(driverColumns(diff), [['addon', 'c', 'confluent', 'node-rdkafka'], ['kafkajs'], ['platformatic']]);
});

test('secret-looking config keys are redacted before diffing', () => {
  const diff = diffSettings([
    run('a', { 'sasl.password': 'hunter2', 'ssl.key.password': 'k', 'sasl.jaas.config': 'j', api_key: 'z', 'sasl.oauthbearer.token': 't', 'client.secret': 's' }),
    run('b', { 'sasl.password': 'other', 'ssl.key.password': 'k2', 'sasl.jaas.config': 'j2', api_key: 'z2', 'sasl.oauthbearer.token': 't2', 'client.secret': 's2' }),
  ]);
  const text = JSON.stringify(diff);
  for (const secret of ['hunter2', 'other', '"k"', 'k2', '"j"', 'j2', '"z"', 'z2', '"t"', 't2', '"s"', 's2']) assert.ok(!text.includes(secret), secret);
  // Both sides redact to the same string, so differing secrets are not even revealed as different.
  assert.deepEqual(diff.differing.filter((r) => r.section === 'config'), []);
});
