// kafka-crab-js (napi-rs over rust-rdkafka, its own static librdkafka 2.12.1) on the three paths:
//   produce   send({ topic, messages }) of `batch` messages with autoFlush off (an async call that enqueues)
//   delivery  flush(): rust-rdkafka's polling thread serves librdkafka's reports as they arrive, in
//             Rust; flush() then hands the collected results to JS, one object per message
//   consume   recvBatch(batch, 100 ms) on a manual assignment of every partition at offset 0
// The api variant goes through KafkaClient (its JS wrapper: send() error decoration and
// diagnostics-channel instrumentation of send() and recvBatch()); the direct variant uses the
// napi-rs classes (KafkaClientConfig …) of its native binding package.
import { requireClient } from '../../util/clients.js';
import { errorMessage } from '../../util/errors.js';
import { checkCount, collectGarbage, payloadBuffers, quiesce, type Region } from '../measure.js';
import type { ArmSpec } from '../types.js';
import type { ArmOutcome, NodeArm } from './types.js';

const PACKAGE = 'kafka-crab-js';
const BINDING_PACKAGE = 'kafka-crab-js-linux-x64-gnu';
/** librdkafka as linked into the binding (the crab driver reads it from the .node file). */
const LIBRDKAFKA = '2.12.1 (bundled, static)';

interface CrabResult {
  error?: { code: number; message: string };
}
interface CrabProducer {
  send(record: { topic: string; messages: { payload: Buffer }[] }): Promise<CrabResult[]>;
  flush(): Promise<CrabResult[]>;
}
interface CrabConsumer {
  subscribe(topics: { topic: string; partitionOffset: { partition: number; offset: { offset: number } }[] }[]): Promise<void>;
  recvBatch(size: number, timeoutMs: number): Promise<{ payload: Buffer }[]>;
  disconnect(): Promise<void>;
}
interface CrabFactory {
  createProducer(config: { queueTimeout?: number; autoFlush?: boolean; configuration?: Record<string, string | number> }): CrabProducer;
  createConsumer(config: { groupId: string; enableAutoCommit?: boolean; configuration?: Record<string, string | number> }): CrabConsumer;
}
interface ClientOptions {
  brokers: string;
  clientId: string;
  logLevel: string;
  configuration?: Record<string, string | number>;
}
interface CrabModule {
  KafkaClient: new (o: ClientOptions) => CrabFactory;
}
interface CrabBinding {
  KafkaClientConfig: new (o: ClientOptions) => CrabFactory;
}

function factory(spec: ArmSpec): CrabFactory {
  const brokers = String(spec.config['bootstrap.servers']);
  const o: ClientOptions = { brokers, clientId: `kbench-overhead-crab-${spec.variant}`, logLevel: 'error' };
  return spec.variant === 'direct' ? new (requireClient<CrabBinding>(BINDING_PACKAGE).KafkaClientConfig)(o) : new (requireClient<CrabModule>(PACKAGE).KafkaClient)(o);
}

/** Everything but the broker list (a client option) goes to the configuration map, as strings. */
function rest(spec: ArmSpec, drop: readonly string[] = []): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(spec.config)) if (k !== 'bootstrap.servers' && !drop.includes(k)) out[k] = String(v);
  return out;
}

function producer(spec: ArmSpec): CrabProducer {
  // queueTimeout: how long flush() may wait; autoFlush off: send() only enqueues.
  return factory(spec).createProducer({ queueTimeout: 60_000, autoFlush: false, configuration: rest(spec) });
}

async function sendAll(p: CrabProducer, topic: string, messages: { payload: Buffer }[], batch: number): Promise<void> {
  for (let i = 0; i < messages.length; i += batch) await p.send({ topic, messages: messages.slice(i, i + batch) });
}

async function produce(spec: ArmSpec, region: Region): Promise<ArmOutcome> {
  // The message objects are made before timing, as the other arms prepare their Buffers.
  const messages = payloadBuffers(spec.messages, spec.size).map((payload) => ({ payload }));
  const slices: { payload: Buffer }[][] = [];
  for (let i = 0; i < messages.length; i += spec.batch) slices.push(messages.slice(i, i + spec.batch));
  const p = producer(spec);
  await p.send({ topic: spec.topic, messages: [] }); // first use outside the measured part, as the other arms create the topic handle
  collectGarbage();
  region.begin();
  for (const s of slices) await p.send({ topic: spec.topic, messages: s }); // rejects when anything was not enqueued
  region.end();
  return { count: spec.messages, bytes: spec.messages * spec.size, failed: 0, waitMs: 0, stalls: 0, librdkafka: LIBRDKAFKA, api: `send() of ${spec.batch} messages, autoFlush off` };
}

async function delivery(spec: ArmSpec, region: Region): Promise<ArmOutcome> {
  const messages = payloadBuffers(spec.messages, spec.size).map((payload) => ({ payload }));
  const p = producer(spec);
  await sendAll(p, spec.topic, messages, spec.batch);
  const waitMs = await quiesce(); // every acknowledgement in (and already handled by rust-rdkafka's polling thread)
  collectGarbage();
  region.begin();
  let results: CrabResult[];
  try {
    results = await p.flush();
  } catch (err) {
    throw new Error(`flush: ${errorMessage(err)}`);
  }
  region.end();
  const failed = results.filter((r) => r.error).length;
  checkCount('delivery results', results.length - failed, spec.messages, failed);
  return { count: results.length - failed, bytes: (results.length - failed) * spec.size, failed, waitMs, stalls: 0, librdkafka: LIBRDKAFKA, api: 'flush() after the reports were served in Rust: one result object per message' };
}

async function consume(spec: ArmSpec, region: Region): Promise<ArmOutcome> {
  const groupId = String(spec.config['group.id']);
  const c = factory(spec).createConsumer({ groupId, enableAutoCommit: false, configuration: rest(spec, ['group.id', 'enable.auto.commit']) });
  await c.subscribe([{ topic: spec.topic, partitionOffset: Array.from({ length: spec.partitions }, (_, partition) => ({ partition, offset: { offset: 0 } })) }]);
  const waitMs = await quiesce(); // every message fetched into librdkafka's queue
  collectGarbage();
  let count = 0;
  let bytes = 0;
  let stalls = 0;
  region.begin();
  while (count < spec.messages) {
    const msgs = await c.recvBatch(Math.min(spec.batch, spec.messages - count), 100);
    if (msgs.length === 0) stalls++;
    for (const m of msgs) bytes += m.payload.length;
    count += msgs.length;
  }
  region.end();
  checkCount('consumed', count, spec.messages);
  return { count, bytes, failed: 0, waitMs, stalls, librdkafka: LIBRDKAFKA, api: `recvBatch(${spec.batch}, 100 ms) on a manual assignment` };
}

export const crabArm: NodeArm = {
  bindings: () => [{ label: 'kafka-crab-js', binding: requireClient<object>(BINDING_PACKAGE) }],
  run(spec, region) {
    switch (spec.path) {
      case 'produce':
        return produce(spec, region);
      case 'delivery':
        return delivery(spec, region);
      case 'consume':
        return consume(spec, region);
    }
  },
};
