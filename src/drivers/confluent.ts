// confluent: @confluentinc/kafka-javascript through its KafkaJS-compatible promisified API (Kafka,
// producer().send(), consumer().run({ eachBatch })), the API Confluent recommends. It is given raw
// librdkafka properties only, from librdkafka-config.ts, and no `kafkaJS: {...}` block: such a block
// switches the client to KafkaJS-compatibility defaults (murmur2_random partitioner, retries 5,
// socket.timeout.ms 30000, retry.backoff.ms 300, …) and the arm would no longer run with the
// settings of the other librdkafka arms. Rebuilt against kbench's own librdkafka (scripts/install.mjs).
import { SCENARIOS } from '../results/types.js';
import type { OutBatch } from '../scenarios/batch.js';
import { clientVersion, requireClient } from '../util/clients.js';
import { errorMessage } from '../util/errors.js';
import { QUEUE_MAX_KBYTES, QUEUE_MAX_MESSAGES, librdkafkaConsumerConfig, librdkafkaProducerConfig, withConfigErrors } from './librdkafka-config.js';
import { FULL_SECURITY, securityNote } from './security.js';
import { codeName, createRdConsumer, type RdkafkaModule } from './node-rdkafka.js';
import type { ClientConfig, ConsumerPort, ConsumeTarget, DeliveryCounts, DriverContext, DriverDescription, InBatch, NodeDriver, ProducerPort } from './types.js';
import type { DeliveryLedger } from '../scenarios/ledger.js';

const PACKAGE = '@confluentinc/kafka-javascript';

// The slice of the KafkaJS-compatible API this driver uses (its typings live under clients/).
interface CkLogger {
  setLogLevel(level: number): void;
}
interface CkProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Resolves when every message of the record is acknowledged; rejects with the first failure. */
  send(record: { topic: string; messages: { value: Buffer }[] }): Promise<unknown>;
  logger(): CkLogger;
}
interface CkBatchPayload {
  batch: { topic: string; messages: { value: Buffer | null }[] };
}
interface CkConsumer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** `replace`: the subscription becomes these topics (else they are added to it). */
  subscribe(subscription: { topics: string[]; replace?: boolean }): Promise<void>;
  run(config: { eachBatch: (payload: CkBatchPayload) => Promise<void>; eachBatchAutoResolve?: boolean }): Promise<void>;
  logger(): CkLogger;
}
/** A rebalance_cb the KafkaJS API calls (before applying the assignment, when it returns nothing). */
type RebalanceHook = (err: { code?: number }, assignment: { topic: string }[]) => void;
interface CkKafkaJs {
  Kafka: new (common: ClientConfig) => { producer(config: ClientConfig): CkProducer; consumer(config: Record<string, ClientConfig[string] | RebalanceHook>): CkConsumer };
  logLevel: { ERROR: number };
}
/** The package: node-rdkafka's API at the top level, the promisified one under KafkaJS. */
interface ConfluentModule extends RdkafkaModule {
  KafkaJS: CkKafkaJs;
}

const load = (): ConfluentModule => requireClient<ConfluentModule>(PACKAGE);

/** Most send() calls the async producer keeps outstanding (each is one librdkafka batch's worth of produce() calls). */
const SEND_WINDOW = 32;
const CLOSE_TIMEOUT_MS = 15_000;

/** Resolves with `p`, or after `ms` whatever p does (close() must never hang an arm). */
function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** send() rejects with a KafkaJSError carrying librdkafka's numeric code, or (queue full) the raw LibrdKafkaError. */
function failureCode(mod: RdkafkaModule, err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? codeName(mod, code) : 'error';
}

class ConfluentProducer implements ProducerPort {
  private counts: DeliveryCounts = { delivered: 0, failed: 0, errors: {} };
  private inflight = new Set<Promise<void>>();
  private outstandingMsgs = 0;
  private outstandingBytes = 0;
  /**
   * send() produces all its messages at once and cannot say which of them failed: nothing may ever
   * meet a full queue. Outstanding messages stay under half of librdkafka's queue limits.
   */
  private readonly maxMsgs: number;
  private readonly maxBytes: number;

  constructor(private readonly mod: RdkafkaModule, private readonly p: CkProducer, private readonly topic: string, readonly config: ClientConfig, private readonly ledger?: DeliveryLedger) {
    this.maxMsgs = Math.max(1, Math.floor(Number(config['queue.buffering.max.messages'] ?? QUEUE_MAX_MESSAGES) / 2));
    this.maxBytes = Math.max(1, Math.floor((Number(config['queue.buffering.max.kbytes'] ?? QUEUE_MAX_KBYTES) * 1024) / 2));
  }

  private full(n: number, bytes: number): boolean {
    if (this.inflight.size === 0) return false;
    return this.inflight.size >= SEND_WINDOW || this.outstandingMsgs + n > this.maxMsgs || this.outstandingBytes + bytes > this.maxBytes;
  }

  async send(batch: OutBatch): Promise<void> {
    const n = batch.count;
    const bytes = batch.buffer.length;
    while (this.full(n, bytes)) await Promise.race(this.inflight);
    this.outstandingMsgs += n;
    this.outstandingBytes += bytes;
    const values = batch.values();
    const pr: Promise<void> = this.p
      .send({ topic: this.topic, messages: values.map((value) => ({ value })) })
      .then(
        () => {
          this.counts.delivered += n;
          this.ledger?.settleValues(values, true);
        },
        (err: unknown) => {
          this.ledger?.settleValues(values, false);
          // One error per call: the whole call is counted as failed (some of it may have been delivered).
          this.counts.failed += n;
          const code = failureCode(this.mod, err);
          this.counts.errors[code] = (this.counts.errors[code] ?? 0) + n;
        },
      )
      .finally(() => {
        this.outstandingMsgs -= n;
        this.outstandingBytes -= bytes;
        this.inflight.delete(pr);
      });
    this.inflight.add(pr);
  }

  async sendAndWait(batch: OutBatch): Promise<void> {
    try {
      await this.p.send({ topic: this.topic, messages: batch.values().map((value) => ({ value })) });
    } catch (err) {
      throw Object.assign(new Error(errorMessage(err)), { code: failureCode(this.mod, err) });
    }
    this.counts.delivered += batch.count;
  }

  async flush(timeoutMs: number): Promise<DeliveryCounts> {
    const deadline = Date.now() + timeoutMs;
    while (this.inflight.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`flush: ${this.outstandingMsgs} messages still unacknowledged after ${timeoutMs} ms`);
      await within(Promise.allSettled([...this.inflight]), Math.min(left, 1000));
    }
    return { delivered: this.counts.delivered, failed: this.counts.failed, errors: { ...this.counts.errors } };
  }

  async close(): Promise<void> {
    await within(Promise.allSettled([...this.inflight]), CLOSE_TIMEOUT_MS);
    await within(this.p.disconnect().catch(() => undefined), CLOSE_TIMEOUT_MS);
  }
}

/** librdkafka's RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS: the rebalance callback is handed an assignment. */
const ERR_ASSIGN_PARTITIONS = -175;

/**
 * The KafkaJS API can only subscribe: each topic read replaces the subscription (librdkafka revokes
 * the previous topic's partitions and the group hands out the new topic's). One run() serves every
 * topic; its batches go to the current consume() call. The window opens in the client's rebalance
 * callback (rebalance_cb), which it calls with the new assignment just before it assigns it.
 */
class ConfluentConsumer implements ConsumerPort {
  readonly assignment = 'group' as const;
  private stopped = false;
  private running = false;
  private sink: ((batch: CkBatchPayload['batch']) => void) | undefined;
  private fail: ((err: unknown) => void) | undefined;

  constructor(private readonly c: CkConsumer, private readonly hook: { rebalance?: RebalanceHook }, readonly config: ClientConfig) {}

  async consume(target: ConsumeTarget, onBatch: (b: InBatch) => boolean, onAssigned?: () => void): Promise<void> {
    let assigned = false;
    this.hook.rebalance = (err, assignment) => {
      if (assigned || err?.code !== ERR_ASSIGN_PARTITIONS || !assignment.some((a) => a.topic === target.topic)) return;
      assigned = true;
      onAssigned?.();
    };
    try {
      await this.c.subscribe({ topics: [target.topic], replace: true });
      await new Promise<void>((resolve, reject) => {
        this.fail = reject;
        this.sink = (batch) => {
          if (batch.topic !== target.topic) {
            this.sink = undefined;
            return reject(new Error(`${PACKAGE} delivered messages of ${batch.topic} while reading ${target.topic}`));
          }
          const msgs = batch.messages;
          if (!onBatch({ count: msgs.length, payload: (i) => msgs[i]?.value ?? Buffer.alloc(0) })) {
            this.sink = undefined;
            resolve();
          }
        };
        if (this.running) return;
        this.running = true;
        this.c
          .run({
            eachBatchAutoResolve: true,
            eachBatch: async ({ batch }) => {
              // run() keeps fetching until disconnect(): batches between targets and after the last are ignored.
              if (!this.stopped) this.sink?.(batch);
            },
          })
          .catch((err: unknown) => this.fail?.(err));
      });
    } finally {
      this.hook.rebalance = undefined;
      this.fail = undefined;
    }
  }

  async close(): Promise<void> {
    this.stopped = true;
    await within(this.c.disconnect().catch(() => undefined), CLOSE_TIMEOUT_MS);
  }
}

/** What the promisified API forces on top of the consumer settings it is given (recorded as run). */
function consumerForced(config: ClientConfig): ClientConfig {
  return { 'enable.auto.offset.store': false, offset_commit_cb: true, 'max.poll.interval.ms': 2 * Number(config['max.poll.interval.ms'] ?? 300_000) };
}

export const driver: NodeDriver = {
  kind: 'node',
  id: 'confluent',
  client: PACKAGE,
  async describe(): Promise<DriverDescription> {
    const base = { id: 'confluent', client: PACKAGE, runtime: `node ${process.versions.node}`, scenarios: [...SCENARIOS], workerThreads: false, security: FULL_SECURITY, ledger: true };
    const notes = [
      `KafkaJS-compatible API: producer.send({ messages }) per --send-batch messages, up to ${SEND_WINDOW} outstanding; consumer.run({ eachBatch }) (the client hands out at most 32 messages per batch)`,
      'configured with raw librdkafka properties only (no kafkaJS block, whose compatibility defaults differ); the API forces dr_cb=true, enable.auto.offset.store=false and doubles max.poll.interval.ms',
      'a consumer split across workers reads its partitions through the node-rdkafka-style KafkaConsumer.assign() (the KafkaJS API has no assign), after getMetadata({ topic }) of each topic read: the window opens on a client that knows where the partitions are',
      'consumer (KafkaJS API): group subscription only; each topic read replaces the subscription (one run() for all); the window opens in rebalance_cb, just before the client assigns the measured partitions',
      'a failed send() reports one error for the whole call: all its messages are counted as failed',
      'cannot load in two worker threads at once ("Module did not self-register"): --workers uses processes',
      securityNote(FULL_SECURITY),
    ];
    const version = clientVersion(PACKAGE);
    if (!version) return { ...base, version: 'not installed', available: false, reason: `${PACKAGE} is not installed (clients/; run npm ci)`, notes };
    try {
      return { ...base, version, librdkafka: load().librdkafkaVersion, available: true, notes };
    } catch (err) {
      return { ...base, version, available: false, reason: `cannot load: ${errorMessage(err)}`, notes };
    }
  },
  async createProducer(ctx: DriverContext) {
    const mod = load();
    const config = librdkafkaProducerConfig(ctx);
    const p = await withConfigErrors(ctx.extraConfig, () => new mod.KafkaJS.Kafka({}).producer({ ...config }));
    // The default logger prints every librdkafka INFO line to stdout; errors are still shown.
    p.logger().setLogLevel(mod.KafkaJS.logLevel.ERROR);
    await withConfigErrors(ctx.extraConfig, () => p.connect());
    return new ConfluentProducer(mod, p, ctx.topic, { ...config, dr_cb: true, 'kbench.api': 'KafkaJS send()', 'kbench.sendWindow': SEND_WINDOW }, ctx.ledger);
  },
  async createConsumer(ctx: DriverContext) {
    const mod = load();
    if (ctx.readPartitions.length !== ctx.partitions) {
      // Explicit partitions need assign(), which only the node-rdkafka-style API has.
      const port = await createRdConsumer(mod, ctx);
      return { config: { ...port.config, 'kbench.api': 'KafkaConsumer assign() + consume(n)' }, assignment: port.assignment, consume: (t, f, a) => port.consume(t, f, a), close: () => port.close() };
    }
    const config = librdkafkaConsumerConfig(ctx);
    const hook: { rebalance?: RebalanceHook } = {};
    // The client calls a rebalance_cb given in its configuration before it applies an assignment (and
    // then applies it itself, as the callback returns nothing).
    const rebalance: RebalanceHook = (err, assignment) => hook.rebalance?.(err, assignment);
    const c = await withConfigErrors(ctx.extraConfig, () => new mod.KafkaJS.Kafka({}).consumer({ ...config, rebalance_cb: rebalance }));
    c.logger().setLogLevel(mod.KafkaJS.logLevel.ERROR);
    await withConfigErrors(ctx.extraConfig, () => c.connect());
    return new ConfluentConsumer(c, hook, {
      ...config,
      ...consumerForced(config),
      'kbench.api': 'KafkaJS run({ eachBatch })',
      'kbench.assignment': 'subscribe({ replace: true }) per topic read; window opened in rebalance_cb before the measured assignment is applied',
    });
  },
};
