import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRunSpec, suiteDefaults } from '../../src/cli/run.js';
import { parseIntOption, parseSizes } from '../../src/cli/parse.js';
import { UsageError } from '../../src/util/errors.js';

test('defaults are the seeds suite at 100 B', () => {
  const { spec } = buildRunSpec({});
  assert.deepEqual(spec.scenarios, ['producer-sync', 'producer-async', 'consumer']);
  assert.deepEqual(spec.sizes, [100]);
  assert.equal(spec.settings.acks, 'all');
  assert.equal(spec.baseline, 'kafkajs');
  assert.equal(spec.nodes, 1);
  assert.equal(spec.connection, undefined);
  assert.ok(spec.drivers.includes('kafkajs'));
  assert.equal(suiteDefaults('seeds-full', false).messages, 1_000_000);
  assert.deepEqual(suiteDefaults('seeds-full', false).sizes, [10, 100, 1024]);
  assert.ok(suiteDefaults(undefined, true).messages < suiteDefaults(undefined, false).messages);
});

test('options map onto the spec', () => {
  const { spec } = buildRunSpec({ drivers: 'kafkajs,node-rdkafka', scenarios: 'consumer', sizes: '10,1k', messages: '50k', acks: '1', replication: '3', compression: 'gzip', lingerMs: '0', brokers: 'a:9092,b:9093', clientConfig: { 'socket.nagle.disable': 'true' } });
  assert.deepEqual(spec.drivers, ['kafkajs', 'node-rdkafka']);
  assert.deepEqual(spec.sizes, [10, 1024]);
  assert.equal(spec.messages, 50_000);
  assert.equal(spec.settings.acks, '1');
  assert.equal(spec.nodes, 3, 'replication 3 asks for a 3-node cluster');
  assert.equal(spec.lingerExplicit, true);
  assert.deepEqual(spec.connection?.brokers, ['a:9092', 'b:9093']);
  assert.deepEqual(spec.extraConfig, { 'socket.nagle.disable': 'true' });
});

test('bad options are UsageErrors that name the option', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ drivers: 'kafkajs,nope' }, /--drivers: unknown driver 'nope'/],
    [{ scenarios: 'producer' }, /--scenarios must be one of/],
    [{ sizes: '100,abc' }, /--sizes: 'abc'/],
    [{ messages: '-5' }, /--messages/],
    [{ acks: '2' }, /--acks must be one of 0, 1, all/],
    [{ replication: '3', nodes: '1' }, /--replication 3 needs at least 3 brokers/],
    [{ compression: 'brotli' }, /--compression/],
    [{ brokers: 'localhost' }, /--brokers/],
    [{ baseline: 'x' }, /--baseline: unknown driver 'x'/],
    [{ suite: 'fast' }, /--suite must be one of/],
    [{ acks: '1', idempotence: 'true' }, /--idempotence needs --acks all/],
    [{ workload: '/nonexistent/w.yaml' }, /--workload: cannot read/],
  ];
  for (const [opts, re] of cases) {
    assert.throws(() => buildRunSpec(opts as never), (e: unknown) => e instanceof UsageError && re.test(e.message), `${JSON.stringify(opts)} → ${re}`);
  }
});

test('number and size parsers', () => {
  assert.equal(parseIntOption('1M', '--x'), 1_000_000);
  assert.equal(parseIntOption('100_000', '--x'), 100_000);
  assert.throws(() => parseIntOption('1.5', '--x'), /--x/);
  assert.deepEqual(parseSizes('10, 100B,1KB'), [10, 100, 1024]);
  assert.throws(() => parseSizes('0'), /--sizes/);
});

test('--scenarios failover: 3 nodes, 6 partitions, the fault after 30 % on the last node, durable settings at a rate', async () => {
  const { spec } = buildRunSpec({ scenarios: 'failover', drivers: 'addon', messages: '200000', rate: '20000' });
  assert.equal(spec.nodes, 3);
  assert.equal(spec.partitions, 6);
  assert.deepEqual(spec.failover, { mode: 'kill', atMessage: 60_000, downMs: 5000, node: 2 });
  const { settingsFor, planArms } = await import('../../src/plan/plan.js');
  const s = settingsFor({ ...spec, settings: { ...spec.settings, acks: '1', idempotence: false } }, 'failover');
  assert.equal(s.acks, 'all', 'every client is judged with acks=all');
  assert.equal(s.idempotence, true);
  assert.equal(s.rate, 20_000);
  assert.equal(settingsFor({ ...spec, settings: { ...spec.settings, rate: 0 } }, 'failover').rate, 10_000, 'a default rate when none is given');
  assert.ok(planArms(spec).every((a) => a.scenario === 'failover' && a.messages === 200_000));
  const custom = buildRunSpec({ scenarios: 'failover', drivers: 'addon', messages: '1000', fault: 'pause', faultAt: '10', faultDown: '2s', faultNode: '1' }).spec;
  assert.deepEqual(custom.failover, { mode: 'pause', atMessage: 10, downMs: 2000, node: 1 });
});

test('--scenarios failover: inconsistent input is a UsageError naming what is wrong', () => {
  const bad = (o: Parameters<typeof buildRunSpec>[0], re: RegExp): void => {
    assert.throws(() => buildRunSpec({ drivers: 'addon', ...o }), (e: unknown) => e instanceof UsageError && re.test(e.message), JSON.stringify(o));
  };
  bad({ scenarios: 'failover', nodes: '1' }, /at least 3 nodes/);
  bad({ scenarios: 'failover', messages: '100', faultAt: '100' }, /--fault-at 100/);
  bad({ scenarios: 'failover', faultNode: '5' }, /--fault-node 5: the cluster has nodes 0 to 2/);
  bad({ scenarios: 'failover', partitions: '2' }, /--fault-node 2 leads no partition with --partitions 2/);
  bad({ scenarios: 'failover', workers: '2' }, /one producer per arm/);
  bad({ scenarios: 'failover', duration: '10s' }, /not --duration/);
  bad({ scenarios: 'failover', fault: 'explode' }, /--fault/);
  bad({ scenarios: 'producer-async', fault: 'kill' }, /apply to --scenarios failover/);
});
