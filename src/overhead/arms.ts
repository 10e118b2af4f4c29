// The enqueue arms that run inside a Node child process (child.ts). The C arm is native/cbench/enqueue.c.
// In every arm: payloads prepared and the topic handle cached before timing; only the enqueue calls timed.
import { payloadBatch } from '../native/payloads.js';
import { NativeProducer, addonPath, librdkafkaVersion } from '../native/index.js';
import { requireClient } from '../util/clients.js';
import type { ArmSpec } from './types.js';

export interface ChildMeasurement {
  enqueued: number;
  elapsedNs: number;
  librdkafka: string;
  addon?: string;
}

/** The addon's batch API: one produce() call per `spec.batch` messages of one packed buffer. */
export function addonEnqueue(spec: ArmSpec): ChildMeasurement {
  const batch = payloadBatch(spec.messages, spec.size);
  const producer = new NativeProducer(spec.config);
  producer.produce(spec.topic, batch, { start: 0, end: 0 }); // creates and caches the topic handle, as the C arm does
  let enqueued = 0;
  const t0 = process.hrtime.bigint();
  for (let start = 0; start < spec.messages; start += spec.batch) {
    const end = Math.min(spec.messages, start + spec.batch);
    const n = producer.produce(spec.topic, batch, { start, end });
    enqueued += n;
    if (n !== end - start) break;
  }
  const t1 = process.hrtime.bigint();
  if (enqueued !== spec.messages) throw new Error(`the queue filled up after ${enqueued} messages; queue.buffering.max.messages is too small`);
  return { enqueued, elapsedNs: Number(t1 - t0), librdkafka: librdkafkaVersion(), addon: addonPath() };
}

/** The part of node-rdkafka's API this arm uses (node-rdkafka 3.6.1). */
interface NodeRdkafkaProducer {
  produce(topic: string, partition: null, message: Buffer, key: null): unknown;
  /** Internals used to create the handle without connect()'s metadata request (see below). */
  _client: {
    configureCallbacks(add: boolean, configs: unknown): void;
    connect(cb: (err: unknown) => void): void;
  };
  _cb_configs: unknown;
  _isConnected: boolean;
}
interface NodeRdkafka {
  librdkafkaVersion: string;
  Producer: new (config: Record<string, string | number>, topicConfig: Record<string, never>) => NodeRdkafkaProducer;
}

/** node-rdkafka's Producer.produce(), one call per message, Buffers prepared before timing. */
export async function nodeRdkafkaEnqueue(spec: ArmSpec): Promise<ChildMeasurement> {
  const Kafka = requireClient<NodeRdkafka>('node-rdkafka');
  const batch = payloadBatch(spec.messages, spec.size);
  const buffers: Buffer[] = new Array<Buffer>(spec.messages);
  for (let i = 0; i < spec.messages; i++) buffers[i] = Buffer.from(batch.values.buffer, batch.values.byteOffset + i * spec.size, spec.size);
  const producer = new Kafka.Producer(spec.config, {});
  // Producer.connect() creates the native handle, then requests metadata, which cannot succeed without a
  // broker: it would hold a libuv thread (and process exit) for its whole timeout, and disconnect on
  // failure. So the handle is created the way connect() does it, minus the metadata request;
  // produce() itself, the path measured, is untouched.
  producer._client.configureCallbacks(true, producer._cb_configs);
  await new Promise<void>((resolve, reject) => producer._client.connect((err) => (err ? reject(new Error(String(err))) : resolve())));
  producer._isConnected = true;
  producer.produce(spec.topic, null, buffers[0] as Buffer, null); // node-rdkafka looks topics up by name: the first lookup creates it, as the other arms do before timing
  let enqueued = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < spec.messages; i++) {
    producer.produce(spec.topic, null, buffers[i] as Buffer, null); // throws on failure (a full queue included)
    enqueued++;
  }
  const t1 = process.hrtime.bigint();
  return { enqueued, elapsedNs: Number(t1 - t0), librdkafka: Kafka.librdkafkaVersion };
}
