// node-rdkafka: the classic librdkafka binding (Producer / KafkaConsumer API). One JS→C++ call per
// produced message, one delivery-report event per message, one JS object per consumed message.
// Built against kbench's own librdkafka (scripts/install.mjs), like every librdkafka-based arm.
import { SCENARIOS } from '../results/types.js';
import type { OutBatch } from '../scenarios/batch.js';
import { errorMessage } from '../util/errors.js';
import { clientVersion, requireClient } from '../util/clients.js';
import { METADATA_NOTE, fetchTargetMetadata } from '../scenarios/consumer.js';
import { OFFSET_BEGINNING, librdkafkaConsumerConfig, librdkafkaProducerConfig, withConfigErrors } from './librdkafka-config.js';
import { FULL_SECURITY, securityNote } from './security.js';
import type { ClientConfig, ConsumerPort, ConsumeTarget, DeliveryCounts, DriverContext, DriverDescription, InBatch, NodeDriver, ProducerPort } from './types.js';
import type { DeliveryLedger } from '../scenarios/ledger.js';

// The slice of node-rdkafka's API this driver uses (its own typings live under clients/).
interface RdError extends Error {
  code: number;
}
interface RdReport {
  opaque?: unknown;
}
interface RdProducer {
  connect(opts: object, cb: (err: RdError | null) => void): void;
  disconnect(timeout: number, cb: (err: RdError | null) => void): void;
  produce(topic: string, partition: number | null, value: Buffer, key: null, ts: null, opaque?: unknown): unknown;
  setPollInterval(ms: number): void;
  poll(): void;
  /** rd_kafka_flush() on libuv's pool: serves delivery reports there as they arrive, until none is in flight or the timeout. */
  flush(timeoutMs: number, cb: (err: RdError | null) => void): void;
  on(ev: 'delivery-report', cb: (err: RdError | null, report: RdReport) => void): void;
  on(ev: 'event.error', cb: (err: RdError) => void): void;
}
interface RdMessage {
  value: Buffer | null;
}
interface RdConsumer {
  connect(opts: object, cb: (err: RdError | null) => void): void;
  disconnect(cb: (err: RdError | null) => void): void;
  assign(a: { topic: string; partition: number; offset: number }[]): void;
  unassign(): void;
  consume(n: number, cb: (err: RdError | null, msgs: RdMessage[]) => void): void;
  consume(cb: (err: RdError | null, msg: RdMessage) => void): void;
  setDefaultConsumeTimeout(ms: number): void;
  getMetadata(opts: { topic?: string; allTopics?: boolean; timeout?: number }, cb: (err: RdError | null, md: RdMetadata) => void): void;
  on(ev: 'event.error', cb: (err: RdError) => void): void;
}
interface RdMetadata {
  topics?: { name: string; partitions?: { id: number }[] }[];
}
export interface RdkafkaModule {
  Producer: new (conf: ClientConfig, topicConf?: ClientConfig) => RdProducer;
  KafkaConsumer: new (conf: ClientConfig, topicConf?: ClientConfig) => RdConsumer;
  librdkafkaVersion: string;
  CODES: { ERRORS: Record<string, number> };
}

/** librdkafka's RD_KAFKA_RESP_ERR__QUEUE_FULL. */
const ERR_QUEUE_FULL = -184;
const POLL_MS = 5;
/** Longest single flush() a sync send waits in (it then flushes again while acks are outstanding). */
const SYNC_FLUSH_MS = 1000;
/** librdkafka's RD_KAFKA_RESP_ERR__TIMED_OUT: a flush() that ran out with messages in flight. */
const ERR_TIMED_OUT = -185;
/** node-rdkafka 3.x hands flush()'s callback a LibrdKafkaError of code -1 with librdkafka's message ("timed out"). */
const flushTimedOut = (e: RdError | null): boolean => e !== null && (e.code === ERR_TIMED_OUT || /timed out/i.test(e.message));
const CONSUME_BATCH = 1000;

/** Maps librdkafka numeric codes to names (ERR__MSG_TIMED_OUT …) for error tallies. */
export function codeName(mod: RdkafkaModule, code: number | undefined): string {
  if (code === undefined) return 'error';
  for (const [name, v] of Object.entries(mod.CODES.ERRORS)) if (v === code) return name;
  return `code ${code}`;
}

const connectAsync = (c: { connect(o: object, cb: (e: RdError | null) => void): void }, timeout: number): Promise<void> =>
  new Promise((resolve, reject) => c.connect({ timeout }, (e) => (e ? reject(new Error(`connect: ${errorMessage(e)}`)) : resolve())));

/** Producer port shared with the confluent driver (same native API lineage). */
export class RdProducerPort implements ProducerPort {
  private counts: DeliveryCounts = { delivered: 0, failed: 0, errors: {} };
  private sent = 0;

  constructor(private readonly mod: RdkafkaModule, private readonly p: RdProducer, private readonly topic: string, readonly config: ClientConfig, private readonly ledger?: DeliveryLedger) {
    p.on('delivery-report', (err, report) => {
      const waiter = report?.opaque as ((e: RdError | null) => void) | number | undefined;
      // With a ledger, send() gives each message its sequence number as the opaque.
      if (typeof waiter === 'number') this.ledger?.settle(waiter, !err);
      if (err) {
        this.counts.failed++;
        const name = codeName(this.mod, err.code);
        this.counts.errors[name] = (this.counts.errors[name] ?? 0) + 1;
      } else {
        this.counts.delivered++;
      }
      if (typeof waiter === 'function') waiter(err);
    });
    p.setPollInterval(POLL_MS);
  }

  /** produce() with queue-full handling: wait for the poll loop to drain deliveries, then retry. */
  private async produceOne(value: Buffer, opaque?: unknown): Promise<void> {
    for (;;) {
      try {
        this.p.produce(this.topic, null, value, null, null, opaque);
        this.sent++;
        return;
      } catch (err) {
        if ((err as RdError).code !== ERR_QUEUE_FULL) throw err;
        this.p.poll();
        await new Promise((r) => setTimeout(r, 1));
      }
    }
  }

  async send(batch: OutBatch): Promise<void> {
    for (let i = 0; i < batch.count; i++) {
      const v = batch.value(i);
      const opaque = this.ledger ? batch.firstSeq + i : null;
      try {
        this.p.produce(this.topic, null, v, null, null, opaque);
        this.sent++;
      } catch (err) {
        if ((err as RdError).code !== ERR_QUEUE_FULL) throw err;
        await this.produceOne(v, opaque);
      }
    }
  }

  async sendAndWait(batch: OutBatch): Promise<void> {
    const acks = batch.values().map(
      (v) =>
        new Promise<void>((resolve, reject) => {
          const waiter = (e: RdError | null): void => (e ? reject(Object.assign(new Error(errorMessage(e)), { code: codeName(this.mod, e.code) })) : resolve());
          void this.produceOne(v, waiter).catch(reject);
        }),
    );
    // Delivery reports only arrive when polled. node-rdkafka's wait for them is flush(): on libuv's
    // pool, rd_kafka_flush() serves each report as it arrives (no timer), and the delivery-report
    // event carries it to JS. A flush that returns without error had nothing left in flight, so every
    // ack is on its way; one that timed out is repeated while acks are outstanding. (The 5 ms poll
    // timer stays the fallback.)
    let settled = false;
    const all = Promise.all(acks).finally(() => (settled = true));
    all.catch(() => undefined); // handled: a failed ack rejects the await below, not the process
    while (!settled) {
      const err = await new Promise<RdError | null>((resolve) => this.p.flush(SYNC_FLUSH_MS, resolve));
      if (!flushTimedOut(err)) break;
    }
    await all;
  }

  snapshot(): DeliveryCounts {
    return { delivered: this.counts.delivered, failed: this.counts.failed, errors: { ...this.counts.errors } };
  }

  async flush(timeoutMs: number): Promise<DeliveryCounts> {
    const deadline = Date.now() + timeoutMs;
    while (this.counts.delivered + this.counts.failed < this.sent) {
      if (Date.now() > deadline) throw new Error(`flush: ${this.sent - this.counts.delivered - this.counts.failed} deliveries outstanding after ${timeoutMs} ms`);
      this.p.poll();
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return { delivered: this.counts.delivered, failed: this.counts.failed, errors: { ...this.counts.errors } };
  }

  close(): Promise<void> {
    this.p.setPollInterval(0);
    return new Promise((resolve) => this.p.disconnect(10_000, () => resolve()));
  }
}

/**
 * Consumer port shared with the confluent driver: assign the target's partitions at the beginning
 * (after unassigning the previous target), then consume(n) in batches (throughput), or the flowing
 * consume(cb) mode — one callback per message as soon as it arrives — for latency, where consume(n)
 * would hold messages until n have arrived. The flowing loop runs until disconnect: it is started
 * once and hands messages to the current target's callback.
 */
export class RdConsumerPort implements ConsumerPort {
  readonly assignment = 'assign' as const;
  private closed = false;
  private assigned = false;
  private flowing = false;
  /** Flowing mode: where the loop's messages go (none between targets). */
  private sink: ((err: RdError | null, msg: RdMessage) => void) | undefined;

  constructor(
    private readonly c: RdConsumer,
    readonly config: ClientConfig,
    private readonly mode: 'batch' | 'flowing' = 'batch',
  ) {
    this.c.setDefaultConsumeTimeout(100);
  }

  /** getMetadata() of this one topic (allTopics: false, or librdkafka would not cache an unseen topic's): its partition ids. */
  private topicPartitions(topic: string, timeoutMs: number): Promise<number[] | undefined> {
    return new Promise((resolve, reject) => {
      this.c.getMetadata({ topic, allTopics: false, timeout: timeoutMs }, (err, md) => {
        if (err) return reject(err);
        resolve(md?.topics?.find((t) => t.name === topic)?.partitions?.map((p) => p.id));
      });
    });
  }

  async consume(target: ConsumeTarget, onBatch: (b: InBatch) => boolean, onAssigned?: () => void): Promise<void> {
    // The previous target is unassigned first: librdkafka stops fetching it and drops what it prefetched.
    if (this.assigned) this.c.unassign();
    // Its metadata first: the assignment does not then wait for the partitions' leaders.
    await fetchTargetMetadata(target, (timeoutMs) => this.topicPartitions(target.topic, timeoutMs));
    onAssigned?.();
    this.c.assign(target.partitions.map((partition) => ({ topic: target.topic, partition, offset: OFFSET_BEGINNING })));
    this.assigned = true;
    return new Promise((resolve, reject) => {
      if (this.mode === 'flowing') {
        this.sink = (err, msg) => {
          if (err) {
            this.sink = undefined;
            return reject(new Error(`consume: ${errorMessage(err)}`));
          }
          if (!onBatch({ count: 1, payload: () => msg.value ?? Buffer.alloc(0) })) {
            this.sink = undefined;
            resolve();
          }
        };
        if (!this.flowing) {
          this.flowing = true;
          this.c.consume((err, msg) => this.sink?.(err, msg));
        }
        return;
      }
      const next = (): void => {
        if (this.closed) return resolve();
        this.c.consume(CONSUME_BATCH, (err, msgs) => {
          if (err) return reject(new Error(`consume: ${errorMessage(err)}`));
          if (msgs.length > 0) {
            const more = onBatch({ count: msgs.length, payload: (i) => msgs[i]?.value ?? Buffer.alloc(0) });
            if (!more) return resolve();
          }
          setImmediate(next);
        });
      };
      next();
    });
  }

  close(): Promise<void> {
    this.closed = true;
    this.sink = undefined;
    return new Promise((resolve) => this.c.disconnect(() => resolve()));
  }
}

export async function createRdProducer(mod: RdkafkaModule, ctx: DriverContext): Promise<ProducerPort> {
  const config: ClientConfig = { ...librdkafkaProducerConfig(ctx), dr_cb: true };
  const p = await withConfigErrors(ctx.extraConfig, () => new mod.Producer(config));
  p.on('event.error', () => undefined); // connection errors surface as failed deliveries instead
  await withConfigErrors(ctx.extraConfig, () => connectAsync(p, 30_000));
  return new RdProducerPort(mod, p, ctx.topic, config, ctx.ledger);
}

export async function createRdConsumer(mod: RdkafkaModule, ctx: DriverContext): Promise<ConsumerPort> {
  const config = librdkafkaConsumerConfig(ctx);
  const c = await withConfigErrors(ctx.extraConfig, () => new mod.KafkaConsumer(config, {}));
  c.on('event.error', () => undefined);
  await withConfigErrors(ctx.extraConfig, () => connectAsync(c, 30_000));
  return new RdConsumerPort(c, { ...config, 'kbench.assignment': 'getMetadata({ topic }) then assign() per topic read (unassign() in between)' }, ctx.purpose === 'latency' ? 'flowing' : 'batch');
}

const load = (): RdkafkaModule => requireClient<RdkafkaModule>('node-rdkafka');

export const driver: NodeDriver = {
  kind: 'node',
  id: 'node-rdkafka',
  client: 'node-rdkafka',
  async describe(): Promise<DriverDescription> {
    const base = { id: 'node-rdkafka', client: 'node-rdkafka', runtime: `node ${process.versions.node}`, scenarios: [...SCENARIOS], workerThreads: false, security: FULL_SECURITY, ledger: true };
    const notes = ['Producer.produce() per message; delivery-report event per message (polled every 5 ms; a sync send waits in flush(), which serves its report as it arrives); KafkaConsumer.consume(n) batches (flowing consume() for e2e-latency)', 'consumer: assign() of each topic read (unassign() in between); the window opens right before assign() of the measured partitions', `${METADATA_NOTE}: KafkaConsumer.getMetadata({ topic, allTopics: false, timeout })`, 'cannot load in two worker threads at once: --workers uses processes', securityNote(FULL_SECURITY)];
    const version = clientVersion('node-rdkafka');
    if (!version) return { ...base, version: 'not installed', available: false, reason: 'node-rdkafka is not installed (clients/; run npm ci)', notes };
    try {
      return { ...base, version, librdkafka: load().librdkafkaVersion, available: true, notes };
    } catch (err) {
      return { ...base, version, available: false, reason: `cannot load: ${errorMessage(err)}`, notes };
    }
  },
  createProducer: (ctx) => createRdProducer(load(), ctx),
  createConsumer: (ctx) => createRdConsumer(load(), ctx),
};
