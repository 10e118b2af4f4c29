// kbench's own addon. `addon` drives its batch API from TypeScript through the generic scenarios:
// one produce() call per batch, delivery reports counted in C++ and read with one poll() per batch,
// consumed batches as one packed buffer. `addon-loop` hands producer-async and consumer to the
// whole loops in C++ (produceLoop / consumeLoop): no JavaScript per message or batch at all.
import type { NativeConsumer as NativeConsumerT, NativeProducer as NativeProducerT } from '../native/index.js';
import { SCENARIOS } from '../results/types.js';
import { armPayload, type OutBatch } from '../scenarios/batch.js';
import { METADATA_NOTE, fetchTargetMetadata, noWarmupTopic, nothingToRead, windowNote } from '../scenarios/consumer.js';
import { Meter } from '../scenarios/measure.js';
import { producerAsync } from '../scenarios/producer.js';
import type { ScenarioOutcome, ScenarioRun } from '../scenarios/types.js';
import { errorMessage } from '../util/errors.js';
import { kbenchVersion } from '../paths.js';
import { librdkafkaConsumerConfig, librdkafkaProducerConfig, withConfigErrors } from './librdkafka-config.js';
import { FULL_SECURITY, securityNote } from './security.js';
import type { ClientConfig, ConsumerPort, ConsumeTarget, DeliveryCounts, DriverContext, DriverDescription, InBatch, NodeDriver, ProducerPort, ScenarioOverride } from './types.js';
import type { DeliveryLedger } from '../scenarios/ledger.js';

type NativeModule = typeof import('../native/index.js');
const native = (): Promise<NativeModule> => import('../native/index.js');

/** Messages per consume() call: one crossing and one payload copy per batch. */
const CONSUME_BATCH = 10_000;

function counts(p: NativeProducerT): DeliveryCounts {
  const s = p.stats();
  return { delivered: s.delivered, failed: s.failed, errors: { ...(s.errors as Record<string, number>) } };
}

class AddonProducer implements ProducerPort {
  constructor(private readonly p: NativeProducerT, private readonly topic: string, readonly config: ClientConfig, private readonly ledger?: DeliveryLedger) {}

  /** poll(0), and with a ledger its delivery records settled (id = enqueue order: seq = ledger.sentFrom + id). */
  private poll(): void {
    const r = this.p.poll(0).records;
    if (!r || !this.ledger) return;
    for (let i = 0; i < r.ids.length; i++) this.ledger.settle(this.ledger.sentFrom + (r.ids[i] as number), r.errors[i] === 0);
  }

  async send(batch: OutBatch): Promise<void> {
    const mb = { values: batch.buffer, valueOffsets: batch.offsets };
    let at = this.p.produce(this.topic, mb);
    while (at < batch.count) {
      // librdkafka's queue is full: serve delivery reports and continue where it stopped.
      this.poll();
      await new Promise((r) => setTimeout(r, 1));
      at += this.p.produce(this.topic, mb, { start: at });
    }
    this.poll();
  }

  async sendAndWait(batch: OutBatch): Promise<void> {
    await this.p.produceSync(this.topic, { values: batch.buffer, valueOffsets: batch.offsets });
  }

  serve(): void {
    this.poll();
  }

  snapshot(): DeliveryCounts {
    return counts(this.p);
  }

  async flush(timeoutMs: number): Promise<DeliveryCounts> {
    try {
      await this.p.flush(timeoutMs);
    } catch (err) {
      const c = counts(this.p);
      throw new Error(`flush: ${errorMessage(err)} (${c.delivered} delivered, ${c.failed} failed so far)`);
    } finally {
      this.poll();
    }
    return counts(this.p);
  }

  close(): Promise<void> {
    return this.p.close();
  }
}

/** Fetches `target`'s metadata on the consumer (before its partitions are assigned and the window opens). */
function locateTarget(c: NativeConsumerT, target: ConsumeTarget): Promise<void> {
  return fetchTargetMetadata(target, async (timeoutMs) => (await c.fetchMetadata(target.topic, timeoutMs)).partitions);
}

/** Assigns `target` from the beginning of each of its partitions (replacing any earlier assignment). */
function assignTarget(c: NativeConsumerT, target: ConsumeTarget): void {
  c.assign(target.partitions.map((partition) => ({ topic: target.topic, partition, offset: 'beginning' as const })));
}

class AddonConsumer implements ConsumerPort {
  readonly assignment = 'assign' as const;
  private assigned = false;
  constructor(private readonly c: NativeConsumerT, readonly config: ClientConfig) {}

  async consume(target: ConsumeTarget, onBatch: (b: InBatch) => boolean, onAssigned?: () => void): Promise<void> {
    // The previous target is unassigned first: librdkafka stops fetching it and drops what it prefetched.
    if (this.assigned) this.c.assign([]);
    // Its metadata first: the assignment does not then wait for the partitions' leaders.
    await locateTarget(this.c, target);
    onAssigned?.();
    assignTarget(this.c, target);
    this.assigned = true;
    for (;;) {
      const b = await this.c.consume(CONSUME_BATCH, 100);
      if (b.count > 0 && !onBatch({ count: b.count, payload: (i) => b.value(i) })) return;
    }
  }

  close(): Promise<void> {
    return this.c.close();
  }
}

async function createProducer(ctx: DriverContext): Promise<ProducerPort> {
  const { NativeProducer } = await native();
  const config = librdkafkaProducerConfig(ctx);
  const options = ctx.ledger ? { deliveryRecords: true } : undefined;
  return new AddonProducer(await withConfigErrors(ctx.extraConfig, () => new NativeProducer(config, options)), ctx.topic, config, ctx.ledger);
}

async function createConsumer(ctx: DriverContext): Promise<ConsumerPort> {
  const { NativeConsumer } = await native();
  const config = librdkafkaConsumerConfig(ctx);
  return new AddonConsumer(await withConfigErrors(ctx.extraConfig, () => new NativeConsumer(config)), config);
}

async function describeAddon(id: string, scenarios: DriverDescription['scenarios'], notes: string[]): Promise<DriverDescription> {
  const base = { id, client: 'kbench addon (native/)', version: kbenchVersion(), runtime: `node ${process.versions.node}`, scenarios, workerThreads: true, security: FULL_SECURITY, ledger: true, notes: [...notes, securityNote(FULL_SECURITY)] };
  try {
    const n = await native();
    return { ...base, librdkafka: n.librdkafkaVersion(), available: true, notes: [...base.notes, `addon: ${n.addonPath()}`] };
  } catch (err) {
    return { ...base, available: false, reason: `the addon cannot be loaded (npm run build:addon): ${errorMessage(err)}` };
  }
}

export const driver: NodeDriver = {
  kind: 'node',
  id: 'addon',
  client: 'kbench addon',
  describe: () => describeAddon('addon', [...SCENARIOS], ['batch API from TypeScript: one produce() per --send-batch messages, one poll() per batch, consume() batches of up to 10,000', 'consumer: assign() of each topic read (the previous one unassigned); the window opens right before assign() of the measured partitions', `${METADATA_NOTE}: NativeConsumer.fetchMetadata()`]),
  createProducer,
  createConsumer,
};

// ---- addon-loop: the whole loop in C++ ------------------------------------------------------------

const loopProducerAsync: ScenarioOverride = async (ctx, run: ScenarioRun): Promise<ScenarioOutcome> => {
  const { spec } = run;
  // The C++ loop has no schedule and no clock: paced or timed arms run the generic loop on the
  // addon's batch API instead, and say so.
  if (ctx.settings.rate > 0 || spec.durationMs !== undefined) {
    const out = await producerAsync(driver, ctx, run);
    out.notes = [`${ctx.settings.rate > 0 ? 'paced' : 'timed'}: the generic TypeScript loop on the addon's batch API ran (produceLoop has no schedule)`, ...out.notes];
    return out;
  }
  const { NativeProducer } = await native();
  const config = librdkafkaProducerConfig(ctx);
  const { source, stride } = armPayload(spec.payload);
  const p = await withConfigErrors(ctx.extraConfig, () => new NativeProducer(config));
  try {
    // The arm's payload source and stride (src/contract/arm.ts), copied into the loop once. No CRC and
    // no latency clock per message: the c arm's loop does neither (kbench reads the topic back to
    // verify it), so both C loops do the same work per message.
    const loop = (count: number, firstSeq: number) =>
      p.produceLoop({ topic: ctx.topic, count, size: spec.messageSize, firstSeq, flushTimeoutMs: spec.timeoutMs, payload: { source, stride }, checksum: false, latency: false });
    if (spec.warmup > 0) {
      const w = await loop(spec.warmup, spec.firstSeq);
      if (w.failed > 0 || w.delivered !== spec.warmup) throw new Error(`warm-up: ${w.delivered} of ${spec.warmup} delivered, ${w.failed} failed`);
    }
    // The window: from just before the first measured enqueue to the return of the loop, whose
    // last step waits for the last measured delivery report.
    const meter = new Meter();
    meter.start();
    const r = await loop(spec.messages, spec.firstSeq + spec.warmup);
    const m = meter.stop();
    run.progress(spec.messages);
    return {
      ok: !r.timedOut,
      ...(r.timedOut ? { error: `deliveries still outstanding after ${spec.timeoutMs} ms` } : {}),
      messages: spec.messages,
      bytes: r.bytes,
      ...m,
      delivered: r.delivered,
      failed: r.failed,
      errors: r.errors as Record<string, number>,
      config,
      notes: [
        'no checksum and no latency per message inside the loop (as the c arm): the topic is read back by kbench',
        `enqueue alone: ${(r.enqueueNs / spec.messages).toFixed(0)} ns/msg; the loop's own timing (enqueue + last report): ${(r.elapsedNs / 1e6).toFixed(1)} ms`,
      ],
    };
  } finally {
    await p.close();
  }
};

const loopConsumer: ScenarioOverride = async (ctx, run: ScenarioRun): Promise<ScenarioOutcome> => {
  const { spec } = run;
  if (spec.messages === 0) return nothingToRead();
  const { NativeConsumer } = await native();
  const config = librdkafkaConsumerConfig(ctx);
  const c = await withConfigErrors(ctx.extraConfig, () => new NativeConsumer(config));
  try {
    // The warm-up topic, read to its end by one loop, then unassigned: nothing of it is fetched afterwards.
    let warm = 0;
    if (spec.warmup > 0) {
      if (!spec.warmupTopic) throw noWarmupTopic(spec.warmup);
      const warmTarget = { topic: spec.warmupTopic, partitions: [0] };
      await locateTarget(c, warmTarget);
      assignTarget(c, warmTarget);
      const w = await c.consumeLoop({ count: spec.warmup, timeoutMs: spec.timeoutMs });
      if (w.timedOut) throw new Error(`warm-up: read ${w.count} of ${spec.warmup} before the timeout`);
      warm = w.count;
      c.assign([]);
    }
    // The measured topic's metadata, then the window opens before its partitions are assigned:
    // nothing of them is prefetched, and the assignment does not wait for their leaders.
    const target = { topic: ctx.topic, partitions: ctx.readPartitions };
    await locateTarget(c, target);
    const meter = new Meter();
    meter.start();
    assignTarget(c, target);
    const r = await c.consumeLoop({ count: spec.messages, timeoutMs: spec.timeoutMs });
    const m = meter.stop();
    run.progress(r.count);
    return {
      ok: !r.timedOut,
      ...(r.timedOut ? { error: `read ${r.count} of ${spec.messages} before the timeout (after ${warm} warm-up messages)` } : {}),
      messages: r.count,
      bytes: r.bytes,
      ...m,
      consumed: r.count,
      consumedBytes: r.bytes,
      checksum: r.checksum,
      warmupConsumed: warm,
      config,
      notes: [windowNote('assign'), `consumeLoop's own timing (first measured batch to last): ${(r.elapsedNs / 1e6).toFixed(1)} ms, not the figure`],
    };
  } finally {
    await c.close();
  }
};

export const loopDriver: NodeDriver = {
  kind: 'node',
  id: 'addon-loop',
  client: 'kbench addon',
  describe: () => describeAddon('addon-loop', ['producer-async', 'consumer'], ['the whole produce / consume loop in C++ (produceLoop / consumeLoop): the "no JavaScript at all" reference', 'consumer: consumeLoop over the warm-up topic, unassign, fetchMetadata() of the measured topic, then the window opens right before assign() of the measured partitions and closes when consumeLoop has read and checksummed the last; producer: the window spans the measured produceLoop (enqueue and the wait for the last report)', 'producer-sync and e2e-latency are not loops: use the addon driver', `${METADATA_NOTE}: NativeConsumer.fetchMetadata()`]),
  createProducer,
  createConsumer,
  overrides: { 'producer-async': loopProducerAsync, consumer: loopConsumer },
};
