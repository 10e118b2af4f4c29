import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConsumerPort, DriverContext, NodeDriver } from '../../src/drivers/types.js';
import { consumeUntil, consumer } from '../../src/scenarios/consumer.js';
import type { ArmSpec } from '../../src/scenarios/types.js';
import { Checksum } from '../../src/verify/payload.js';

const spec: ArmSpec = {
  protocol: 2, payload: { kind: 'compressible', source: '/dev/null', stride: 0 }, armId: 'x.2', driver: 'fake', scenario: 'consumer', messageSize: 100, messages: 0, warmup: 0, firstSeq: 0,
  topic: 't', partitions: 2, readPartitions: [1], connection: { brokers: ['127.0.0.1:1'] }, extraConfig: {}, timeoutMs: 60_000, threads: 1,
  clientId: 'c', groupId: 'g', resultFile: '',
  settings: { acks: 'all', compression: 'none', lingerMs: 5, batchSize: 1, sendBatch: 1, idempotence: false, rate: 0 },
};

test('a consumer share whose partitions hold nothing returns at once, verified empty, without a client', async () => {
  let created = 0;
  const driver = { createConsumer: async () => { created++; throw new Error('no client should be created'); } } as unknown as NodeDriver;
  const o = await consumer(driver, {} as DriverContext, { spec, progress: () => undefined });
  assert.equal(created, 0);
  assert.equal(o.ok, true);
  assert.equal(o.messages, 0);
  assert.equal(o.consumed, 0);
  assert.equal(o.warmupConsumed, 0, 'nor its warm-up');
  assert.equal(o.checksum, new Checksum().hex());
  assert.match(o.notes.join(' '), /hold no messages/);
});

test('a consumer that receives nothing fails after the stall time, saying how far it got', async () => {
  let target: unknown;
  const silent: ConsumerPort = {
    config: {},
    assignment: 'assign',
    consume: (t, _onBatch, onAssigned) => {
      target = t;
      onAssigned?.();
      return new Promise(() => undefined);
    },
    close: async () => undefined,
  };
  await assert.rejects(consumeUntil(silent, { topic: 't', partitions: [1] }, () => true, 600, () => 'read 0 of 10'), /no messages for 0\.6 s \(read 0 of 10\)/);
  assert.deepEqual(target, { topic: 't', partitions: [1] });
});
