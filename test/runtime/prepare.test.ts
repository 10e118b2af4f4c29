// What an arm of a driver key needs before it runs (src/runtime/prepare.ts): nothing beyond kbench's
// own install for the defaults, an install of its own for another version, ABI or librdkafka build.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { driverEntry, type DriverEntry } from '../../src/drivers/registry.js';
import { needsPreparation, prepareDriver, sameVersion } from '../../src/runtime/prepare.js';
import { clientVersion, satisfiesNode } from '../../src/util/clients.js';
import { UsageError } from '../../src/util/errors.js';

const entry = (key: string): DriverEntry => driverEntry(key) as DriverEntry;

test('engines ranges: the forms client packages declare', () => {
  assert.equal(satisfiesNode('>= 22.22.0 || >= 24.6.0', '20.20.2'), false);
  assert.equal(satisfiesNode('>= 22.22.0 || >= 24.6.0', '22.23.5'), true);
  assert.equal(satisfiesNode('>= 22.22.0 || >= 24.6.0', '22.21.9'), false);
  assert.equal(satisfiesNode('^20.19.0 || ^22.12.0 || >=23', '20.18.0'), false);
  assert.equal(satisfiesNode('^20.19.0 || ^22.12.0 || >=23', '20.19.1'), true);
  assert.equal(satisfiesNode('^20.19.0 || ^22.12.0 || >=23', '22.11.0'), false);
  assert.equal(satisfiesNode('24', '24.1.0'), true);
  assert.equal(satisfiesNode('24', '22.1.0'), false);
  assert.equal(satisfiesNode('>=18 <21', '20.1.0'), true);
  assert.equal(satisfiesNode('>=18 <21', '22.1.0'), false);
});

test('versions compare without a leading v (node-rdkafka says "v3.6.1")', () => {
  assert.equal(sameVersion('3.6.1', 'v3.6.1'), true);
  assert.equal(sameVersion('3.6.0', 'v3.6.1'), false);
  assert.equal(sameVersion('3.6.1', undefined), false);
});

test('which keys need an install or a runtime of their own', () => {
  const running = process.versions.node;
  const major = running.split('.')[0] as string;
  // The addon, pure-JS clients at their installed version, external drivers: nothing to prepare.
  assert.equal(needsPreparation(entry('addon'), 'bundled'), false);
  assert.equal(needsPreparation(entry('kafkajs'), 'bundled'), false);
  assert.equal(needsPreparation(entry(`kafkajs@${clientVersion('kafkajs') as string}`), 'bundled'), false);
  assert.equal(needsPreparation(entry(`kafkajs:node${major}`), 'bundled'), false, 'the running major is the running Node');
  assert.equal(needsPreparation(entry('c'), 'bundled'), false);
  // Another version, another runtime, a NAN client built as its package ships it.
  assert.equal(needsPreparation(entry('kafkajs@2.2.3'), 'bundled'), true);
  assert.equal(needsPreparation(entry(`addon:node${Number(major) === 22 ? 24 : 22}`), 'shared'), true);
  assert.equal(needsPreparation(entry('node-rdkafka'), 'bundled'), true);
});

test('a version that is not on the registry fails its preparation with a reason naming it, and is not remembered', async () => {
  const e = entry('kafkajs@0.0.999');
  await assert.rejects(prepareDriver(e, 'bundled'), (err: unknown) => err instanceof UsageError && /--drivers kafkajs@0\.0\.999: kafkajs@0\.0\.999 is not on the npm registry/.test(err.message));
  await assert.rejects(prepareDriver(e, 'bundled'), /not on the npm registry/);
});

test('a Node the registry has no build of fails with the spec named', async () => {
  await assert.rejects(prepareDriver(entry('kafkajs:node99'), 'bundled'), (err: unknown) => err instanceof UsageError && /no Node 99 on the npm registry/.test(err.message));
});
