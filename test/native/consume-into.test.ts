// consumeSync(max, timeoutMs, into): the batch built in a caller's reused ArrayBuffer (no allocation
// per batch), on librdkafka's mock cluster (kbench-mock, no JVM).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NativeConsumer, consumeBufferSize } from '../../src/native/index.js';
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
