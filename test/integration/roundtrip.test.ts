// End to end through the embedded broker with two unrelated clients: 10,000 messages written by
// kafkajs (pure JS) are read back by node-rdkafka (librdkafka), every payload compared byte for byte.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import kafkajs from 'kafkajs';
import { createTopic, kafkajsClient, topicEndOffsetsTotal } from '../../src/broker/index.js';
import { requireClient } from '../../src/util/clients.js';
import { processesOfRun, withBroker } from '../helpers/broker.js';

// The slice of node-rdkafka's API this test uses (its types live in clients/, outside the root tsconfig).
interface RdMessage {
  value: Buffer | null;
  partition: number;
  offset: number;
}
interface RdKafkaConsumer {
  connect(options: Record<string, never>, cb: (err: Error | null) => void): void;
  assign(assignments: { topic: string; partition: number; offset: number }[]): void;
  consume(count: number, cb: (err: Error | null, messages: RdMessage[]) => void): void;
  disconnect(cb: (err: Error | null) => void): void;
}
interface NodeRdKafka {
  KafkaConsumer: new (conf: Record<string, string | number | boolean>, topicConf: Record<string, string>) => RdKafkaConsumer;
}

const TOTAL = 10_000;
const PARTITIONS = 3;
const BATCH = 1000;

/** Message i: its index in ASCII, then 16–271 bytes derived from a hash of i (binary, varying length). */
function payload(i: number): Buffer {
  const digest = createHash('sha256').update(`kbench-${i}`).digest();
  const filler = Buffer.alloc(16 + digest[0]!);
  for (let j = 0; j < filler.length; j++) filler[j] = digest[j % digest.length]!;
  return Buffer.concat([Buffer.from(`${i}:`), filler]);
}

function indexOf(value: Buffer): number {
  return Number(value.subarray(0, value.indexOf(0x3a)).toString());
}

test('10,000 messages: produced with kafkajs, every one read back intact with node-rdkafka', async (t) => {
  const broker = await withBroker(t);
  const runDir = broker.runDir;
  const topic = 'roundtrip';
  await createTopic(broker.connection, { topic, partitions: PARTITIONS, replication: 1 });

  const producer = kafkajsClient(broker.connection, 'kbench-roundtrip').producer({
    createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
    idempotent: true,
  });
  await producer.connect();
  try {
    for (let start = 0; start < TOTAL; start += BATCH) {
      const messages = Array.from({ length: BATCH }, (_, k) => ({ partition: (start + k) % PARTITIONS, value: payload(start + k) }));
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
  assert.equal(await topicEndOffsetsTotal(broker.connection, topic), TOTAL, 'the broker holds exactly what was sent');

  const Kafka = requireClient<NodeRdKafka>('node-rdkafka');
  const consumer = new Kafka.KafkaConsumer(
    { 'metadata.broker.list': broker.bootstrap, 'group.id': 'kbench-roundtrip', 'enable.auto.commit': false },
    { 'auto.offset.reset': 'earliest' },
  );
  await new Promise<void>((resolve, reject) => consumer.connect({}, (err) => (err ? reject(err) : resolve())));
  const seen = new Map<number, Buffer>();
  const perPartition = new Array<number>(PARTITIONS).fill(0);
  let received = 0;
  try {
    consumer.assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition, offset: 0 })));
    // Bounded by a message count, with an idle limit only as a safety net against a hang.
    let idleRounds = 0;
    while (received < TOTAL && idleRounds < 300) {
      const batch = await new Promise<RdMessage[]>((resolve, reject) =>
        consumer.consume(1000, (err, messages) => (err ? reject(err) : resolve(messages))),
      );
      idleRounds = batch.length === 0 ? idleRounds + 1 : 0;
      for (const m of batch) {
        assert.ok(m.value, 'no null values were sent');
        const i = indexOf(m.value);
        assert.ok(!seen.has(i), `message ${i} delivered twice`);
        seen.set(i, m.value);
        perPartition[m.partition]!++;
        received++;
      }
    }
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }

  assert.equal(received, TOTAL);
  assert.deepEqual(perPartition, [3334, 3333, 3333], 'messages landed where they were sent');
  for (let i = 0; i < TOTAL; i++) {
    const got = seen.get(i);
    assert.ok(got, `message ${i} missing`);
    assert.ok(got.equals(payload(i)), `message ${i} differs from what was sent`);
  }

  await broker.stop();
  assert.deepEqual(processesOfRun(runDir), [], 'no broker JVM remains after stop');
});
