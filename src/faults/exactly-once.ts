// Exactly-once accounting under a broker failure: on a multi-node cluster, produce with acks=all and
// idempotence while one node is killed (SIGKILL) and restarted, then read the topic back and account
// for every message: acknowledged, lost (acknowledged but not in the topic), duplicated (in the topic
// more than once). The producer is kbench's addon with per-message delivery records, so "acknowledged"
// is librdkafka's own delivery report for that exact message (enqueue id = sequence number).
import type { BrokerHandle } from '../broker/index.js';
import { createTopic, topicEndOffsetsTotal, withAdmin } from '../broker/admin.js';
import { NativeConsumer, NativeProducer } from '../native/index.js';
import { batches } from '../scenarios/batch.js';
import { readSeq } from '../verify/payload.js';

export interface ExactlyOnceOptions {
  topic: string;
  messages: number;
  messageSize?: number;
  partitions?: number;
  /** Node to kill and restart (default: the last one). */
  victim?: number;
  /** When to kill the node, as a fraction of the messages enqueued (default 0.3). */
  killAt?: number;
  /** Messages per second while producing, so the failure lands mid-run (default 20,000). */
  rate?: number;
  log?: (line: string) => void;
}

export interface ExactlyOnceReport {
  sent: number;
  acked: number;
  failed: number;
  /** Distinct sequence numbers found in the topic. */
  read: number;
  /** Records in the topic (duplicates included). */
  topicRecords: number;
  lost: number;
  duplicated: number;
  /** In the topic although their delivery failed (at-least-once for failures; not an error). */
  failedButPresent: number;
  errors: Record<string, number>;
  killedNode: number;
  killedAtMessage: number;
  restartMs: number;
}

export async function exactlyOnceUnderNodeFailure(broker: BrokerHandle, o: ExactlyOnceOptions): Promise<ExactlyOnceReport> {
  const log = o.log ?? (() => undefined);
  const size = o.messageSize ?? 100;
  const partitions = o.partitions ?? 6;
  const victim = o.victim ?? broker.nodes.length - 1;
  const rate = o.rate ?? 20_000;
  const killAt = Math.floor(o.messages * (o.killAt ?? 0.3));
  if (broker.nodes.length < 3) throw new Error('exactly-once under a node failure needs a cluster of at least 3 nodes');
  await createTopic(broker.connection, { topic: o.topic, partitions, replication: 3, configs: { 'min.insync.replicas': '2' } });

  const producer = new NativeProducer(
    { 'bootstrap.servers': broker.bootstrap, acks: 'all', 'enable.idempotence': true, 'linger.ms': 5, 'message.timeout.ms': 120_000 },
    { deliveryRecords: true },
  );
  const ackedSeq = new Uint8Array(o.messages);
  const failedSeq = new Uint8Array(o.messages);
  const errors: Record<string, number> = {};
  const { errorName } = await import('../native/index.js');
  const drain = (): void => {
    const r = producer.poll(0).records;
    if (!r) return;
    for (let i = 0; i < r.ids.length; i++) {
      const id = r.ids[i] as number;
      const err = r.errors[i] as number;
      if (err === 0) ackedSeq[id] = 1;
      else {
        failedSeq[id] = 1;
        const code = errorName(err);
        errors[code] = (errors[code] ?? 0) + 1;
      }
    }
  };

  let restartMs = 0;
  let failure: Promise<void> | undefined;
  const t0 = Date.now();
  let sent = 0;
  for (const b of batches(size, 0, o.messages, 1000)) {
    const due = t0 + (sent / rate) * 1000;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    await producer.produceAll(o.topic, { values: b.buffer, valueOffsets: b.offsets });
    sent += b.count;
    drain();
    if (!failure && sent >= killAt) {
      log(`killing node ${victim} (SIGKILL) after ${sent} messages`);
      failure = (async () => {
        await broker.killNode(victim);
        await new Promise((r) => setTimeout(r, 2000));
        const r0 = Date.now();
        await broker.restartNode(victim);
        restartMs = Date.now() - r0;
        log(`node ${victim} restarted and back in the cluster in ${(restartMs / 1000).toFixed(1)} s`);
      })();
    }
  }
  await failure;
  await producer.flush(180_000);
  drain();
  await producer.close();

  // Read everything back: every partition up to its high watermark.
  const topicRecords = await topicEndOffsetsTotal(broker.connection, o.topic);
  const seen = new Uint16Array(o.messages);
  const consumer = new NativeConsumer({ 'bootstrap.servers': broker.bootstrap, 'enable.auto.commit': false, 'isolation.level': 'read_uncommitted' });
  let read = 0;
  let foreign = 0;
  try {
    consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic: o.topic, partition, offset: 'beginning' as const })));
    const deadline = Date.now() + 120_000;
    while (read < topicRecords) {
      if (Date.now() > deadline) throw new Error(`read ${read} of ${topicRecords} records before giving up`);
      const b = await consumer.consume(10_000, 500);
      for (let i = 0; i < b.count; i++) {
        const seq = readSeq(b.value(i), 0, size);
        if (seq < o.messages) seen[seq] = (seen[seq] as number) + 1;
        else foreign++;
      }
      read += b.count;
    }
  } finally {
    await consumer.close();
  }
  if (foreign) throw new Error(`${foreign} records with sequence numbers this run never sent`);

  let acked = 0;
  let failed = 0;
  let lost = 0;
  let duplicated = 0;
  let distinct = 0;
  let failedButPresent = 0;
  for (let s = 0; s < o.messages; s++) {
    const n = seen[s] as number;
    if (n > 0) distinct++;
    if (n > 1) duplicated += n - 1;
    if (ackedSeq[s]) {
      acked++;
      if (n === 0) lost++;
    }
    if (failedSeq[s]) {
      failed++;
      if (n > 0) failedButPresent++;
    }
  }
  return { sent, acked, failed, read: distinct, topicRecords, lost, duplicated, failedButPresent, errors, killedNode: victim, killedAtMessage: killAt, restartMs };
}

/** Deletes the topic (best effort). */
export async function dropTopic(broker: BrokerHandle, topic: string): Promise<void> {
  await withAdmin(broker.connection, (a) => a.deleteTopics({ topics: [topic] })).catch(() => undefined);
}
