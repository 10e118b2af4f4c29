// consumeSync(max, timeoutMs, into): the batch built in a caller's reused ArrayBuffer (no allocation
// per batch), on librdkafka's mock cluster (kbench-mock, no JVM).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ConsumedBatch, NativeConsumer, NativeProducer, consumeBufferSize, packBatch } from '../../src/native/index.js';
import { startMock } from '../../src/overhead/mock.js';
import { readSeq } from '../../src/verify/payload.js';

const N = 300;
const SIZE = 100;

async function consumer(t: { after(fn: () => Promise<void>): void }): Promise<NativeConsumer> {
  const mock = await startMock({ topic: 'into', partitions: 1, prefill: N, size: SIZE });
  t.after(() => mock.stop());
  const c = new NativeConsumer({ 'bootstrap.servers': mock.bootstrap, 'enable.auto.commit': false, log_level: 3 });
  t.after(() => c.close());
  c.assign([{ topic: 'into', partition: 0, offset: 0 }]);
  return c;
}

test('a batch that fits is built in `into`, and the next call reuses it', async (t) => {
  const c = await consumer(t);
  const into = new ArrayBuffer(consumeBufferSize(100, SIZE));
  const seqs: number[] = [];
  let batches = 0;
  const deadline = Date.now() + 30_000;
  while (seqs.length < N && Date.now() < deadline) {
    const b = c.consumeSync(100, 100, into);
    if (b.count === 0) continue;
    batches++;
    assert.equal(b.values.buffer, into, 'the values are a view of the caller’s buffer');
    assert.equal(b.valueOffsets.buffer, into);
    for (let i = 0; i < b.count; i++) {
      assert.equal(b.value(i).length, SIZE);
      seqs.push(readSeq(b.value(i)));
      assert.equal(b.partitions[i], 0);
      assert.equal(b.offsets[i], seqs.length - 1);
      assert.equal(b.topic(i), 'into');
    }
  }
  assert.deepEqual(seqs, Array.from({ length: N }, (_, i) => i), 'every message once, in order');
  assert.ok(batches >= 3);
});

test('a batch that does not fit gets a block of its own, with the same contents', async (t) => {
  const c = await consumer(t);
  const small = new ArrayBuffer(64);
  let got = 0;
  const deadline = Date.now() + 30_000;
  while (got < N && Date.now() < deadline) {
    const b = c.consumeSync(N, 100, small);
    if (b.count === 0) continue;
    assert.notEqual(b.values.buffer, small);
    for (let i = 0; i < b.count; i++) assert.equal(readSeq(b.value(i)), got + i);
    got += b.count;
  }
  assert.equal(got, N);
});

test('into must be an ArrayBuffer', () => {
  const c = new NativeConsumer({ 'bootstrap.servers': '127.0.0.1:1', log_level: 2 });
  try {
    assert.throws(() => c.consumeSync(1, 0, new Uint8Array(8) as unknown as ArrayBuffer), { name: 'TypeError', message: /^into must be an ArrayBuffer/ });
    assert.throws(() => c.consumeSync(1, 0, new SharedArrayBuffer(64) as unknown as ArrayBuffer), { name: 'TypeError', message: /^into/ });
  } finally {
    void c.close();
  }
});

/** Messages of varying value and key lengths (some keys null) produced to a mock topic, for the keyed tests below. */
async function keyedTopic(t: { after(fn: () => Promise<void>): void }, topic: string, n: number): Promise<{ c: NativeConsumer; values: string[]; keys: string[] }> {
  const mock = await startMock({ topic, partitions: 1 });
  t.after(() => mock.stop());
  const values = Array.from({ length: n }, (_, i) => `value-${i}-${'v'.repeat(i % 37)}`);
  const keys = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? '' : `key-${i}-${'k'.repeat(i % 11)}`));
  const p = new NativeProducer({ 'bootstrap.servers': mock.bootstrap, 'linger.ms': 5, log_level: 3 });
  p.produce(topic, packBatch(values, keys.map((k) => (k === '' ? null : k))), { partition: 0 });
  await p.flush();
  assert.equal(p.stats().delivered, n);
  await p.close();
  const c = new NativeConsumer({ 'bootstrap.servers': mock.bootstrap, 'enable.auto.commit': false, log_level: 3 });
  t.after(() => c.close());
  c.assign([{ topic, partition: 0, offset: 0 }]);
  return { c, values, keys };
}

/** Every message of the topic through `take`, each batch checked by `check`; values and keys in order. */
async function readAll(take: () => ConsumedBatch | Promise<ConsumedBatch>, n: number, check: (b: ConsumedBatch) => void): Promise<{ values: string[]; keys: string[] }> {
  const values: string[] = [];
  const keys: string[] = [];
  const deadline = Date.now() + 30_000;
  while (values.length < n && Date.now() < deadline) {
    const b = await take();
    if (b.count === 0) continue;
    check(b);
    assert.deepEqual(b.errors, []);
    for (let i = 0; i < b.count; i++) {
      assert.equal(b.offsets[i], values.length, 'offsets in order, none skipped');
      values.push(b.value(i).toString());
      keys.push(b.key(i).toString());
    }
  }
  return { values, keys };
}

// 2,000 messages: several of the addon's 512-message chunks per batch.
const KEYED = 2000;

test('a batch of many chunks built in `into` keeps every value and key in order', async (t) => {
  const { c, values, keys } = await keyedTopic(t, 'keyed-fits', KEYED);
  const into = new ArrayBuffer(consumeBufferSize(KEYED, 80));
  let whole = 0;
  const got = await readAll(() => c.consumeSync(KEYED, 100, into), KEYED, (b) => {
    assert.equal(b.values.buffer, into, 'built in the caller’s buffer');
    if (b.count > 512) whole++;
  });
  assert.deepEqual(got.values, values);
  assert.deepEqual(got.keys, keys);
  assert.ok(whole > 0, 'at least one batch held more than one chunk');
});

test('a batch that outgrows `into` part-way moves to a block of its own, nothing lost', async (t) => {
  const { c, values, keys } = await keyedTopic(t, 'keyed-spills', KEYED);
  // Room for the metadata of KEYED messages and 4 bytes of payload each: the values overflow it.
  const into = new ArrayBuffer(consumeBufferSize(KEYED, 4));
  let spilled = 0;
  const got = await readAll(() => c.consumeSync(KEYED, 100, into), KEYED, (b) => {
    if (b.values.buffer !== into) spilled++;
  });
  assert.deepEqual(got.values, values);
  assert.deepEqual(got.keys, keys);
  assert.ok(spilled > 0, 'some batch did not fit');
});

test('consume() (no `into`) keeps every value and key in order', async (t) => {
  const { c, values, keys } = await keyedTopic(t, 'keyed-async', KEYED);
  const got = await readAll(() => c.consume(KEYED, 200), KEYED, () => undefined);
  assert.deepEqual(got.values, values);
  assert.deepEqual(got.keys, keys);
});
