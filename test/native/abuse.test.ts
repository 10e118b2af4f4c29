// Regression tests for the crashes the fuzzer (fuzz.test.ts) found: JS that runs in the middle of an
// addon call (getters, Proxies, Object.prototype setters), buffers detached, shrunk or rewritten by
// another thread mid-call, receivers of the wrong class, worker termination, and arguments librdkafka
// itself cannot take. Each used to crash, hang or throw an undocumented error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { binding } from '../../src/native/binding.js';
import { KafkaError, NativeConsumer, NativeProducer } from '../../src/native/index.js';
import { UNREACHABLE, sleep } from './helpers.js';

type Raw = Record<string, (...args: unknown[]) => unknown>;
const newRawProducer = (): Raw => new (binding().Producer as unknown as new (c: object) => Raw)(UNREACHABLE);
const newRawConsumer = (): Raw => new (binding().Consumer as unknown as new (c: object) => Raw)(UNREACHABLE);

const isState = (e: unknown): boolean => e instanceof KafkaError && e.code === 'ERR__STATE';

/** An array whose element 0 runs `effect` when the addon reads it. */
function arrayWithGetter<T>(effect: () => void, value: T): T[] {
  const a: T[] = [];
  Object.defineProperty(a, 0, { enumerable: true, get: () => (effect(), value) });
  return a;
}

function batchOver(ab: ArrayBuffer, count: number, size: number): [Uint8Array, Uint32Array] {
  return [new Uint8Array(ab), new Uint32Array(count + 1).map((_, i) => i * size)];
}

test('a headers getter that closes the producer: the call fails with ERR__STATE instead of using the destroyed handle', async () => {
  const p = newRawProducer();
  const [values, offsets] = batchOver(new ArrayBuffer(300), 3, 100);
  const headers = arrayWithGetter(() => {
    void p.close(0);
    const until = Date.now() + 200; // give the close time to destroy the handle before the call goes on
    while (Date.now() < until);
  }, ['h', 'v']);
  assert.throws(() => p.produce('t', -1, undefined, values, offsets, undefined, undefined, headers), isState);
  assert.throws(() => p.produceSync('t', -1, undefined, values, offsets, undefined, undefined, headers), isState);
  await sleep(300);
});

test('a headers getter that detaches or shrinks the batch buffer: RangeError, not a read of freed memory', async (t) => {
  const p = new NativeProducer(UNREACHABLE);
  t.after(() => p.close({ timeoutMs: 0 }));
  const detached = new ArrayBuffer(100_000);
  const headers = arrayWithGetter(() => {
    structuredClone(detached, { transfer: [detached] });
    globalThis.gc?.();
  }, ['h', 'v'] as const);
  const [v1, o1] = batchOver(detached, 1000, 100);
  assert.throws(() => p.produce('t', { values: v1, valueOffsets: o1 }, { headers }), { name: 'RangeError', message: /batch\.valueOffsets point past the end/ });

  const resizable = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void })(100_000, { maxByteLength: 1 << 20 });
  const [v2, o2] = batchOver(resizable, 1000, 100);
  const shrink = arrayWithGetter(() => resizable.resize(0), ['h', 'v'] as const);
  assert.throws(() => p.produce('t', { values: v2, valueOffsets: o2 }, { headers: shrink }), { name: 'RangeError' });
  assert.equal(p.poll().enqueued, 0);
});

test('getters in assign() and subscribe() that close the consumer: ERR__STATE instead of a crash in librdkafka', async () => {
  for (const call of ['assign', 'subscribe'] as const) {
    const c = newRawConsumer();
    const closeAndWait = (): void => {
      void c.close();
      const until = Date.now() + 300;
      while (Date.now() < until);
    };
    const arg = call === 'assign'
      ? [{ get topic(): string { closeAndWait(); return 't'; }, partition: 0 }]
      : arrayWithGetter(closeAndWait, 't');
    assert.throws(() => c[call]?.(arg), isState, call);
  }
  await sleep(300);
});

test('assign() rejects offsets that do not fit an int64 or are not Kafka offsets, and topic names librdkafka cannot take', async (t) => {
  const c = new NativeConsumer(UNREACHABLE);
  t.after(() => c.close());
  for (const offset of [Infinity, 1e300, 2 ** 63, -5, -1002, 0.5]) {
    assert.throws(() => c.assign([{ topic: 't', partition: 0, offset }]), { name: 'RangeError', message: /offset must be an offset >= 0 or a logical offset/ }, String(offset));
  }
  // librdkafka 2.12 crashes in assign() on a topic name over 512 bytes.
  assert.throws(() => c.assign([{ topic: 'x'.repeat(513), partition: 0 }]), { name: 'RangeError', message: /topic must be at most 512 bytes/ });
  c.assign([{ topic: 'x'.repeat(512), partition: 0, offset: 2 ** 53 }]);
});

test('produceLoop() with a payload size no message can have is a RangeError, not an out-of-memory rejection', async (t) => {
  const p = new NativeProducer(UNREACHABLE);
  t.after(() => p.close({ timeoutMs: 0 }));
  await assert.rejects(p.produceLoop({ topic: 't', count: 1, size: 2 ** 53 - 1 }), { name: 'RangeError', message: /options\.size must be <= 1000000000/ });
});

test('an Object.prototype setter that calls back into the producer while it builds a result does not deadlock', async (t) => {
  const p = new NativeProducer(UNREACHABLE);
  t.after(() => p.close({ timeoutMs: 0 }));
  let reentered = 0;
  let inside = false;
  for (const key of ['delivered', 'clientErrors', 'enqueued']) {
    Object.defineProperty(Object.prototype, key, {
      configurable: true,
      set() {
        if (inside) return;
        inside = true;
        reentered++;
        p.poll(0); // used to wait forever for the lock the outer call held
        p.stats();
        inside = false;
      },
    });
    try {
      p.poll(0);
      p.stats();
    } finally {
      delete (Object.prototype as Record<string, unknown>)[key];
    }
  }
  assert.ok(reentered > 0);
});

test("the state accessor called on another class's object is a TypeError, not a wrong cast", async (t) => {
  const p = newRawProducer();
  const c = newRawConsumer();
  t.after(async () => {
    await p.close?.(0);
    await c.close?.();
  });
  const accessor = (cls: unknown): (() => unknown) => Object.getOwnPropertyDescriptor((cls as { prototype: object }).prototype, 'state')?.get as () => unknown;
  const producerState = accessor(binding().Producer);
  const consumerState = accessor(binding().Consumer);
  assert.equal(producerState.call(p), 'open');
  for (const [getter, self] of [[producerState, c], [consumerState, p], [producerState, {}], [producerState, undefined]] as const) {
    assert.throws(() => getter.call(self), { name: 'TypeError', message: /^this must be a (Producer|Consumer)/ });
  }
  // Methods were already protected by V8's receiver check.
  const poll = (binding().Producer as unknown as { prototype: Raw }).prototype.poll as (...args: unknown[]) => unknown;
  assert.throws(() => poll.call(c, 0), { name: 'TypeError', message: /Illegal invocation/ });
});

test('offsets in a SharedArrayBuffer rewritten by another thread during produce() are never read out of bounds', async () => {
  const n = 10_000;
  const shared = new SharedArrayBuffer(4 * (n + 1));
  const offsets = new Uint32Array(shared);
  offsets.forEach((_, i) => (offsets[i] = i));
  const stop = new Int32Array(new SharedArrayBuffer(4));
  // The other thread makes message i's range point ~4 GiB past the buffer for a moment, again and again.
  const scribbler = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const o = new Uint32Array(workerData.shared), stop = new Int32Array(workerData.stop);
    parentPort.postMessage('running');
    let x = 1;
    while (Atomics.load(stop, 0) === 0) {
      x = (x * 1103515245 + 12345) >>> 0;
      const i = x % (o.length - 1);
      o[i] = 0xf0000000; o[i + 1] = 0xf0000010;
      for (let k = 0; k < 50; k++) Atomics.load(stop, 0);
      o[i] = i; o[i + 1] = i + 1;
    }`, { eval: true, workerData: { shared, stop: stop.buffer } });
  await new Promise((resolve) => scribbler.once('message', resolve));
  const values = new Uint8Array(n);
  let calls = 0;
  let enqueued = 0;
  let rejected = 0;
  try {
    // A race, so many calls; several producers, each closed (its queue purged) after 400 000 messages.
    for (let producers = 0; producers < 5; producers++) {
      const p = new NativeProducer({ ...UNREACHABLE, 'queue.buffering.max.messages': 1_000_000 });
      for (let round = 0; round < 40; round++, calls++) {
        try {
          enqueued += p.produce('t', { values, valueOffsets: offsets });
        } catch (e) {
          assert.ok(e instanceof RangeError, String(e));
          rejected++;
        }
      }
      await p.close({ timeoutMs: 0 });
    }
  } finally {
    Atomics.store(stop, 0, 1);
    await scribbler.terminate();
  }
  // A call either enqueued its whole range (queue space is ample) or saw a broken range and refused it.
  assert.equal(enqueued + rejected * n, calls * n);
});

test('a worker terminated while its calls fail does not abort the process', async () => {
  // Each worker calls the addon in a loop, with results built on a polluted Object.prototype so that
  // calls end in a JS exception; terminate() lands in the middle of one. Before
  // NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS, node-addon-api rethrew out of the callback: std::terminate.
  const index = new URL('../../src/native/index.js', import.meta.url).href;
  for (let i = 0; i < 6; i++) {
    const w = new Worker(`
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(index)}).then(({ NativeConsumer, NativeProducer }) => {
        const c = new NativeConsumer({ 'bootstrap.servers': '127.0.0.1:1', log_level: 2 });
        const p = new NativeProducer({ 'bootstrap.servers': '127.0.0.1:1', log_level: 2 });
        Object.defineProperty(Object.prototype, 'count', { configurable: true, set() { throw new Error('setter'); } });
        parentPort.postMessage('running');
        for (;;) {
          try { c.consumeSync(10, 1); } catch {}
          try { p.poll(0); } catch {}
        }
      });`, { eval: true });
    await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await sleep(20 + 15 * i);
    await w.terminate();
  }
});
