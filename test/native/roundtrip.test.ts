// NativeProducer → embedded Kafka broker → NativeConsumer: counts and kbench checksums must match
// exactly, through the batch API from JS and through the C++ loops.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTopic, startBroker, type BrokerHandle } from '../../src/broker/index.js';
import {
  NativeConsumer, NativeProducer, addBatchToChecksum, batchCount, packBatch, payloadBatch, type ConsumedBatch,
} from '../../src/native/index.js';
import { Checksum, expectedChecksum } from '../../src/verify/payload.js';
import { keepSanitizerToOurselves } from './helpers.js';

const N = 100_000;
const SIZE = 100;
const PARTITIONS = 3;

let broker: BrokerHandle;

before(async () => {
  keepSanitizerToOurselves();
  broker = await startBroker({ nodes: 1 });
  for (const topic of ['batch', 'loop', 'latency']) await createTopic(broker.connection, { topic, partitions: PARTITIONS, replication: 1 });
  await createTopic(broker.connection, { topic: 'sync', partitions: 1, replication: 1 });
  await createTopic(broker.connection, { topic: 'keys', partitions: 1, replication: 1 });
});

after(async () => {
  await broker?.stop();
});

const producerConfig = (): Record<string, string | number> => ({ 'bootstrap.servers': broker.bootstrap, 'linger.ms': 5, log_level: 2 });
const consumerConfig = (): Record<string, string | number | boolean> => ({
  'bootstrap.servers': broker.bootstrap, 'enable.auto.commit': false, 'auto.offset.reset': 'earliest', log_level: 2,
});
const allPartitions = (topic: string) => Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition, offset: 'beginning' as const }));

test(`${N} messages through batch produce and batch consume: count and checksum match`, async () => {
  const producer = new NativeProducer(producerConfig(), { latency: true });
  const batch = payloadBatch(N, SIZE);
  for (let start = 0; start < N; start += 10_000) {
    assert.equal(await producer.produceAll('batch', batch, { start, end: start + 10_000 }), 10_000);
  }
  await producer.flush(60_000);
  const sent = producer.stats();
  assert.equal(sent.delivered, N);
  assert.equal(sent.failed, 0);
  assert.equal(sent.latency.count, N);
  await producer.close();

  const consumer = new NativeConsumer(consumerConfig());
  consumer.assign(allPartitions('batch'));
  const sum = new Checksum();
  const perPartition = new Map<number, number>();
  let batches = 0;
  const deadline = Date.now() + 60_000;
  while (sum.count < N && Date.now() < deadline) {
    const got: ConsumedBatch = await consumer.consume(5000, 1000);
    assert.deepEqual(got.errors, []);
    addBatchToChecksum(sum, got);
    for (let i = 0; i < got.count; i++) {
      const p = got.partitions[i] as number;
      const next = perPartition.get(p) ?? 0;
      assert.equal(got.offsets[i], next, 'offsets are consecutive per partition');
      perPartition.set(p, next + 1);
      assert.equal(got.topic(i), 'batch');
    }
    if (got.count > 0) batches++;
  }
  await consumer.close();
  assert.equal(sum.count, N);
  assert.equal(sum.bytes, N * SIZE);
  assert.equal(sum.hex(), expectedChecksum(SIZE, 0, N).hex);
  // Not every partition need get messages: keyless messages stick to one partition at a time (sticky partitioner).
  assert.ok(perPartition.size >= 1);
  assert.ok(batches < N / 10, `${batches} batches for ${N} messages: batches, not messages, cross into JS`);
});

test(`${N} messages through produceLoop and consumeLoop: count and checksum match`, async () => {
  const producer = new NativeProducer(producerConfig());
  const sent = await producer.produceLoop({ topic: 'loop', count: N, size: SIZE, firstSeq: 5, flushTimeoutMs: 60_000 });
  await producer.close();
  assert.equal(sent.error, undefined);
  assert.equal(sent.enqueued, N);
  assert.equal(sent.delivered, N);
  assert.equal(sent.failed, 0);
  assert.equal(sent.timedOut, false);
  const expected = expectedChecksum(SIZE, 5, N).hex;
  assert.equal(sent.checksum, expected);

  const consumer = new NativeConsumer(consumerConfig());
  consumer.assign(allPartitions('loop'));
  const got = await consumer.consumeLoop({ count: N, timeoutMs: 60_000 });
  await consumer.close();
  assert.equal(got.timedOut, false);
  assert.deepEqual(got.errors, {});
  assert.equal(got.count, N);
  assert.equal(got.bytes, N * SIZE);
  assert.equal(got.checksum, expected);
  assert.ok(got.elapsedNs <= got.totalNs);
});

test('produceLoop with timestamps gives consumeLoop end-to-end latency', async () => {
  const producer = new NativeProducer(producerConfig());
  const sent = await producer.produceLoop({ topic: 'latency', count: 2000, size: 64, timestamps: true });
  await producer.close();
  assert.equal(sent.delivered, 2000);
  const consumer = new NativeConsumer(consumerConfig());
  consumer.assign(allPartitions('latency'));
  const got = await consumer.consumeLoop({ count: 2000, timeoutMs: 30_000, timestamps: true });
  await consumer.close();
  assert.equal(got.count, 2000);
  assert.equal(got.latency?.count, 2000);
  assert.ok((got.latency?.max ?? -1) >= 0);
  assert.equal(got.latency?.counts.reduce((a, b) => a + b, 0), 2000);
});

test('sync produce: each message awaited, offsets increase by one', async () => {
  const producer = new NativeProducer({ ...producerConfig(), 'linger.ms': 0 });
  let last = -1;
  for (let i = 0; i < 300; i++) {
    const report = await producer.produceSync('sync', payloadBatch(1, SIZE, i), { partition: 0 });
    assert.equal(report.count, 1);
    assert.equal(report.failed, 0);
    assert.equal(report.partitions[0], 0);
    if (last >= 0) assert.equal(report.offsets[0], last + 1);
    last = report.offsets[0] as number;
    assert.ok((report.latencyUs[0] as number) >= 0);
  }
  const report = await producer.produceSync('sync', payloadBatch(50, SIZE, 300), { partition: 0 });
  assert.deepEqual([...report.offsets], Array.from({ length: 50 }, (_, i) => last + 1 + i));
  await producer.close();

  const consumer = new NativeConsumer(consumerConfig());
  consumer.assign([{ topic: 'sync', partition: 0, offset: 'beginning' }]);
  const got = await consumer.consumeLoop({ count: 350, timeoutMs: 30_000 });
  await consumer.close();
  assert.equal(got.checksum, expectedChecksum(SIZE, 0, 350).hex);
});

test('keys, per-message partitions and headers go through; consumeSync reads them back', async () => {
  const producer = new NativeProducer(producerConfig());
  const batch = packBatch(['v0', 'v1', 'v2', 'v3'], ['k0', 'k1', null, 'k3']);
  assert.equal(batchCount(batch), 4);
  producer.produce('keys', { ...batch, partitions: new Int32Array([0, 0, 0, 0]) }, { headers: [['trace', 'abc'], ['bin', Buffer.from([1, 2])]] });
  await producer.flush();
  assert.equal(producer.stats().delivered, 4);
  await producer.close();

  const consumer = new NativeConsumer(consumerConfig());
  consumer.assign([{ topic: 'keys', partition: 0, offset: 'beginning' }]);
  const values: string[] = [];
  const keys: string[] = [];
  for (let tries = 0; values.length < 4 && tries < 100; tries++) {
    const got = consumer.consumeSync(10, 100);
    for (let i = 0; i < got.count; i++) {
      values.push(got.value(i).toString());
      keys.push(got.key(i).toString());
      assert.ok((got.timestamps[i] as number) > 1.6e12);
    }
  }
  await consumer.close();
  assert.deepEqual(values, ['v0', 'v1', 'v2', 'v3']);
  assert.deepEqual(keys, ['k0', 'k1', '', 'k3']);
});

test('subscribe() and commit(): a group reads a topic and commits', async () => {
  const consumer = new NativeConsumer({ ...consumerConfig(), 'group.id': 'native-roundtrip' });
  consumer.subscribe(['sync']);
  const got = await consumer.consumeLoop({ count: 350, timeoutMs: 60_000 });
  assert.equal(got.count, 350);
  await consumer.commit();
  await consumer.close();
});
