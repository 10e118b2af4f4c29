// A custom Kafka client on kbench's addon: produce N messages in packed batches, consume them back in
// batches, check they all arrived intact, print throughput.
//
//   npx tsc -p tsconfig.json && node dist/examples/custom-client.js [--brokers host:port] [--messages N] [--size B]
//
// Without --brokers it starts kbench's embedded broker (needs Java). Either way it creates a new
// 3-partition topic for the run.
import { parseArgs } from 'node:util';
import { createTopic } from '../src/broker/index.js';
import {
  NativeConsumer, NativeProducer, addBatchToChecksum, librdkafkaVersion, payloadBatch, startBroker, type BrokerHandle,
} from '../src/index.js';
import { Checksum, expectedChecksum } from '../src/verify/payload.js';

const { values: args } = parseArgs({
  options: { brokers: { type: 'string' }, messages: { type: 'string', default: '1000000' }, size: { type: 'string', default: '100' } },
});
const messages = Number(args.messages);
const size = Number(args.size);
const BATCH = 10_000;
const PARTITIONS = 3;

const rate = (n: number, ns: number): string =>
  `${Math.round(n / (ns / 1e9)).toLocaleString('en-US')} msg/s, ${((n * size) / (ns / 1e9) / 1e6).toFixed(1)} MB/s`;

let broker: BrokerHandle | undefined;
let bootstrap = args.brokers;
if (!bootstrap) {
  broker = await startBroker();
  bootstrap = broker.bootstrap;
}
const topic = `custom-client-${Date.now()}`;
await createTopic(broker?.connection ?? { brokers: bootstrap.split(',') }, { topic, partitions: PARTITIONS, replication: 1 });
console.log(`librdkafka ${librdkafkaVersion()}, broker ${bootstrap}, topic ${topic}: ${messages.toLocaleString('en-US')} × ${size} B`);

try {
  // Produce: one packed buffer, one produce() call per 10 000 messages; delivery reports stay in C++
  // (with their latency, which this example prints: `latency: true`).
  const producer = new NativeProducer({ 'bootstrap.servers': bootstrap, 'linger.ms': 5 }, { latency: true });
  const batch = payloadBatch(messages, size);
  const t0 = process.hrtime.bigint();
  for (let start = 0; start < messages; start += BATCH) {
    await producer.produceAll(topic, batch, { start, end: Math.min(messages, start + BATCH) });
  }
  await producer.flush();
  const produceNs = Number(process.hrtime.bigint() - t0);
  const sent = producer.stats();
  await producer.close();
  console.log(`produced  ${sent.delivered} delivered, ${sent.failed} failed: ${rate(sent.delivered, produceNs)}; ` +
    `ack latency p50 ${sent.latency.p50} µs, p99 ${sent.latency.p99} µs`);

  // Consume: batches of up to 10 000 messages, one JS object per batch, read on the consumer's own thread.
  const consumer = new NativeConsumer({ 'bootstrap.servers': bootstrap, 'enable.auto.commit': false });
  consumer.assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition, offset: 'beginning' as const })));
  const sum = new Checksum();
  const t1 = process.hrtime.bigint();
  while (sum.count < messages) {
    const got = await consumer.consume(BATCH, 5000);
    if (got.count === 0 && got.errors.length === 0) break; // nothing for 5 s
    for (const err of got.errors) console.warn(`consumer: ${err.code}: ${err.message}`);
    addBatchToChecksum(sum, got);
  }
  const consumeNs = Number(process.hrtime.bigint() - t1);
  await consumer.close();
  const ok = sum.count === messages && sum.hex() === expectedChecksum(size, 0, messages).hex;
  console.log(`consumed  ${sum.count} messages: ${rate(sum.count, consumeNs)}; checksum ${sum.hex()} ${ok ? 'matches' : 'DOES NOT match'} what was sent`);
  if (!ok) process.exitCode = 1;
} finally {
  await broker?.stop();
}
