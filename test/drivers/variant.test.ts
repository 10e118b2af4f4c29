// Driver keys: a client's published version and a Node runtime as part of the driver's name, so two
// versions (or runtimes) of one client are two drivers side by side in one run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseDriverId, driverEntry, driverKeyProblem } from '../../src/drivers/registry.js';
import { driverKey, expandRuntimes, parseDriverKey, parseNodeList } from '../../src/drivers/variant.js';
import { planRunSpec } from '../../src/plan/spec.js';
import { UsageError } from '../../src/util/errors.js';

test('keys split into driver, version and runtime, and back', () => {
  assert.deepEqual(parseDriverKey('confluent'), { base: 'confluent', variant: {} });
  assert.deepEqual(parseDriverKey('confluent@1.6.0'), { base: 'confluent', variant: { version: '1.6.0' } });
  assert.deepEqual(parseDriverKey('kafkajs:node24'), { base: 'kafkajs', variant: { node: '24' } });
  assert.deepEqual(parseDriverKey('confluent@1.10.1:node22.23.5'), { base: 'confluent', variant: { version: '1.10.1', node: '22.23.5' } });
  assert.equal(parseDriverKey('confluent@'), undefined);
  assert.equal(parseDriverKey('kafkajs:24'), undefined);
  assert.equal(parseDriverKey('Kafkajs;rm -rf'), undefined);
  assert.equal(driverKey('confluent', { version: '1.6.0', node: '22' }), 'confluent@1.6.0:node22');
});

test('--node lists: majors, exact versions, current; anything else a usage error naming the value', () => {
  assert.deepEqual(parseNodeList('22, 24,v24'), ['22', '24']);
  assert.deepEqual(parseNodeList('22.23.5,current'), ['22.23.5', 'current']);
  assert.throws(() => parseNodeList('lts'), (e: unknown) => e instanceof UsageError && /'lts' is not a Node version/.test(e.message));
  assert.throws(() => parseNodeList(' , '), UsageError);
});

test('--node expands every Node driver once per runtime; external drivers and explicit runtimes stay once', () => {
  const isNode = (b: string): boolean => driverEntry(b)?.kind === 'node';
  assert.deepEqual(expandRuntimes(['addon', 'c', 'kafkajs:node20', 'confluent@1.6.0'], ['22', '24'], isNode), [
    'addon:node22', 'addon:node24', 'c', 'kafkajs:node20', 'confluent@1.6.0:node22', 'confluent@1.6.0:node24',
  ]);
});

test('the registry takes variant keys of its drivers and names what is wrong with the others', () => {
  const e = driverEntry('confluent@1.6.0:node22');
  assert.ok(e);
  assert.equal(e.id, 'confluent@1.6.0:node22');
  assert.equal(e.base, 'confluent');
  assert.equal(e.package, '@confluentinc/kafka-javascript');
  assert.deepEqual(e.variant, { version: '1.6.0', node: '22' });
  assert.equal(baseDriverId('kafkajs:node24'), 'kafkajs');
  assert.equal(driverKeyProblem('kafkajs@2.2.4'), undefined);
  assert.match(driverKeyProblem('addon@1.0.0') ?? '', /addon has no npm package/);
  assert.match(driverKeyProblem('java:node24') ?? '', /java is not a Node driver/);
  assert.match(driverKeyProblem('nosuch@1.0.0') ?? '', /unknown driver 'nosuch@1.0.0'/);
  assert.equal(driverEntry('addon@1.0.0'), undefined);
});

test('the plan: --drivers with versions, --node expansion, --librdkafka bundled by default; bad keys are usage errors', () => {
  const spec = planRunSpec({ drivers: ['confluent@1.6.0', 'confluent@1.10.1', 'kafkajs', 'c'], runtimes: ['22', '24'] });
  assert.deepEqual(spec.drivers, ['confluent@1.6.0:node22', 'confluent@1.6.0:node24', 'confluent@1.10.1:node22', 'confluent@1.10.1:node24', 'kafkajs:node22', 'kafkajs:node24', 'c']);
  assert.equal(spec.librdkafka, 'bundled');
  assert.equal(planRunSpec({ drivers: ['kafkajs'], librdkafka: 'shared' }).librdkafka, 'shared');
  assert.throws(() => planRunSpec({ drivers: ['addon@2.0.0'] }), (err: unknown) => err instanceof UsageError && /--drivers: 'addon@2.0.0': addon has no npm package/.test(err.message));
  assert.throws(() => planRunSpec({ drivers: ['kafkajs'], baseline: 'nope' }), (err: unknown) => err instanceof UsageError && /--baseline: unknown driver 'nope'/.test(err.message));
});

test('a run whose Node drivers run on Node 20 says Node 20 is past its end of life; on 22 and 24 nothing', async () => {
  const { endOfLifeWarning } = await import('../../src/runner/run.js');
  assert.match(endOfLifeWarning('20.20.2', ['kafkajs', 'kafkajs:node24', 'c']) ?? '', /^Node 20\.20\.2 is past its end of life .* and kafkajs ran on it/);
  assert.equal(endOfLifeWarning('20.20.2', ['kafkajs:node24', 'c']), undefined, 'nothing ran on the old Node');
  assert.equal(endOfLifeWarning('24.22.3', ['kafkajs']), undefined);
  assert.equal(endOfLifeWarning('22.23.5', ['kafkajs']), undefined);
});
