#!/usr/bin/env node
// The workload scripts/leaks.mjs runs under valgrind memcheck (or LeakSanitizer): N messages produced
// through every producer path of the addon and consumed back through every consumer path, against a
// real broker, plus the error paths (bad configs, bad arguments, use after close, a client left to the
// garbage collector). It then collects garbage and exits normally, so whatever kbench.node or
// librdkafka still holds and can no longer reach is a leak.
//
//   node --expose-gc scripts/leak-workload.mjs <bootstrap> <topic> <partitions> [messages=100000]
// Prints one line: LEAK-WORKLOAD {"produced":…,"delivered":…,"consumed":…,"complete":true}
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const [bootstrap, topic, partitionsArg, messagesArg] = process.argv.slice(2);
if (!bootstrap || !topic || !partitionsArg) {
  process.stderr.write('usage: leak-workload.mjs <bootstrap> <topic> <partitions> [messages]\n');
  process.exit(2);
}
const dist = (p) => fileURLToPath(new URL(`../dist/src/${p}`, import.meta.url));
const { NativeConsumer, NativeProducer, KafkaError, packBatch, payloadBatch, addBatchToChecksum } = await import(dist('native/index.js'));
const { Checksum } = await import(dist('verify/payload.js'));

const N = Number(messagesArg ?? 100_000);
const PARTITIONS = Number(partitionsArg);
const SIZE = 100;
// Shares of N: produce() batches, produceSync(), produce() with delivery records, produceLoop().
const share = { batch: Math.floor(N * 0.4), sync: Math.floor(N * 0.1), records: Math.floor(N * 0.1) };
const loopCount = N - share.batch - share.sync - share.records;
const common = { 'bootstrap.servers': bootstrap, log_level: 2 };
const expectError = (f) => {
  try {
    f();
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError || e instanceof KafkaError) return;
    throw e;
  }
  throw new Error('expected an error');
};

// Error paths: configs the addon or librdkafka rejects (each may allocate and must free on the way out).
for (let i = 0; i < 20; i++) {
  expectError(() => new NativeProducer({ ...common, 'no.such.key': i }));
  expectError(() => new NativeProducer({ ...common, 'linger.ms': {} }));
  expectError(() => new NativeProducer({ ...common, 'delivery.report.only.error': true }));
  expectError(() => new NativeConsumer({ ...common, 'auto.offset.reset': 'sideways' }));
}

let seq = 0;
let delivered = 0;
{
  // produce() batches (half with keys and headers), with produceAll() waiting out full queues.
  const p = new NativeProducer({ ...common, 'linger.ms': 5 });
  for (let at = 0; at < share.batch; at += 1000) {
    const n = Math.min(1000, share.batch - at);
    const batch = payloadBatch(n, SIZE, seq);
    if ((at / 1000) % 2 === 1) {
      const keyed = packBatch(Array.from({ length: n }, (_, i) => batch.values.subarray(batch.valueOffsets[i], batch.valueOffsets[i + 1])),
        Array.from({ length: n }, (_, i) => `key-${i}`));
      await p.produceAll(topic, keyed, { headers: [['trace', 'abc'], ['bin', Buffer.from([1, 2, 3])]] });
    } else {
      await p.produceAll(topic, batch);
    }
    seq += n;
  }
  // Bad arguments on a live producer.
  expectError(() => p.produce(topic, { values: Buffer.alloc(4), valueOffsets: new Uint32Array([0, 5]) }));
  expectError(() => p.produce(42, packBatch(['x'])));
  await p.flush(120_000);
  delivered += p.stats().delivered;

  // produceSync(): one job per batch, a SyncRecord per message.
  for (let at = 0; at < share.sync; at += 500) {
    const n = Math.min(500, share.sync - at);
    const report = await p.produceSync(topic, payloadBatch(n, SIZE, seq), { partition: (at / 500) % PARTITIONS });
    delivered += report.count - report.failed;
    seq += n;
  }

  // produceLoop(): the whole loop in C++.
  const loop = await p.produceLoop({ topic, count: loopCount, size: SIZE, firstSeq: N - loopCount, timestamps: true, flushTimeoutMs: 300_000 });
  delivered += loop.delivered;
  await p.close();
  expectError(() => p.poll());
}
{
  // Delivery records, drained by poll().
  const p = new NativeProducer({ ...common, 'linger.ms': 5 }, { deliveryRecords: true });
  let records = 0;
  for (let at = 0; at < share.records; at += 1000) {
    const n = Math.min(1000, share.records - at);
    await p.produceAll(topic, payloadBatch(n, SIZE, seq));
    seq += n;
    records += p.poll(0).records?.ids.length ?? 0;
  }
  await p.flush(120_000);
  records += p.poll(0).records?.ids.length ?? 0;
  delivered += records;
  await p.close();
}
{
  // Left to the garbage collector with messages in flight (the finalizer destroys the handle).
  let dropped = new NativeProducer({ 'bootstrap.servers': '127.0.0.1:1', log_level: 2 });
  dropped.produce('nowhere', payloadBatch(100, SIZE));
  dropped = undefined;
}

// Consume everything back: consume() batches, then consumeSync(), then consumeLoop().
const sum = new Checksum();
const consumer = new NativeConsumer({ ...common, 'enable.auto.commit': false, 'auto.offset.reset': 'earliest', 'group.id': `leaks-${process.pid}` });
consumer.assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition, offset: 'beginning' })));
const deadline = Date.now() + 600_000;
while (sum.count < N * 0.6 && Date.now() < deadline) addBatchToChecksum(sum, await consumer.consume(5000, 2000));
while (sum.count < N * 0.8 && Date.now() < deadline) addBatchToChecksum(sum, consumer.consumeSync(5000, 1000));
const rest = await consumer.consumeLoop({ count: N - sum.count, timeoutMs: Math.max(1000, deadline - Date.now()) });
await consumer.commit().catch(() => undefined);
await consumer.close();
expectError(() => consumer.consumeSync(1));

const consumed = sum.count + rest.count;
const result = { produced: seq + loopCount, delivered, consumed, complete: delivered === N && consumed === N };

// Let the finalizers run (consumed batches' external buffers, dropped clients), then exit normally.
for (let i = 0; i < 5; i++) {
  globalThis.gc?.();
  await sleep(100);
}
process.stdout.write(`LEAK-WORKLOAD ${JSON.stringify(result)}\n`);
