// kbench's addon on the three paths. `addon`: the batch API (one produce()/consumeSync() call per
// `batch` messages, one poll() serving every delivery report); `addon-msg`: the same addon called
// with one message per produce()/consumeSync() call. The api variant goes through the typed
// wrappers (NativeProducer / NativeConsumer); the direct variant calls the raw binding they wrap.
import { consumedLayout } from '../../native/batch.js';
import { binding, type RawProducer } from '../../native/binding.js';
import { NativeConsumer, NativeProducer, consumeBufferSize, librdkafkaVersion, payloadBatch } from '../../native/index.js';
import { checkCount, collectGarbage, quiesce, type Region } from '../measure.js';
import type { ArmSpec } from '../types.js';
import { NotApplicable, type ArmOutcome, type NodeArm } from './types.js';

/** produce(topic, batch, range) and poll(), whichever variant runs. */
interface ProducerCalls {
  produce(values: Uint8Array, offsets: Uint32Array, start: number, end: number): number;
  poll(timeoutMs: number): { delivered: number; failed: number };
}

function producer(spec: ArmSpec): ProducerCalls {
  if (spec.variant === 'direct') {
    const raw: RawProducer = new (binding().Producer)(spec.config, {});
    return {
      produce: (values, offsets, start, end) => raw.produce(spec.topic, -1, undefined, values, offsets, undefined, undefined, undefined, start, end),
      poll: (t) => raw.poll(t),
    };
  }
  const p = new NativeProducer(spec.config);
  return {
    produce: (values, valueOffsets, start, end) => p.produce(spec.topic, { values, valueOffsets }, { start, end }),
    poll: (t) => p.poll(t),
  };
}

function enqueueAll(p: ProducerCalls, values: Uint8Array, offsets: Uint32Array, messages: number, batch: number): number {
  let n = 0;
  for (let start = 0; start < messages; start += batch) n += p.produce(values, offsets, start, Math.min(messages, start + batch));
  return n;
}

async function produce(spec: ArmSpec, region: Region, perMessage: boolean): Promise<ArmOutcome> {
  const batch = payloadBatch(spec.messages, spec.size);
  const p = producer(spec);
  p.produce(batch.values, batch.valueOffsets, 0, 0); // creates and caches the topic handle, as the C arm does
  let n = 0;
  if (perMessage) {
    // One message per call: a Buffer of its own and a shared [0, size] offsets array, as a per-message API on top of the batch call would pass it.
    const one = new Uint32Array([0, spec.size]);
    const views = new Array<Uint8Array>(spec.messages);
    for (let i = 0; i < spec.messages; i++) views[i] = batch.values.subarray(i * spec.size, (i + 1) * spec.size);
    collectGarbage();
    region.begin();
    for (let i = 0; i < spec.messages; i++) n += p.produce(views[i] as Uint8Array, one, 0, 1);
    region.end();
  } else {
    collectGarbage();
    region.begin();
    n = enqueueAll(p, batch.values, batch.valueOffsets, spec.messages, spec.batch);
    region.end();
  }
  checkCount('enqueued', n, spec.messages); // a short count means the queue filled up: queue.buffering.max.messages is too small
  return { count: n, bytes: n * spec.size, failed: 0, waitMs: 0, stalls: 0, librdkafka: librdkafkaVersion(), api: perMessage ? 'produce() per message' : `produce() per ${spec.batch} messages` };
}

async function delivery(spec: ArmSpec, region: Region): Promise<ArmOutcome> {
  const batch = payloadBatch(spec.messages, spec.size);
  const p = producer(spec);
  const enqueued = enqueueAll(p, batch.values, batch.valueOffsets, spec.messages, spec.batch);
  checkCount('enqueued before the delivery run', enqueued, spec.messages);
  const waitMs = await quiesce(); // every report waits, unserved, in librdkafka's queue
  collectGarbage();
  let stalls = 0;
  let r = { delivered: 0, failed: 0 };
  region.begin();
  while (r.delivered + r.failed < spec.messages) {
    const before = r.delivered + r.failed;
    r = p.poll(0);
    if (r.delivered + r.failed === before) {
      stalls++;
      r = p.poll(100);
    }
  }
  region.end();
  checkCount('delivered', r.delivered, spec.messages, r.failed);
  return { count: r.delivered, bytes: r.delivered * spec.size, failed: r.failed, waitMs, stalls, librdkafka: librdkafkaVersion(), api: 'poll(): every report served in C++, totals returned' };
}

/** consumeSync(max, timeoutMs, into) in both variants: only count and valueOffsets are read. */
type Take = (max: number, timeoutMs: number, into: ArrayBuffer) => { count: number; valueOffsets: Uint32Array };

async function consume(spec: ArmSpec, region: Region, perMessage: boolean): Promise<ArmOutcome> {
  const partitions = Array.from({ length: spec.partitions }, (_, partition) => ({ topic: spec.topic, partition, offset: 0 }));
  let take: Take;
  if (spec.variant === 'direct') {
    const raw = new (binding().Consumer)(spec.config);
    raw.assign(partitions);
    // The raw batch is a buffer and its stride: the one view read here is made here (ConsumedBatch makes them all).
    take = (max, t, into) => {
      const b = raw.consumeSync(max, t, into);
      return { count: b.count, valueOffsets: new Uint32Array(b.buffer, consumedLayout(b.stride).valueOffsets, b.count + 1) };
    };
  } else {
    const c = new NativeConsumer(spec.config);
    c.assign(partitions);
    take = (max, t, into) => c.consumeSync(max, t, into);
  }
  const waitMs = await quiesce(); // every message fetched into librdkafka's queue
  collectGarbage();
  const per = perMessage ? 1 : spec.batch;
  // One buffer for every batch, the least-overhead way to call consumeSync(): no allocation per batch.
  const into = new ArrayBuffer(consumeBufferSize(per, spec.size));
  new Uint8Array(into).fill(0); // its pages faulted in before timing, as the C arms' copy buffer is (memset)
  let count = 0;
  let bytes = 0;
  let stalls = 0;
  region.begin();
  while (count < spec.messages) {
    const want = Math.min(per, spec.messages - count);
    let b = take(want, 0, into);
    if (b.count === 0) {
      stalls++;
      b = take(want, 100, into);
    }
    // Each message's length, read from the offsets: the batch API's way to walk messages without an object per message.
    const vo = b.valueOffsets;
    for (let i = 0; i < b.count; i++) bytes += (vo[i + 1] as number) - (vo[i] as number);
    count += b.count;
  }
  region.end();
  checkCount('consumed', count, spec.messages);
  return { count, bytes, failed: 0, waitMs, stalls, librdkafka: librdkafkaVersion(), api: perMessage ? 'consumeSync(1, 0, into) per message' : `consumeSync(${spec.batch}, 0, into) batches into one reused buffer` };
}

function arm(perMessage: boolean): NodeArm {
  return {
    bindings: () => [{ label: 'kbench', binding: binding() }],
    run(spec, region) {
      switch (spec.path) {
        case 'produce':
          return produce(spec, region, perMessage);
        case 'delivery':
          if (perMessage) throw new NotApplicable('the addon has no per-message delivery API: poll() serves every waiting report in one call (the addon row is the figure)');
          return delivery(spec, region);
        case 'consume':
          return consume(spec, region, perMessage);
      }
    },
  };
}

export const addonArm: NodeArm = arm(false);
export const addonMsgArm: NodeArm = arm(true);
