// node-rdkafka and @confluentinc/kafka-javascript (a fork of node-rdkafka, same native lineage) on
// the three paths, through their node-rdkafka-style API, the one with the least overhead each offers:
//   produce   Producer.produce(topic, null, Buffer, null) per message
//   delivery  poll() once; the binding calls back into JS once per report ('delivery-report' event)
//   consume   KafkaConsumer.consume(n, cb) batches (a threadpool job per call, a JS object per message)
// The direct variant calls the native client object (`_client`) the JS classes wrap: produce() and
// consume() without the wrapper's checks and per-message 'data' events, and a bare counting
// function as the delivery callback instead of the wrapper's error conversion and event emitter.
import { createRequire } from 'node:module';
import path from 'node:path';
import { clientsDir } from '../../paths.js';
import { requireClient } from '../../util/clients.js';
import { errorMessage } from '../../util/errors.js';
import { checkCount, collectGarbage, payloadBuffers, quiesce, type Region } from '../measure.js';
import type { ArmSpec } from '../types.js';
import type { ArmOutcome, NodeArm } from './types.js';

type Cb = (err: unknown) => void;
type ConsumeCb = (err: unknown, msgs: { value: Buffer | null }[]) => void;

/** The native client object (`_client`) both packages' JS classes wrap. */
interface NativeClient {
  produce(topic: string, partition: number, value: Buffer, key: null, timestamp: undefined, opaque: undefined, headers: undefined): unknown;
  configureCallbacks(add: boolean, configs: unknown): void;
  connect(cb: Cb): void;
  consume(...args: unknown[]): void;
}
interface RdProducer {
  produce(topic: string, partition: null, value: Buffer, key: null): unknown;
  poll(): unknown;
  connect(opts: object, cb: Cb): void;
  on(ev: 'delivery-report', cb: (err: unknown) => void): void;
  on(ev: 'event.error', cb: (err: unknown) => void): void;
  _client: NativeClient;
  _cb_configs: { event: Record<string, unknown> };
  _isConnected: boolean;
}
interface RdConsumer {
  connect(opts: object, cb: Cb): void;
  assign(a: { topic: string; partition: number; offset: number }[]): void;
  consume(n: number, cb: ConsumeCb): void;
  setDefaultConsumeTimeout(ms: number): void;
  on(ev: 'event.error', cb: (err: unknown) => void): void;
  _client: NativeClient;
}
interface RdModule {
  Producer: new (conf: Record<string, unknown>, topicConf: Record<string, never>) => RdProducer;
  KafkaConsumer: new (conf: Record<string, unknown>, topicConf: Record<string, never>) => RdConsumer;
  librdkafkaVersion: string;
}

interface Family {
  pkg: string;
  /** The native module the package loads (`<pkg>/librdkafka.js` re-exports it). */
  nativeEntry: string;
  /** How the native consume(timeout, n, …, cb) is called: confluent takes an extra flag. */
  directConsume(client: NativeClient, timeoutMs: number, n: number, cb: ConsumeCb): void;
}

const NODE_RDKAFKA: Family = {
  pkg: 'node-rdkafka',
  nativeEntry: 'node-rdkafka/librdkafka.js',
  directConsume: (c, t, n, cb) => c.consume(t, n, cb),
};
const CONFLUENT: Family = {
  pkg: '@confluentinc/kafka-javascript',
  nativeEntry: '@confluentinc/kafka-javascript/librdkafka.js',
  // The third argument: the timeout applies to the first message only (the KafkaConsumer's default, false).
  directConsume: (c, t, n, cb) => c.consume(t, n, false, cb),
};

const fromClients = createRequire(path.join(clientsDir, 'package.json'));

const connect = (c: { connect(o: object, cb: Cb): void }): Promise<void> =>
  new Promise((resolve, reject) => c.connect({ timeout: 30_000 }, (e) => (e ? reject(new Error(`connect: ${errorMessage(e)}`)) : resolve())));

/**
 * Creates the native handle the way Producer.connect() does, minus its metadata request: without a
 * broker that request holds a libuv thread (and the process) for its whole timeout. produce(), the
 * path measured, is untouched.
 */
async function connectWithoutBroker(p: RdProducer): Promise<void> {
  p._client.configureCallbacks(true, p._cb_configs);
  await new Promise<void>((resolve, reject) => p._client.connect((err) => (err ? reject(new Error(errorMessage(err))) : resolve())));
  p._isConnected = true;
}

async function produce(f: Family, mod: RdModule, spec: ArmSpec, region: Region): Promise<ArmOutcome> {
  const buffers = payloadBuffers(spec.messages, spec.size);
  const p = new mod.Producer({ ...spec.config }, {});
  await connectWithoutBroker(p);
  const first = buffers[0] as Buffer;
  // Topics are looked up by name: the first lookup creates the handle, as the other arms do before timing.
  p.produce(spec.topic, null, first, null);
  const client = p._client;
  collectGarbage();
  region.begin();
  if (spec.variant === 'direct') {
    for (let i = 0; i < spec.messages; i++) client.produce(spec.topic, -1, buffers[i] as Buffer, null, undefined, undefined, undefined);
  } else {
    for (let i = 0; i < spec.messages; i++) p.produce(spec.topic, null, buffers[i] as Buffer, null); // throws on failure (a full queue included)
  }
  region.end();
  return { count: spec.messages, bytes: spec.messages * spec.size, failed: 0, waitMs: 0, stalls: 0, librdkafka: mod.librdkafkaVersion, api: `${f.pkg === CONFLUENT.pkg ? 'Producer (node-rdkafka-compatible API)' : 'Producer'}.produce() per message` };
}

async function delivery(mod: RdModule, spec: ArmSpec, region: Region): Promise<ArmOutcome> {
  const buffers = payloadBuffers(spec.messages, spec.size);
  let delivered = 0;
  let failed = 0;
  let onAll: (() => void) | undefined;
  const count = (err: unknown): void => {
    if (err) failed++;
    else delivered++;
    if (delivered + failed === spec.messages) onAll?.();
  };
  let p: RdProducer;
  if (spec.variant === 'direct') {
    p = new mod.Producer({ ...spec.config }, {});
    // A bare function as the native delivery callback, in place of the wrapper's (which converts the error and emits an event).
    p._cb_configs.event.delivery_cb = count;
  } else {
    p = new mod.Producer({ ...spec.config, dr_cb: true }, {});
    p.on('delivery-report', count);
  }
  p.on('event.error', () => undefined);
  await connect(p);
  for (let i = 0; i < spec.messages; i++) p.produce(spec.topic, null, buffers[i] as Buffer, null);
  const waitMs = await quiesce(); // every report waits, unserved, in librdkafka's queue (nothing polls)
  collectGarbage();
  let stalls = 0;
  region.begin();
  await new Promise<void>((resolve, reject) => {
    let seen = 0;
    // A poll every second without progress (there should be none: one poll serves every report).
    const timer = setInterval(() => {
      if (delivered + failed === seen) {
        if (++stalls > 30) {
          clearInterval(timer);
          reject(new Error(`no delivery report for 30 s after ${seen} of ${spec.messages}`));
        }
        p.poll();
      }
      seen = delivered + failed;
    }, 1000);
    onAll = () => {
      clearInterval(timer);
      resolve();
    };
    // One poll serves every waiting report; the binding hands them to JS from the event loop, 100 per turn.
    p.poll();
    if (delivered + failed === spec.messages) onAll();
  });
  region.end();
  checkCount('delivered', delivered, spec.messages, failed);
  return { count: delivered, bytes: delivered * spec.size, failed, waitMs, stalls, librdkafka: mod.librdkafkaVersion, api: spec.variant === 'direct' ? 'poll(); native delivery callback' : "poll(); 'delivery-report' event per message" };
}

async function consume(f: Family, mod: RdModule, spec: ArmSpec, region: Region): Promise<ArmOutcome> {
  const c = new mod.KafkaConsumer({ ...spec.config }, {});
  c.on('event.error', () => undefined);
  await connect(c);
  c.assign(Array.from({ length: spec.partitions }, (_, partition) => ({ topic: spec.topic, partition, offset: 0 })));
  c.setDefaultConsumeTimeout(100);
  const waitMs = await quiesce(); // every message fetched into librdkafka's queue
  collectGarbage();
  const take = (n: number): Promise<{ value: Buffer | null }[]> =>
    new Promise((resolve, reject) => {
      const cb: ConsumeCb = (err, msgs) => (err ? reject(new Error(`consume: ${errorMessage(err)}`)) : resolve(msgs));
      if (spec.variant === 'direct') f.directConsume(c._client, 100, n, cb);
      else c.consume(n, cb);
    });
  let count = 0;
  let bytes = 0;
  let stalls = 0;
  region.begin();
  while (count < spec.messages) {
    const msgs = await take(Math.min(spec.batch, spec.messages - count));
    if (msgs.length === 0) stalls++;
    for (const m of msgs) bytes += m.value?.length ?? 0;
    count += msgs.length;
  }
  region.end();
  checkCount('consumed', count, spec.messages);
  return { count, bytes, failed: 0, waitMs, stalls, librdkafka: mod.librdkafkaVersion, api: `KafkaConsumer.consume(${spec.batch}, cb) batches` };
}

function arm(f: Family): NodeArm {
  return {
    bindings: () => [{ label: f.pkg, binding: fromClients(f.nativeEntry) as object }],
    run(spec, region) {
      const mod = requireClient<RdModule>(f.pkg);
      switch (spec.path) {
        case 'produce':
          return produce(f, mod, spec, region);
        case 'delivery':
          return delivery(mod, spec, region);
        case 'consume':
          return consume(f, mod, spec, region);
      }
    },
  };
}

export const nodeRdkafkaArm: NodeArm = arm(NODE_RDKAFKA);
export const confluentArm: NodeArm = arm(CONFLUENT);
