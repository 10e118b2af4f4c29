import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalKey, canonicalValue, diffSettings, driverColumns } from '../../src/report/settings.js';
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

test('names kbench gives each arm (client and group id, the broker address of the run) are never differences', () => {
  const diff = diffSettings([
    run('a', { 'client.id': 'kbench-a-1', 'group.id': 'g1', 'bootstrap.servers': '127.0.0.1:1', 'linger.ms': 5 }),
    run('b', { clientId: 'kbench-b-2', groupId: 'g2', brokers: '127.0.0.1:2', 'linger.ms': 5 }),
  ]);
  assert.deepEqual(diff.differing.map((r) => r.key), []);
  assert.equal(canonicalKey('groupId'), 'group.id');
  assert.equal(canonicalKey('clientId'), 'client.id');
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
  // acks all ≡ -1, and each client's name for the brokers, compression and idempotence, are one setting each: not differences.
  assert.deepEqual(
    diff.differing.map((r) => r.key),
    ['sendBatch', 'batch.size', 'linger.ms', 'sasl.password'],
  );
  const common = new Map(diff.common.filter((r) => r.section === 'config').map((r) => [r.key, r.common]));
  assert.deepEqual(Object.fromEntries(common), {
    acks: 'all (≡ -1)',
    'bootstrap.servers ≡ bootstrapBrokers ≡ brokers': '127.0.0.1:19092',
    'compression.codec ≡ compression': 'none',
    'enable.idempotence ≡ idempotent': 'false',
  });
  assert.deepEqual(driverColumns(diff), [['addon', 'c', 'confluent', 'node-rdkafka'], ['kafkajs'], ['platformatic']]);
});

test('equivalent values are not differences: acks -1 ≡ all, true ≡ "true", "5" ≡ 5, case of a codec', () => {
  const diff = diffSettings([
    run('a', { acks: -1, 'enable.idempotence': true, 'linger.ms': '5', 'compression.codec': 'LZ4', 'batch.num.messages': '10000.0', 'bootstrap.servers': 'h:1, h:2' }),
    run('b', { acks: 'all', 'enable.idempotence': 'true', 'linger.ms': 5, 'compression.codec': 'lz4', 'batch.num.messages': 10_000, 'bootstrap.servers': 'h:1,h:2' }),
    run('c', { acks: '-1', 'enable.idempotence': 'TRUE', 'linger.ms': ' 5 ', 'compression.codec': 'lz4', 'batch.num.messages': '1e4', 'bootstrap.servers': 'h:1,h:2' }),
  ]);
  assert.deepEqual(diff.differing, []);
  const common = new Map(diff.common.map((r) => [r.key, r.common]));
  assert.equal(common.get('acks'), 'all (≡ -1)');
  assert.equal(common.get('linger.ms'), '5');
  assert.equal(common.get('enable.idempotence'), 'true (≡ TRUE)');
  // Real differences stay: acks 1 is not all; the per-driver cells keep each arm's own spelling.
  const real = diffSettings([run('a', { acks: -1, 'linger.ms': '5' }), run('b', { acks: 1, 'linger.ms': 10 })]);
  assert.deepEqual(real.differing.map((r) => [r.key, r.byDriver]), [
    ['acks', { a: '-1', b: '1' }],
    ['linger.ms', { a: '5', b: '10' }],
  ]);
});

test('librdkafka aliases are one setting: linger.ms ≡ queue.buffering.max.ms, compression.type ≡ compression.codec, …', () => {
  const diff = diffSettings([
    run('a', { 'linger.ms': 5, 'compression.type': 'zstd', 'request.required.acks': -1, 'message.timeout.ms': 30_000, 'metadata.broker.list': 'h:1' }),
    run('b', { 'queue.buffering.max.ms': '5', 'compression.codec': 'zstd', acks: 'all', 'delivery.timeout.ms': 30_000, 'bootstrap.servers': 'h:1' }),
  ]);
  assert.deepEqual(diff.differing, []);
  assert.deepEqual(
    diff.common.filter((r) => r.section === 'config').map((r) => r.key),
    ['acks ≡ request.required.acks', 'bootstrap.servers ≡ metadata.broker.list', 'compression.type ≡ compression.codec', 'delivery.timeout.ms ≡ message.timeout.ms', 'linger.ms ≡ queue.buffering.max.ms'],
  );
  // An alias with a different value is a difference, under the merged name.
  const d2 = diffSettings([run('a', { 'linger.ms': 5 }), run('b', { 'queue.buffering.max.ms': 20 })]);
  assert.deepEqual(d2.differing.map((r) => [r.key, r.keys, r.byDriver]), [['linger.ms ≡ queue.buffering.max.ms', ['linger.ms', 'queue.buffering.max.ms'], { a: '5', b: '20' }]]);
  assert.equal(canonicalKey('queue.buffering.max.ms'), 'linger.ms');
  assert.equal(canonicalKey('compression.codec'), 'compression.type');
  assert.equal(canonicalValue('acks', -1), 'all');
  assert.equal(canonicalValue('linger.ms', '5.0'), '5');
  assert.equal(canonicalValue('x', 'False'), 'false');
  assert.equal(canonicalValue('client.id', 'Mixed Case'), 'Mixed Case');
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
