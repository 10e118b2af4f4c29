// crab: kafka-crab-js, a Rust (napi-rs) binding over rust-rdkafka with librdkafka linked in statically,
// so unlike the other librdkafka arms it cannot run on kbench's shared librdkafka build. It gets the
// same librdkafka properties (librdkafka-config.ts) through its `configuration` maps. Producer: send()
// of a batch with autoFlush off, so that it only enqueues; flush() (rd_kafka_flush) then collects one
// delivery result per message. In the default autoFlush mode every send() flushes, and a flush takes
// ~100 ms here whatever it waits for (measured), so a pipelined producer would be limited by kbench's
// window of sends, not by the client. Consumer: recvBatch(n, ms) on a manual assignment at the
// beginning of each partition (subscribe() with partitionOffset), one per topic read, the previous
// one dropped (unsubscribe()) first.
import fs from 'node:fs';
import { SCENARIOS } from '../results/types.js';
import type { OutBatch } from '../scenarios/batch.js';
import { clientVersion, requireClient, resolveClient } from '../util/clients.js';
import { errorMessage } from '../util/errors.js';
import { CONSUMER_PREFETCH, QUEUE_MAX_MESSAGES, librdkafkaConsumerConfig, librdkafkaProducerConfig, withConfigErrors } from './librdkafka-config.js';
import { ALL_SASL_MECHANISMS, securityNote, type DriverSecurity } from './security.js';
import type { ClientConfig, ConsumerPort, ConsumeTarget, DeliveryCounts, DriverContext, DriverDescription, InBatch, NodeDriver, ProducerPort } from './types.js';

const PACKAGE = 'kafka-crab-js';
/** The prebuilt native binding; the package loads it from this optional dependency. */
const BINDING_PACKAGE = 'kafka-crab-js-linux-x64-gnu';

// The slice of kafka-crab-js's API this driver uses (its typings live under clients/).
interface CrabRecordMetadata {
  topic: string;
  partition: number;
  offset: number;
  error?: { code: number; message: string };
}
interface CrabProducer {
  /** With autoFlush off: enqueues and resolves (with []) without waiting for deliveries. */
  send(record: { topic: string; messages: { payload: Buffer }[] }): Promise<CrabRecordMetadata[]>;
  flush(): Promise<CrabRecordMetadata[]>;
  getLastDeliveryResults(): CrabRecordMetadata[];
}
interface CrabMessage {
  payload: Buffer;
  topic: string;
}
type CrabOffset = { position: 'Beginning' };
interface CrabConsumer {
  subscribe(topics: { topic: string; partitionOffset: { partition: number; offset: CrabOffset }[] }[]): Promise<void>;
  unsubscribe(): void;
  recvBatch(size: number, timeoutMs: number): Promise<CrabMessage[]>;
  disconnect(): Promise<void>;
}
interface CrabClient {
  createProducer(config: { queueTimeout?: number; autoFlush?: boolean; configuration?: ClientConfig }): CrabProducer;
  createConsumer(config: { groupId: string; enableAutoCommit?: boolean; configuration?: ClientConfig }): CrabConsumer;
}
interface CrabModule {
  KafkaClient: new (config: { brokers: string; clientId: string; logLevel?: string; configuration?: ClientConfig }) => CrabClient;
}
/** What a rejected send() carries (SendFailureError) when part of it was enqueued. */
interface CrabSendFailure {
  message?: string;
  enqueuedCount?: number;
}

const load = (): CrabModule => requireClient<CrabModule>(PACKAGE);

/** How long flush() may wait for deliveries (the client's default is 5 s). */
const QUEUE_TIMEOUT_MS = 60_000;
const CONSUME_BATCH = 1000;
/**
 * recvBatch(n, ms) returns when n messages are there or ms after it was called: a short wait keeps
 * end-to-end latency low, a full queue still yields full batches.
 */
const RECV_TIMEOUT_MS = 2;
/** crab sets these librdkafka properties itself unless told otherwise. */
const CRAB_DEFAULTS: ClientConfig = { 'broker.address.family': 'v4' };
const CLOSE_TIMEOUT_MS = 15_000;

/** Resolves with `p`, or after `ms` whatever p does (close() must never hang an arm). */
function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * rust-rdkafka errors read "… error: QueueFull (Local: Queue full)" or "… NotEnoughReplicas (Broker: …)",
 * possibly wrapped ("KafkaError (…)"): the code name is the word before "(Local:" / "(Broker:".
 */
function codeFromText(text: string | undefined): string {
  const m = /([A-Z][A-Za-z]+) \((?:Local|Broker): /.exec(text ?? '') ?? /error: ([A-Z][A-Za-z]+)/.exec(text ?? '');
  return m?.[1] ?? 'error';
}

/**
 * Consumer errors librdkafka reports and recovers from by itself (a broker connection dropped and is
 * re-established): node-rdkafka and confluent surface these as events, crab's recvBatch() rejects.
 */
const TRANSIENT = new Set(['BrokerTransportFailure', 'AllBrokersDown', 'Resolve', 'TimedOut', 'OperationTimedOut', 'Transport']);

/**
 * A client-creation error as one readable line: napi-rs wraps the consumer's in a Debug dump
 * (`Error { status: …, reason: "…\n\nStack backtrace: …" }`), and rust-rdkafka appends the refused
 * setting's key and value, which are not repeated here (a value could be a secret).
 */
export function creationError(err: unknown, config: ClientConfig): Error {
  let text = errorMessage(err);
  const reason = /reason: "((?:[^"\\]|\\.)*)"?/.exec(text);
  if (reason) {
    text = (reason[1] as string).replace(/\\n\\nStack backtrace:[\s\S]*$/, '').replace(/\\n/g, ' ').replace(/\\(.)/g, '$1');
  }
  for (const k of Object.keys(config)) {
    const at = text.indexOf(`" ${k} `);
    if (at >= 0) text = text.slice(0, at + 1);
  }
  return new Error(text);
}

/** Creates a crab client, turning its errors into creationError()s. */
function create<T>(config: ClientConfig, make: () => T): T {
  try {
    return make();
  } catch (err) {
    throw creationError(err, config);
  }
}

/** The broker list and client id go to the client; every other librdkafka property to the configuration map. */
function split(config: ClientConfig): { brokers: string; clientId: string; rest: ClientConfig } {
  const { 'bootstrap.servers': brokers, 'client.id': clientId, ...rest } = config;
  return { brokers: String(brokers), clientId: String(clientId), rest };
}

class CrabProducerPort implements ProducerPort {
  private counts: DeliveryCounts = { delivered: 0, failed: 0, errors: {} };
  /** Enqueued messages whose delivery results flush() has not collected yet. */
  private pending = 0;
  /** Collect before this many messages are pending, so that librdkafka's queue never fills. */
  private readonly maxPending: number;

  constructor(private readonly p: CrabProducer, private readonly topic: string, readonly config: ClientConfig) {
    this.maxPending = Math.max(1, Math.floor(Number(config['queue.buffering.max.messages'] ?? QUEUE_MAX_MESSAGES) / 2));
  }

  private fail(n: number, code: string): void {
    if (n <= 0) return;
    this.counts.failed += n;
    this.counts.errors[code] = (this.counts.errors[code] ?? 0) + n;
  }

  private tally(results: readonly CrabRecordMetadata[]): void {
    for (const r of results) {
      if (r.error) this.fail(1, codeFromText(r.error.message));
      else this.counts.delivered++;
    }
  }

  /**
   * flush(): waits for librdkafka's queue to drain and collects one result per pending message. It
   * rejects when any delivery failed; the per-message results are then in getLastDeliveryResults()
   * (exact here: flushes never overlap). Results it could not collect in time count as failed.
   */
  private async collect(): Promise<CrabRecordMetadata[]> {
    const n = this.pending;
    this.pending = 0;
    let results: CrabRecordMetadata[];
    let code = 'error';
    try {
      results = await this.p.flush();
    } catch (err) {
      results = this.p.getLastDeliveryResults();
      code = codeFromText(errorMessage(err));
    }
    this.tally(results);
    this.fail(n - results.length, code);
    return results;
  }

  /** Enqueues `values`; what a full queue refused is enqueued again once the queue has drained. */
  private async enqueue(values: Buffer[]): Promise<void> {
    let rest = values;
    while (rest.length > 0) {
      if (this.pending + rest.length > this.maxPending && this.pending > 0) await this.collect();
      try {
        await this.p.send({ topic: this.topic, messages: rest.map((payload) => ({ payload })) });
        this.pending += rest.length;
        return;
      } catch (err) {
        const e = err as CrabSendFailure;
        const code = codeFromText(e.message);
        const enqueued = e.enqueuedCount ?? 0;
        this.pending += enqueued;
        if (code !== 'QueueFull') return this.fail(rest.length - enqueued, code);
        rest = rest.slice(enqueued);
        await this.collect();
      }
    }
  }

  send(batch: OutBatch): Promise<void> {
    return this.enqueue(batch.values());
  }

  async sendAndWait(batch: OutBatch): Promise<void> {
    const before = this.counts.failed;
    await this.enqueue(batch.values());
    const results = await this.collect();
    if (this.counts.failed > before) {
      const failed = results.find((r) => r.error)?.error;
      throw Object.assign(new Error(failed?.message ?? 'delivery failed'), { code: codeFromText(failed?.message) });
    }
  }

  async flush(timeoutMs: number): Promise<DeliveryCounts> {
    if (this.pending > 0 && (await within(this.collect(), timeoutMs)) === undefined) {
      throw new Error(`flush: deliveries still outstanding after ${timeoutMs} ms`);
    }
    return { delivered: this.counts.delivered, failed: this.counts.failed, errors: { ...this.counts.errors } };
  }

  async close(): Promise<void> {
    // The producer has no close(): librdkafka is torn down (flushing) when it is garbage-collected or at exit.
    if (this.pending > 0) await within(this.collect(), CLOSE_TIMEOUT_MS);
  }
}

class CrabConsumerPort implements ConsumerPort {
  readonly assignment = 'assign' as const;
  private closed = false;
  private assigned = false;
  constructor(private readonly c: CrabConsumer, readonly config: ClientConfig) {}

  async consume(target: ConsumeTarget, onBatch: (b: InBatch) => boolean, onAssigned?: () => void): Promise<void> {
    // The previous target is dropped first (librdkafka stops fetching it).
    if (this.assigned) this.c.unsubscribe();
    onAssigned?.();
    // A manual assignment at the beginning: neither a group rebalance nor committed offsets matter.
    await this.c.subscribe([{ topic: target.topic, partitionOffset: target.partitions.map((partition) => ({ partition, offset: { position: 'Beginning' } })) }]);
    this.assigned = true;
    while (!this.closed) {
      let msgs: CrabMessage[];
      try {
        msgs = await this.c.recvBatch(CONSUME_BATCH, RECV_TIMEOUT_MS);
      } catch (err) {
        // A stall is still caught by the scenario (no messages for 30 s).
        if (!TRANSIENT.has(codeFromText(errorMessage(err)))) throw err;
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      if (msgs.length === 0) continue;
      if (msgs[0]?.topic !== target.topic) throw new Error(`${PACKAGE} delivered messages of ${msgs[0]?.topic} while reading ${target.topic}`);
      if (!onBatch({ count: msgs.length, payload: (i) => msgs[i]?.payload ?? Buffer.alloc(0) })) return;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await within(this.c.disconnect().catch(() => undefined), CLOSE_TIMEOUT_MS);
  }
}

/**
 * Codecs the bundled librdkafka was built with (this build has no zstd): a producer is created with
 * each one and no broker list, which librdkafka accepts or refuses at once without connecting.
 */
function bundledCodecs(mod: CrabModule): string[] {
  return ['none', 'gzip', 'snappy', 'lz4', 'zstd'].filter((codec) => {
    try {
      new mod.KafkaClient({ brokers: '', clientId: 'kbench-probe', logLevel: 'error' }).createProducer({ autoFlush: false, configuration: { 'compression.codec': codec } });
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * SASL mechanisms and TLS of the bundled librdkafka, probed the same way: librdkafka refuses a
 * security.protocol or mechanism it was built without when the client is created.
 */
function bundledSecurity(mod: CrabModule): DriverSecurity {
  const accepts = (configuration: ClientConfig): boolean => {
    try {
      new mod.KafkaClient({ brokers: '', clientId: 'kbench-probe', logLevel: 'error' }).createProducer({ autoFlush: false, configuration });
      return true;
    } catch {
      return false;
    }
  };
  const sasl = ALL_SASL_MECHANISMS.filter((m) => accepts({ 'security.protocol': 'sasl_plaintext', 'sasl.mechanisms': m.toUpperCase(), 'sasl.username': 'probe', 'sasl.password': 'probe' }));
  const tls = accepts({ 'security.protocol': 'ssl' });
  return { sasl, tls, ...(sasl.length < ALL_SASL_MECHANISMS.length || !tls ? { note: 'as its bundled librdkafka was built' } : {}) };
}

/** librdkafka as linked into the binding, read from the build path rdkafka-sys leaves in it ("rdkafka-sys-4.10.0+2.12.1"). */
function bundledLibrdkafka(): string | undefined {
  try {
    const bin = fs.readFileSync(resolveClient(BINDING_PACKAGE)).toString('latin1');
    const m = /rdkafka-sys-[\d.]+\+(\d+\.\d+\.\d+)/.exec(bin);
    return m ? `${m[1]} (bundled, static)` : undefined;
  } catch {
    return undefined;
  }
}

export const driver: NodeDriver = {
  kind: 'node',
  id: 'crab',
  client: PACKAGE,
  async describe(): Promise<DriverDescription> {
    const base = { id: 'crab', client: PACKAGE, runtime: `node ${process.versions.node}`, scenarios: [...SCENARIOS], workerThreads: true };
    const notes = [
      `Rust (napi-rs) over rust-rdkafka; librdkafka linked in statically, not kbench's shared build`,
      `producer: send({ messages }) per --send-batch messages with autoFlush off (enqueue only); flush() collects the delivery results (queueTimeout ${QUEUE_TIMEOUT_MS / 1000} s)`,
      'measured: every flush() takes ~100 ms, even for one delivered message (rust-rdkafka ThreadedProducer, 100 ms poll interval), so a sync send (send + flush) manages ~10 msgs/s',
      `consumer: manual assignment at the beginning, recvBatch(${CONSUME_BATCH}, ${RECV_TIMEOUT_MS} ms); transient errors it rejects with (BrokerTransportFailure, …) are skipped, as librdkafka recovers from them`,
      "consumer: the topic's metadata cannot be fetched before the window: kafka-crab-js's KafkaConsumer has no metadata call (its subscribe() fetches metadata itself only to assign a whole topic, inside the call, so inside the window), so the window includes librdkafka's wait for the leaders of a topic the client has never seen (the offset lookup of a partition without a known leader is retried after 500 ms), which the other librdkafka consumers fetch before it",
      `crab's own librdkafka defaults: broker.address.family=v4; its fetch.queue.backoff.ms=20 is replaced by kbench's consumer prefetch settings (${Object.entries(CONSUMER_PREFETCH).map(([k, v]) => `${k}=${v}`).join(', ')}), as for every librdkafka consumer`,
      'the package declares engines node 24; its linux-x64-gnu binding is installed explicitly and runs on Node 20',
    ];
    const version = clientVersion(PACKAGE);
    if (!version) return { ...base, version: 'not installed', available: false, reason: `${PACKAGE} is not installed (clients/; run npm ci)`, notes };
    const binding = clientVersion(BINDING_PACKAGE);
    if (!binding) return { ...base, version, available: false, reason: `its native binding ${BINDING_PACKAGE} is not installed (clients/; run npm ci)`, notes };
    try {
      const compressions = bundledCodecs(load());
      const security = bundledSecurity(load());
      const librdkafka = bundledLibrdkafka();
      const more = binding === version ? [] : [`binding ${BINDING_PACKAGE} is ${binding}`];
      return { ...base, version, ...(librdkafka ? { librdkafka } : {}), available: true, compressions, security, notes: [...notes, `compression: ${compressions.join(', ')} (as built)`, securityNote(security), ...more] };
    } catch (err) {
      return { ...base, version, available: false, reason: `cannot load: ${errorMessage(err)}`, notes };
    }
  },
  async createProducer(ctx: DriverContext) {
    const { KafkaClient } = load();
    const config = librdkafkaProducerConfig(ctx);
    const { brokers, clientId, rest } = split(config);
    const p = await withConfigErrors(ctx.extraConfig, () => create(config, () => new KafkaClient({ brokers, clientId, logLevel: 'error' }).createProducer({ queueTimeout: QUEUE_TIMEOUT_MS, autoFlush: false, configuration: rest })));
    return new CrabProducerPort(p, ctx.topic, { ...CRAB_DEFAULTS, ...config, 'kbench.api': 'send() autoFlush=false + flush()', 'kbench.queueTimeoutMs': QUEUE_TIMEOUT_MS });
  },
  async createConsumer(ctx: DriverContext) {
    const { KafkaClient } = load();
    // The prefetch settings are in the configuration map, so crab's own fetch.queue.backoff.ms=20 does not apply.
    const config = librdkafkaConsumerConfig(ctx);
    const { brokers, clientId, rest } = split(config);
    const c = await withConfigErrors(ctx.extraConfig, () => create(config, () => new KafkaClient({ brokers, clientId, logLevel: 'error' }).createConsumer({ groupId: ctx.groupId, enableAutoCommit: false, configuration: rest })));
    return new CrabConsumerPort(c, { ...CRAB_DEFAULTS, ...config, 'kbench.api': `assign + recvBatch(${CONSUME_BATCH}, ${RECV_TIMEOUT_MS} ms)`, 'kbench.assignment': 'subscribe() with partitionOffset (manual assignment) per topic read, unsubscribe() in between' });
  },
};
