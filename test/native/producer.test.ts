// NativeProducer without a broker: errors, queue-full handling, close, and the produceLoop checksum
// (payloads from a source read back through kbench-mock, librdkafka's mock cluster in its own process).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  KafkaError, NativeConsumer, NativeProducer, errorName, packBatch, payloadBatch, type MessageBatch,
} from '../../src/native/index.js';
import { startMock } from '../../src/overhead/mock.js';
import { expectedChecksum, fillPayloads, randomSource, type PayloadBytes } from '../../src/verify/payload.js';
import { MOCK, UNREACHABLE, sleep } from './helpers.js';

const kafkaError = (code: string, message?: RegExp) => (err: unknown): boolean => {
  assert.ok(err instanceof KafkaError, `expected a KafkaError, got ${String(err)}`);
  assert.equal(err.code, code);
  if (message) assert.match(err.message, message);
  return true;
};

test('an unknown config key is a KafkaError naming the key', () => {
  assert.throws(() => new NativeProducer({ 'no.such.key': 1 }), kafkaError('ERR__INVALID_ARG', /no\.such\.key/));
});

test("a bad config value is a KafkaError naming the key and librdkafka's reason", () => {
  assert.throws(() => new NativeProducer({ 'linger.ms': 'soon' }), kafkaError('ERR__INVALID_ARG', /linger\.ms.*Invalid value/));
  assert.throws(() => new NativeProducer({ acks: 'some' }), kafkaError('ERR__INVALID_ARG', /acks/));
  assert.throws(() => new NativeProducer({ 'delivery.report.only.error': true }), kafkaError('ERR__INVALID_ARG', /delivery\.report\.only\.error/));
});

test('a config value of the wrong type is a TypeError naming the key', () => {
  assert.throws(() => new NativeProducer({ 'linger.ms': {} as unknown as number }), { name: 'TypeError', message: /config\['linger\.ms'\]/ });
  assert.throws(() => new NativeProducer('nope' as unknown as Record<string, string>), { name: 'TypeError', message: /^config must be/ });
});

test('wrong argument types are TypeErrors naming the argument', async (t) => {
  const p = new NativeProducer(UNREACHABLE);
  t.after(() => p.close({ timeoutMs: 0 }));
  const good = packBatch(['a', 'b']);
  const cases: [() => unknown, RegExp][] = [
    [() => p.produce(42 as unknown as string, good), /^topic must be a string/],
    [() => p.produce('t', { ...good, values: [1, 2] as unknown as Uint8Array }), /^batch\.values must be/],
    [() => p.produce('t', { ...good, valueOffsets: [0, 1, 2] as unknown as Uint32Array }), /^batch\.valueOffsets must be/],
    [() => p.produce('t', { ...good, keys: Buffer.from('k') }), /^batch\.keyOffsets must be/],
    [() => p.produce('t', { ...good, partitions: [0, 0] as unknown as Int32Array }), /^batch\.partitions must be/],
    [() => p.produce('t', good, { partition: '1' as unknown as number }), /^options\.partition must be/],
    [() => p.produce('t', good, { headers: [['h', 42]] as unknown as [string, string][] }), /^options\.headers\[0\]\[1\] must be/],
    [() => p.produce('t', null as unknown as MessageBatch), /^batch must be/],
    [() => p.poll('0' as unknown as number), /^timeoutMs must be/],
    [() => p.stats({ reset: 1 as unknown as boolean }), /^reset must be/],
  ];
  for (const [call, message] of cases) assert.throws(call, { name: 'TypeError', message });
  await assert.rejects(() => p.produceLoop({ topic: 't', count: 1 } as unknown as { topic: string; count: number; size: number }), {
    name: 'TypeError', message: /^options\.size must be/,
  });
});

test('inconsistent batches are RangeErrors naming the argument, and nothing is enqueued', async (t) => {
  const p = new NativeProducer(UNREACHABLE);
  t.after(() => p.close({ timeoutMs: 0 }));
  const values = Buffer.alloc(10);
  assert.throws(() => p.produce('t', { values, valueOffsets: new Uint32Array([0, 5, 11]) }), { name: 'RangeError', message: /batch\.valueOffsets point past/ });
  assert.throws(() => p.produce('t', { values, valueOffsets: new Uint32Array([0, 6, 5]) }), { name: 'RangeError', message: /non-decreasing \(at index 1\)/ });
  assert.throws(() => p.produce('t', { values, valueOffsets: new Uint32Array([0, 5, 10]) }, { start: 3 }), { name: 'RangeError', message: /^start/ });
  assert.throws(() => p.produce('t', { values, valueOffsets: new Uint32Array([0, 5, 10]), partitions: new Int32Array(1) }), { name: 'RangeError', message: /batch\.partitions/ });
  assert.throws(() => p.produce('t', { values, valueOffsets: new Uint32Array([0, 5, 10]) }, { partition: -2 }), { name: 'RangeError', message: /options\.partition/ });
  await assert.rejects(() => p.produceLoop({ topic: 't', count: 1, size: 15, timestamps: true }), { name: 'RangeError', message: /options\.size must be >= 16/ });
  assert.equal(p.poll().enqueued, 0);
});

test('messages to an unreachable broker fail with ERR__MSG_TIMED_OUT, counted in C++', async (t) => {
  const p = new NativeProducer(UNREACHABLE);
  t.after(() => p.close({ timeoutMs: 0 }));
  assert.equal(p.produce('unreachable', payloadBatch(200, 100)), 200);
  await p.flush(20_000); // resolves once the timed-out reports have been served
  const s = p.stats();
  assert.equal(s.enqueued, 200);
  assert.equal(s.delivered, 0);
  assert.equal(s.failed, 200);
  assert.deepEqual(s.errors, { ERR__MSG_TIMED_OUT: 200 });
  assert.equal(s.latency.count, 0);
  const totals = p.poll();
  assert.equal(totals.failed, 200);
  assert.equal(totals.inFlight >= 0, true);
});

test('stats().latency keeps every delivered message with { latency: true }, none by default', async (t) => {
  for (const latency of [undefined, false, true]) {
    const p = new NativeProducer(MOCK, latency === undefined ? undefined : { latency });
    t.after(() => p.close());
    assert.equal(p.produce('latency-option', payloadBatch(500, 20)), 500);
    await p.flush(20_000);
    const s = p.stats();
    assert.equal(s.delivered, 500);
    assert.equal(s.latency.count, latency ? 500 : 0, `latency: ${String(latency)}`);
    if (latency) assert.ok(s.latency.max >= 0);
  }
  assert.throws(() => new NativeProducer(MOCK, { latency: 'yes' as unknown as boolean }), { name: 'TypeError', message: /^options\.latency must be a boolean/ });
});

test('produceSync reports per-message failures, or rejects with the KafkaError', async (t) => {
  const p = new NativeProducer(UNREACHABLE);
  t.after(() => p.close({ timeoutMs: 0 }));
  const report = await p.produceSync('unreachable', packBatch(['x', 'y', 'z']), { allowFailures: true });
  assert.equal(report.count, 3);
  assert.equal(report.failed, 3);
  assert.deepEqual([...report.errors].map(errorName), ['ERR__MSG_TIMED_OUT', 'ERR__MSG_TIMED_OUT', 'ERR__MSG_TIMED_OUT']);
  await assert.rejects(() => p.produceSync('unreachable', packBatch(['w'])), kafkaError('ERR__MSG_TIMED_OUT', /1 of 1 messages failed/));
});

test('a full queue is not an error: produce() says how far it got, and after polling the rest goes through', async (t) => {
  const p = new NativeProducer({ ...MOCK, 'queue.buffering.max.messages': 100 }, { latency: true });
  t.after(() => p.close());
  const batch = payloadBatch(1000, 50);
  const first = p.produce('queue-full', batch);
  assert.ok(first < 1000, `the first call enqueued ${first} of 1000`);
  assert.ok(first > 0);
  let at = first;
  let calls = 1;
  while (at < 1000) {
    p.poll(0);
    await sleep(1);
    at += p.produce('queue-full', batch, { start: at });
    calls++;
  }
  assert.ok(calls > 1);
  await p.flush(20_000);
  const s = p.stats();
  assert.equal(s.enqueued, 1000);
  assert.equal(s.delivered, 1000);
  assert.equal(s.failed, 0);
  assert.equal(s.latency.count, 1000);
});

test('produceSync waits for a batch larger than the queue, and produceAll() fills it without blocking', async (t) => {
  const p = new NativeProducer({ ...MOCK, 'queue.buffering.max.messages': 50 });
  t.after(() => p.close());
  const report = await p.produceSync('sync-big', payloadBatch(500, 20), { partition: 0 });
  assert.equal(report.count, 500);
  assert.equal(report.failed, 0);
  for (let i = 1; i < 500; i++) assert.equal(report.offsets[i], (report.offsets[i - 1] as number) + 1);
  assert.equal(await p.produceAll('sync-big', payloadBatch(500, 20)), 500);
  await p.flush();
  assert.equal(p.stats().delivered, 1000);
});

test('delivery records (opt-in) give partition and offset per message id', async (t) => {
  const p = new NativeProducer(MOCK, { deliveryRecords: true });
  t.after(() => p.close());
  assert.equal(p.produce('records', payloadBatch(300, 10), { partition: 1 }), 300);
  await p.flush();
  const r = p.poll().records!;
  assert.equal(r.ids.length, 300);
  assert.deepEqual([...r.ids].sort((a, b) => a - b), Array.from({ length: 300 }, (_, i) => i));
  assert.ok([...r.partitions].every((x) => x === 1));
  assert.ok([...r.errors].every((x) => x === 0));
  assert.equal(new Set(r.offsets).size, 300);
  assert.equal(p.poll().records!.ids.length, 0, 'records are drained by poll()');
});

test("produceLoop's checksum is expectedChecksum() of the payloads it sent", async (t) => {
  const p = new NativeProducer(MOCK);
  t.after(() => p.close());
  for (const size of [4, 100]) {
    const r = await p.produceLoop({ topic: 'loop', count: 5000, size, firstSeq: 7, pollEvery: 100 });
    assert.equal(r.error, undefined);
    assert.equal(r.enqueued, 5000);
    assert.equal(r.delivered, 5000);
    assert.equal(r.failed, 0);
    assert.equal(r.timedOut, false);
    assert.equal(r.checksum, expectedChecksum(size, 7, 5000).hex, `size ${size}`);
    assert.equal(r.bytes, 5000 * size);
    assert.equal(r.latency.count, 5000);
    assert.ok(r.elapsedNs >= r.enqueueNs && r.enqueueNs > 0);
  }
});

test('produceLoop({ checksum: false, latency: false }) sends the same messages without a checksum or latencies', async (t) => {
  const p = new NativeProducer(MOCK);
  t.after(() => p.close());
  const r = await p.produceLoop({ topic: 'loop-bare', count: 3000, size: 100, pollEvery: 100, checksum: false, latency: false });
  assert.equal(r.delivered, 3000);
  assert.equal(r.bytes, 300_000);
  assert.equal(r.checksum, undefined);
  assert.equal(r.latency.count, 0, 'no report latency kept');
  const again = await p.produceLoop({ topic: 'loop-bare', count: 10, size: 100 });
  assert.equal(again.latency.count, 10, 'the next loop keeps latencies again by default');
  assert.equal(typeof again.checksum, 'string');
  await assert.rejects(async () => p.produceLoop({ topic: 'loop-bare', count: 1, size: 100, checksum: 'yes' as never }), (e: unknown) => e instanceof TypeError && /options\.checksum/.test(String(e)));
  await assert.rejects(async () => p.produceLoop({ topic: 'loop-bare', count: 1, size: 100, latency: 1 as never }), (e: unknown) => e instanceof TypeError && /options\.latency/.test(String(e)));
});

test('produceLoop({ payload }) validates the source and the stride: TypeErrors naming them', async (t) => {
  const p = new NativeProducer(MOCK);
  t.after(() => p.close());
  const loop = (payload: unknown) => p.produceLoop({ topic: 'bad', count: 1, size: 10, payload } as unknown as Parameters<NativeProducer['produceLoop']>[0]);
  const cases: [unknown, RegExp][] = [
    ['abc', /^options\.payload must be an object/],
    [{ source: Buffer.alloc(0), stride: 0 }, /^options\.payload\.source must be a non-empty Buffer or Uint8Array/],
    [{ source: 'abc', stride: 0 }, /^options\.payload\.source must be/],
    [{ source: new Uint16Array(4), stride: 0 }, /^options\.payload\.source must be/],
    [{ stride: 0 }, /^options\.payload\.source must be/],
    [{ source: Buffer.from('abc') }, /^options\.payload\.stride must be a non-negative integer/],
    [{ source: Buffer.from('abc'), stride: -1 }, /^options\.payload\.stride must be/],
    [{ source: Buffer.from('abc'), stride: 1.5 }, /^options\.payload\.stride must be/],
    [{ source: Buffer.from('abc'), stride: '3' }, /^options\.payload\.stride must be/],
  ];
  for (const [payload, message] of cases) await assert.rejects(() => loop(payload), { name: 'TypeError', message });
  assert.equal(p.state, 'open', 'a refused loop leaves the producer usable');
});

test("produceLoop({ payload }): the checksum is expectedChecksum() of the contract's payloads", async (t) => {
  const p = new NativeProducer(MOCK);
  t.after(() => p.close());
  const random = randomSource();
  const odd = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!');
  const cases: [string, number, PayloadBytes, boolean][] = [
    ['random, stride = size', 100, { source: random, stride: 100 }, false],
    ['random, stride = size < 8', 4, { source: random, stride: 4 }, false],
    ['a short source, stride 0 (constant body)', 100, { source: odd, stride: 0 }, false],
    ['a short source, stride = its length (constant body)', 100, { source: odd, stride: odd.length }, false],
    ['a short source, odd stride', 100, { source: odd, stride: 7 }, false],
    ['random, with timestamps', 64, { source: random, stride: 64 }, true],
    ['size 0', 0, { source: odd, stride: 3 }, false],
  ];
  for (const [what, size, payload, timestamps] of cases) {
    const r = await p.produceLoop({ topic: 'loop-src', count: 3000, size, firstSeq: 11, pollEvery: 100, payload, timestamps });
    assert.equal(r.error, undefined, what);
    assert.equal(r.delivered, 3000, what);
    assert.equal(r.bytes, 3000 * size, what);
    if (!timestamps) assert.equal(r.checksum, expectedChecksum(size, 11, 3000, payload).hex, what);
    else assert.notEqual(r.checksum, expectedChecksum(size, 11, 3000, payload).hex, 'the send times are in the payloads (and the checksum)');
  }
  // The source is copied when the loop starts: changing the caller's buffer afterwards changes nothing.
  const mine = Buffer.from(random.subarray(0, 1000));
  const loop = p.produceLoop({ topic: 'loop-src', count: 2000, size: 100, payload: { source: mine, stride: 100 } });
  mine.fill(0);
  assert.equal((await loop).checksum, expectedChecksum(100, 0, 2000, { source: random.subarray(0, 1000), stride: 100 }).hex);
});

test('produceLoop({ payload }) through a mock cluster: every payload read back is its seq’s, per fillPayloads()', async (t) => {
  const mock = await startMock({ topic: 'payloads', partitions: 1 });
  t.after(() => mock.stop());
  const size = 100;
  const count = 3000;
  const firstSeq = 40;
  const payload: PayloadBytes = { source: randomSource(), stride: size };
  const p = new NativeProducer({ 'bootstrap.servers': mock.bootstrap, 'linger.ms': 5, log_level: 2 });
  const sent = await p.produceLoop({ topic: 'payloads', partition: 0, count, size, firstSeq, payload });
  await p.close();
  assert.equal(sent.delivered, count);
  const expected = expectedChecksum(size, firstSeq, count, payload).hex;
  assert.equal(sent.checksum, expected);

  const c = new NativeConsumer({ 'bootstrap.servers': mock.bootstrap, 'enable.auto.commit': false, 'auto.offset.reset': 'earliest', log_level: 2 });
  t.after(() => c.close());
  c.assign([{ topic: 'payloads', partition: 0, offset: 'beginning' }]);
  const want = Buffer.allocUnsafe(size);
  let read = 0;
  const deadline = Date.now() + 30_000;
  while (read < count && Date.now() < deadline) {
    const got = await c.consume(1000, 500);
    assert.deepEqual(got.errors, []);
    for (let i = 0; i < got.count; i++, read++) {
      fillPayloads(want, 0, size, firstSeq + read, 1, payload); // one partition: offset order is seq order
      assert.ok(got.value(i).equals(want), `message ${read} (seq ${firstSeq + read}) differs from fillPayloads()`);
    }
  }
  assert.equal(read, count);
});

test('while produceLoop runs, other calls fail with ERR__STATE (busy)', async (t) => {
  const p = new NativeProducer(MOCK);
  t.after(() => p.close());
  const loop = p.produceLoop({ topic: 'busy', count: 200_000, size: 10 });
  assert.equal(p.state, 'busy');
  assert.throws(() => p.produce('busy', packBatch(['x'])), kafkaError('ERR__STATE', /busy/));
  assert.throws(() => p.poll(), kafkaError('ERR__STATE', /busy/));
  assert.throws(() => p.flush(), kafkaError('ERR__STATE', /busy/));
  assert.throws(() => p.close(), kafkaError('ERR__STATE', /busy/));
  assert.equal(typeof p.stats().enqueued, 'number', 'stats() stays readable');
  const r = await loop;
  assert.equal(r.delivered, 200_000);
  assert.equal(p.state, 'open');
  assert.equal(p.produce('busy', packBatch(['x'])), 1);
});

test('produceSync settles whoever serves the reports: reports left unpolled, a flush(), a poll(), concurrent calls, an empty batch', { timeout: 60_000 }, async (t) => {
  const p = new NativeProducer(MOCK);
  t.after(() => p.close());
  // Reports nobody polled are already waiting: the queue never goes from empty to non-empty for the sync batch.
  assert.equal(p.produce('sync-serve', payloadBatch(100, 10)), 100);
  await sleep(300);
  const afterUnpolled = await p.produceSync('sync-serve', payloadBatch(3, 10), { partition: 0 });
  assert.equal(afterUnpolled.failed, 0);
  // A flush() on the service thread serves the reports of a pending produceSync().
  const [report] = await Promise.all([p.produceSync('sync-serve', payloadBatch(5, 10), { partition: 0 }), p.flush(20_000)]);
  assert.equal(report.count, 5);
  assert.equal(report.failed, 0);
  // So does a poll() on the JS thread.
  const polled = p.produceSync('sync-serve', payloadBatch(2, 10), { partition: 0 });
  while (p.poll(0).inFlight > 0) await sleep(1);
  assert.equal((await polled).failed, 0);
  // Many at once, each with its own report, in batch order.
  const many = await Promise.all(Array.from({ length: 20 }, (_, i) => p.produceSync('sync-serve', payloadBatch(i + 1, 10), { partition: 0 })));
  for (const [i, r] of many.entries()) {
    assert.equal(r.count, i + 1);
    assert.equal(r.failed, 0);
    for (let k = 1; k < r.count; k++) assert.equal(r.offsets[k], (r.offsets[k - 1] as number) + 1);
  }
  const empty = await p.produceSync('sync-serve', payloadBatch(2, 10), { start: 1, end: 1 });
  assert.equal(empty.count, 0);
  assert.equal(p.stats().delivered, 100 + 3 + 5 + 2 + 210);
});

test('a pending produceSync() keeps the process alive until its report, and one pending at exit does not crash', () => {
  const producerJs = fileURLToPath(new URL('../../src/native/index.js', import.meta.url));
  const script = `
    const { NativeProducer, packBatch } = await import(${JSON.stringify(producerJs)});
    const p = new NativeProducer({ 'test.mock.num.brokers': 1, log_level: 2 });
    p.produceSync('alive', packBatch(['a'])).then((r) => {
      console.log('settled', r.failed);
      const stuck = new NativeProducer({ 'bootstrap.servers': '127.0.0.1:1', 'message.timeout.ms': 600000, log_level: 2 });
      void stuck.produceSync('stuck', packBatch(['b']));
      setTimeout(() => process.exit(0), 50);
    });
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, r.stderr);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /settled 0/);
});

test('use after close is a KafkaError ERR__STATE, never a crash; stats() keeps the final account', async () => {
  const p = new NativeProducer(UNREACHABLE);
  p.produce('closing', payloadBatch(10_000, 100));
  await p.close({ timeoutMs: 0 }); // in flight: purged, counted
  assert.equal(p.state, 'closed');
  const s = p.stats();
  assert.equal(s.failed, 10_000);
  assert.deepEqual(Object.keys(s.errors).filter((c) => !c.startsWith('ERR__PURGE_')), []);
  assert.equal(s.inFlight, 0);
  const calls = [() => p.produce('closing', packBatch(['x'])), () => p.poll(), () => p.flush(), () => p.produceSync('closing', packBatch(['x'])),
    () => p.produceAll('closing', packBatch(['x'])), () => p.produceLoop({ topic: 'closing', count: 1, size: 1 }), () => p.close()];
  for (const call of calls) await assert.rejects(async () => call(), kafkaError('ERR__STATE', /closed/));
});

test('dropping producers with messages in flight (GC, process exit) does not crash', () => {
  const producerJs = fileURLToPath(new URL('../../src/native/index.js', import.meta.url));
  const script = `
    const { NativeProducer, payloadBatch } = await import(${JSON.stringify(producerJs)});
    const cfg = { 'bootstrap.servers': '127.0.0.1:1', log_level: 2 };
    for (let i = 0; i < 3; i++) new NativeProducer(cfg).produce('gc', payloadBatch(5000, 100));
    const busy = new NativeProducer({ 'test.mock.num.brokers': 1, log_level: 2 });
    const loop = busy.produceLoop({ topic: 'gc', count: 1e7, size: 10 });
    void loop;
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 200));
    globalThis.gc();
    const keep = new NativeProducer(cfg);
    keep.produce('gc', payloadBatch(5000, 100));
    console.log('exiting with a produceLoop running and messages in flight');
    process.exit(0);
  `;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, r.stderr);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /exiting with a produceLoop running/);
});

test('close() is not held up by a pending produceSync() or flush(): they end with its timeout', async () => {
  const p = new NativeProducer({ ...UNREACHABLE, 'message.timeout.ms': 600_000 });
  const sync = p.produceSync('stuck', packBatch(['a', 'b']), { allowFailures: true });
  const flush = p.flush(600_000).then(() => 'flushed', (e: unknown) => (e instanceof KafkaError ? e.code : String(e)));
  const started = Date.now();
  await p.close({ timeoutMs: 200 });
  assert.ok(Date.now() - started < 10_000, `close took ${Date.now() - started} ms`);
  const report = await sync;
  assert.equal(report.failed, 2);
  assert.ok([...report.errors].every((e) => errorName(e).startsWith('ERR__PURGE_')));
  assert.ok(['flushed', 'ERR__TIMED_OUT'].includes(await flush), 'the flush settled with the close');
});

test('a flush() already running when close() is called ends with the close timeout, not its own', async () => {
  const p = new NativeProducer({ ...UNREACHABLE, 'message.timeout.ms': 600_000 });
  p.produce('stuck', packBatch(['a']));
  const flush = p.flush(600_000).then(() => 'flushed', (e: unknown) => (e instanceof KafkaError ? e.code : String(e)));
  // The flush is running on the producer's service thread by now (its first slice is 100 ms).
  await new Promise((r) => setTimeout(r, 300));
  const started = Date.now();
  await p.close({ timeoutMs: 200 });
  assert.ok(Date.now() - started < 10_000, `close took ${Date.now() - started} ms`);
  assert.equal(await flush, 'ERR__TIMED_OUT');
});

test('an array of Buffers and strings is packed by produce()', async (t) => {
  const p = new NativeProducer(MOCK);
  t.after(() => p.close());
  assert.equal(p.produce('array', [Buffer.from('a'), 'b', new Uint8Array([1, 2])]), 3);
  const report = await p.produceSync('array', ['x', 'y'], { partition: 0 });
  assert.equal(report.failed, 0);
  assert.equal(report.offsets[1], (report.offsets[0] as number) + 1);
  await p.flush();
  assert.equal(p.stats().delivered, 5);
});
