// NativeConsumer without a broker: errors, empty batches, busy and closed states; fetchMetadata()
// against kbench-mock (librdkafka's mock cluster in its own process).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KafkaError, NativeConsumer } from '../../src/native/index.js';
import { startMock } from '../../src/overhead/mock.js';

const CONSUMER = { 'bootstrap.servers': '127.0.0.1:1', log_level: 2 };

test('config errors name the key', () => {
  assert.throws(() => new NativeConsumer({ 'no.such.key': 'x' }), (e: unknown) => e instanceof KafkaError && e.code === 'ERR__INVALID_ARG' && /no\.such\.key/.test(e.message));
  assert.throws(() => new NativeConsumer({ 'auto.offset.reset': 'sideways' }), (e: unknown) => e instanceof KafkaError && /auto\.offset\.reset/.test(e.message));
  assert.throws(() => new NativeConsumer({ 'fetch.min.bytes': [1] as unknown as number }), { name: 'TypeError', message: /config\['fetch\.min\.bytes'\]/ });
});

test('wrong argument types are TypeErrors naming the argument', async (t) => {
  const c = new NativeConsumer(CONSUMER);
  t.after(() => c.close());
  assert.throws(() => c.assign('t' as unknown as []), { name: 'TypeError', message: /^partitions must be/ });
  assert.throws(() => c.assign([{ topic: 1 as unknown as string, partition: 0 }]), { name: 'TypeError', message: /^partitions\[0\]\.topic must be a string/ });
  assert.throws(() => c.assign([{ topic: 't', partition: 'x' as unknown as number }]), { name: 'TypeError', message: /^partitions\[0\]\.partition/ });
  assert.throws(() => c.assign([{ topic: 't', partition: 0, offset: 'middle' as unknown as 'end' }]), { name: 'TypeError', message: /offset must be/ });
  assert.throws(() => c.subscribe([7 as unknown as string]), { name: 'TypeError', message: /^topics\[0\] must be a string/ });
  assert.throws(() => c.consumeSync('10' as unknown as number), { name: 'TypeError', message: /^max must be/ });
  await assert.rejects(async () => c.consume(10, -1), { name: 'RangeError', message: /^timeoutMs/ });
  await assert.rejects(async () => c.consumeLoop({} as unknown as { count: number }), { name: 'TypeError', message: /^options\.count/ });
});

test('consuming with nothing to read returns empty batches (sync and async)', async (t) => {
  const c = new NativeConsumer(CONSUMER);
  t.after(() => c.close());
  c.assign([{ topic: 'nothing', partition: 0, offset: 'beginning' }]);
  const sync = c.consumeSync(100, 0);
  assert.equal(sync.count, 0);
  assert.equal(sync.values.length, 0);
  assert.deepEqual([...sync.valueOffsets], [0]);
  const started = Date.now();
  const batch = await c.consume(100, 300);
  assert.equal(batch.count, 0);
  assert.ok(Date.now() - started >= 250, 'the async form waited for its timeout');
  const loop = await c.consumeLoop({ count: 5, timeoutMs: 300 });
  assert.equal(loop.count, 0);
  assert.equal(loop.timedOut, true);
  assert.equal(loop.checksum, '0000000000000000');
});

test('consumeSync while an async consume is pending is ERR__STATE, and so is everything after close', async () => {
  const c = new NativeConsumer(CONSUMER);
  c.assign([{ topic: 'nothing', partition: 0 }]);
  const pending = c.consume(10, 300);
  assert.throws(() => c.consumeSync(10, 0), (e: unknown) => e instanceof KafkaError && e.code === 'ERR__STATE' && /busy/.test(e.message));
  await assert.rejects(async () => c.consumeLoop({ count: 1 }), (e: unknown) => e instanceof KafkaError && e.code === 'ERR__STATE');
  await pending;
  await c.close();
  assert.equal(c.state, 'closed');
  for (const call of [() => c.consumeSync(1), () => c.consume(1), () => c.consumeLoop({ count: 1 }), () => c.assign([]), () => c.subscribe(['t']),
    () => c.unsubscribe(), () => c.fetchMetadata('t', 100), () => c.commit(), () => c.close()]) {
    // Some of these are async: a rejection or a throw, either way an ERR__STATE KafkaError.
    await assert.rejects(async () => call(), (e: unknown) => e instanceof KafkaError && e.code === 'ERR__STATE' && /closed/.test(e.message));
  }
});

test('close() is not held up by a pending consume() with a long timeout', async () => {
  const c = new NativeConsumer(CONSUMER);
  c.assign([{ topic: 'nothing', partition: 0 }]);
  const pending = c.consume(10, 60_000);
  const started = Date.now();
  await c.close();
  assert.ok(Date.now() - started < 10_000, `close took ${Date.now() - started} ms`);
  assert.equal((await pending).count, 0);
});

test('fetchMetadata(): the partitions of a 3-partition topic, an unknown topic as its KafkaError', async (t) => {
  const mock = await startMock({ topic: 'meta', partitions: 3 });
  t.after(() => mock.stop());
  const c = new NativeConsumer({ 'bootstrap.servers': mock.bootstrap, 'enable.auto.commit': false, log_level: 2 });
  t.after(() => c.close());
  assert.deepEqual(await c.fetchMetadata('meta', 10_000), { topic: 'meta', partitions: [0, 1, 2] });
  assert.deepEqual((await c.fetchMetadata('meta')).partitions, [0, 1, 2], 'the default timeout');
  await assert.rejects(c.fetchMetadata('no-such-topic', 10_000),
    (e: unknown) => e instanceof KafkaError && e.code === 'ERR_UNKNOWN_TOPIC_OR_PART' && /no-such-topic/.test(e.message));
  // Still usable afterwards, for an assignment of what it learnt.
  c.assign([{ topic: 'meta', partition: 2, offset: 'beginning' }]);
  assert.equal((await c.consume(10, 100)).count, 0);
});

test('fetchMetadata(): bad arguments are TypeErrors / RangeErrors naming them; no broker is ERR__TRANSPORT within the timeout', async (t) => {
  const c = new NativeConsumer(CONSUMER);
  t.after(() => c.close());
  assert.throws(() => c.fetchMetadata(7 as unknown as string), { name: 'TypeError', message: /^topic must be a string/ });
  assert.throws(() => c.fetchMetadata(undefined as unknown as string), { name: 'TypeError', message: /^topic must be a string/ });
  assert.throws(() => c.fetchMetadata(''), { name: 'RangeError', message: /^topic/ });
  assert.throws(() => c.fetchMetadata('x'.repeat(513)), { name: 'RangeError', message: /^topic/ });
  assert.throws(() => c.fetchMetadata('a\0b'), { name: 'RangeError', message: /^topic/ });
  assert.throws(() => c.fetchMetadata('t', 'soon' as unknown as number), { name: 'TypeError', message: /^timeoutMs/ });
  assert.throws(() => c.fetchMetadata('t', -1), { name: 'RangeError', message: /^timeoutMs/ });
  // 127.0.0.1:1 refuses connections: no broker becomes usable, and the call gives up at its timeout.
  const started = Date.now();
  await assert.rejects(c.fetchMetadata('t', 300), (e: unknown) => e instanceof KafkaError && (e.code === 'ERR__TRANSPORT' || e.code === 'ERR__TIMED_OUT') && /'t'/.test(e.message));
  assert.ok(Date.now() - started < 10_000, `gave up after ${Date.now() - started} ms`);
});

test('fetchMetadata() pending when close() is called settles, and is ERR__STATE during a consumeLoop()', async () => {
  const c = new NativeConsumer(CONSUMER);
  c.assign([{ topic: 'nothing', partition: 0 }]);
  const loop = c.consumeLoop({ count: 1, timeoutMs: 200 });
  assert.throws(() => c.fetchMetadata('t', 100), (e: unknown) => e instanceof KafkaError && e.code === 'ERR__STATE' && /busy/.test(e.message));
  await loop;
  // Queued before close(): it runs (no broker: it gives up) before the consumer is destroyed.
  const pending = assert.rejects(c.fetchMetadata('t', 300), (e: unknown) => e instanceof KafkaError && (e.code === 'ERR__TRANSPORT' || e.code === 'ERR__TIMED_OUT'));
  await c.close();
  await pending;
  assert.throws(() => c.fetchMetadata('t', 100), (e: unknown) => e instanceof KafkaError && e.code === 'ERR__STATE' && /closed/.test(e.message));
});
