// platformatic: @platformatic/kafka, a pure TypeScript client (ESM). The current release (2.x, in
// clients/) needs Node ≥ 22.22 (its send() uses Promise.withResolvers); on an older Node the arm runs
// kbench's own 1.x dependency instead and says so in its notes. Like kafkajs its send() has no linger: one send() call is
// one Produce request per leader, so a batch is what one call carries (--batch-size bytes' worth of
// messages, at most what the broker's message.max.bytes allows: send-window.ts). Consumer: its
// MessagesStream in 'earliest' mode (offsets from ListOffsets, never from the group's commits), read
// batch-wise. It can only follow the group's assignment: each topic it reads is one stream, and
// consume() of a new topic (re)joins the group for it after the previous stream was closed.
import { pathToFileURL } from 'node:url';
import type { Consumer, ConsumerOptions, Message, MessagesStream, Producer, ProducerOptions } from '@platformatic/kafka';
import type { Connection } from '../results/types.js';
import { SCENARIOS } from '../results/types.js';
import type { OutBatch } from '../scenarios/batch.js';
import { clientManifest, clientVersion, ownInstall, resolveClient, satisfiesNode } from '../util/clients.js';
import { errorMessage } from '../util/errors.js';
import { FULL_SECURITY, nodeTlsOptions, securityLabel, securityNote } from './security.js';
import { MAX_SEND_BYTES, SEND_WINDOW, SendWindow, batchingConfig, messagesPerRequest } from './send-window.js';
import type { DeliveryLedger } from '../scenarios/ledger.js';
import type { ClientConfig, ConsumerPort, ConsumeTarget, DeliveryCounts, DriverContext, DriverDescription, InBatch, NodeDriver, ProducerPort } from './types.js';

const PACKAGE = '@platformatic/kafka';
type Platformatic = typeof import('@platformatic/kafka');
type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

/**
 * Which install this process loads: the one asked for (KBENCH_CLIENT_ROOT, or clients/), unless this
 * Node is older than that version's engines allow and kbench's own 1.x dependency can stand in.
 */
function source(): { from?: 'root'; note?: string; refuse?: string } {
  const m = clientManifest(PACKAGE);
  const range = m?.engines?.node;
  if (!m || !range || satisfiesNode(range)) return {};
  const why = `${PACKAGE} ${m.version} needs Node ${range} (its engines); this is Node ${process.versions.node}`;
  if (ownInstall()) return { refuse: `${why}: run it with --node 24 (or ${PACKAGE.split('/')[1]} 1.x: platformatic@1.35.0)` };
  const root = clientVersion(PACKAGE, 'root');
  if (!root || root === m.version) return { refuse: why };
  return { from: 'root', note: `${why}: this arm runs ${root}, kbench's own dependency and the last line that runs on Node 20 (--node 24 for ${m.version})` };
}
const picked = source();

let loaded: Promise<Platformatic> | undefined;
const load = (): Promise<Platformatic> => (loaded ??= import(pathToFileURL(resolveClient(PACKAGE, picked.from)).href) as Promise<Platformatic>);

/** librdkafka's fetch.wait.max.ms, instead of the client's 5 s (which also delays close()). */
const FETCH_MAX_WAIT_MS = 500;
/** librdkafka's (and kafkajs's) max.partition.fetch.bytes, instead of the client's 10 MB per partition. */
const MAX_BYTES_PER_PARTITION = 1_048_576;
/** Messages per onBatch call, as node-rdkafka's consume(1000). */
const CONSUME_BATCH = 1000;
const CLOSE_TIMEOUT_MS = 15_000;

/** Resolves with `p`, or after `ms` whatever p does (close() must never hang an arm). */
function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** The innermost Kafka error name (e.g. NOT_ENOUGH_REPLICAS) or the client's code (PLT_KFK_TIMEOUT). */
function failureCode(err: unknown): string {
  let e = err as { code?: unknown; apiId?: unknown; errors?: unknown[] } | undefined;
  while (e && Array.isArray(e.errors) && e.errors.length > 0) e = e.errors[0] as typeof e;
  if (typeof e?.apiId === 'string') return e.apiId;
  if (typeof e?.code === 'string') return e.code;
  return 'error';
}

function baseOptions(conn: Connection, clientId: string): { clientId: string; bootstrapBrokers: string[]; tls?: { ca?: string[]; rejectUnauthorized?: boolean }; sasl?: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string } } {
  const out: ReturnType<typeof baseOptions> = { clientId, bootstrapBrokers: conn.brokers };
  const tls = nodeTlsOptions(conn);
  if (tls) out.tls = tls;
  if (conn.sasl) out.sasl = { mechanism: conn.sasl.mechanism.toUpperCase() as 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512', username: conn.sasl.username, password: conn.sasl.password };
  return out;
}

function noExtraConfig(ctx: DriverContext): void {
  if (Object.keys(ctx.extraConfig).length) {
    throw new Error(`invalid --client-config ${Object.keys(ctx.extraConfig).join(', ')}: ${PACKAGE} takes no --client-config settings (they are librdkafka properties; it is configured from kbench's own options only)`);
  }
}

const acksOf = (ctx: DriverContext): -1 | 0 | 1 => (ctx.settings.acks === 'all' ? -1 : ctx.settings.acks === '0' ? 0 : 1);

/** What kbench records for the producer's batching (send-window.ts). */
const LINGER = 'none: send() has no linger (its ProducerStream has batchTime, but keeps one send in flight at a time; not used)';

class PlatformaticProducer implements ProducerPort {
  private readonly window: SendWindow;

  constructor(private readonly p: Producer, private readonly topic: string, readonly config: ClientConfig, perRequest: number, coalesce: boolean, ledger?: DeliveryLedger) {
    this.window = new SendWindow((values) => this.sendRaw(values), failureCode, perRequest, coalesce, ledger);
  }

  private sendRaw(values: Buffer[]): Promise<unknown> {
    return this.p.send({ messages: values.map((value) => ({ topic: this.topic, value })) });
  }

  send(batch: OutBatch): Promise<void> {
    return this.window.send(batch);
  }

  async sendAndWait(batch: OutBatch): Promise<void> {
    try {
      await this.sendRaw(batch.values());
    } catch (err) {
      throw Object.assign(new Error(errorMessage(err)), { code: failureCode(err) });
    }
    this.window.counts.delivered += batch.count;
  }

  flush(timeoutMs: number): Promise<DeliveryCounts> {
    return this.window.flush(timeoutMs);
  }

  async close(): Promise<void> {
    await within(this.window.settled(), CLOSE_TIMEOUT_MS);
    await within(new Promise<void>((resolve) => this.p.close(true, () => resolve())), CLOSE_TIMEOUT_MS);
  }
}

interface GroupJoin {
  assignments?: { topic: string }[] | null;
}

class PlatformaticConsumer implements ConsumerPort {
  readonly assignment = 'group' as const;
  private stream: Stream | undefined;
  constructor(private readonly c: Consumer, readonly config: ClientConfig) {}

  async consume(target: ConsumeTarget, onBatch: (b: InBatch) => boolean, onAssigned?: () => void): Promise<void> {
    // The previous topic's stream is closed first: the client stops tracking its topic, and the
    // consume() below rejoins the group for the new one.
    if (this.stream) await within(this.stream.close().catch(() => undefined), CLOSE_TIMEOUT_MS);
    this.stream = undefined;
    let assigned = false;
    const assign = (): void => {
      if (assigned) return;
      assigned = true;
      onAssigned?.();
    };
    // consume() joins the group and emits this before it creates the stream (nothing fetched yet).
    const onJoin = (p: GroupJoin): void => {
      if (p?.assignments?.some((a) => a.topic === target.topic)) assign();
    };
    this.c.on('consumer:group:join', onJoin);
    let stream: Stream;
    try {
      stream = await this.c.consume({ topics: [target.topic], mode: 'earliest', autocommit: false, maxWaitTime: FETCH_MAX_WAIT_MS, maxBytesPerPartition: MAX_BYTES_PER_PARTITION });
    } finally {
      this.c.off('consumer:group:join', onJoin);
    }
    this.stream = stream;
    // No join was needed (the group already handed out the topic): the stream fetches once read.
    if (this.c.assignments?.some((a) => a.topic === target.topic)) assign();
    await new Promise<void>((resolve, reject) => {
      const stop = (err?: Error): void => {
        stream.off('readable', onReadable);
        stream.off('error', stop);
        stream.off('end', ended);
        if (err) reject(err);
        else resolve();
      };
      const ended = (): void => stop(new Error('the message stream ended'));
      // What the stream has buffered (whole fetch responses) is handed out CONSUME_BATCH messages at a time.
      const onReadable = (): void => {
        for (;;) {
          const values: Buffer[] = [];
          let m: Message<Buffer, Buffer, Buffer, Buffer> | null = null;
          while (values.length < CONSUME_BATCH && (m = stream.read() as Message<Buffer, Buffer, Buffer, Buffer> | null) !== null) {
            if (m.topic !== target.topic) return stop(new Error(`${PACKAGE} delivered messages of ${m.topic} while reading ${target.topic}`));
            values.push(m.value);
          }
          if (values.length === 0) return;
          if (!onBatch({ count: values.length, payload: (i) => values[i] ?? Buffer.alloc(0) })) return stop();
          if (m === null) return;
        }
      };
      stream.on('readable', onReadable);
      stream.once('error', stop);
      stream.once('end', ended);
    });
  }

  async close(): Promise<void> {
    if (this.stream) await within(this.stream.close().catch(() => undefined), CLOSE_TIMEOUT_MS);
    await within(new Promise<void>((resolve) => this.c.close(true, () => resolve())), CLOSE_TIMEOUT_MS);
  }
}

export const driver: NodeDriver = {
  kind: 'node',
  id: 'platformatic',
  client: PACKAGE,
  async describe(): Promise<DriverDescription> {
    const base = { id: 'platformatic', client: PACKAGE, runtime: `node ${process.versions.node}`, scenarios: [...SCENARIOS], workerThreads: true, security: FULL_SECURITY, ledger: true };
    const notes = [
      'pure TypeScript',
      ...(picked.note ? [picked.note] : []),
      `send() has no linger or batch.size: one send() call (one Produce request per leader) per --batch-size bytes of messages, at most ${MAX_SEND_BYTES / 1024} KiB, up to ${SEND_WINDOW} outstanding`,
      'consumer: group assignment only; each topic read is one MessagesStream (the previous one closed, the group rejoined); the window opens at the group join (consumer:group:join) that hands out the measured topic',
      `consumer: MessagesStream in 'earliest' mode, read() in batches of ${CONSUME_BATCH}; fetch maxWaitTime ${FETCH_MAX_WAIT_MS} ms and maxBytesPerPartition 1 MiB (librdkafka's defaults, not the client's 5 s / 10 MB)`,
      'a consumer cannot be told which partitions to read (group assignment only; a custom assigner is skipped for a single member), so a consumer arm cannot be split across workers',
      'takes no --client-config settings (librdkafka properties): an arm given any fails naming them',
      securityNote(FULL_SECURITY),
    ];
    const version = clientVersion(PACKAGE, picked.from);
    if (!version) return { ...base, version: 'not installed', available: false, reason: `${PACKAGE} is not installed (npm ci)`, notes };
    if (picked.refuse) return { ...base, version, available: false, reason: picked.refuse, notes };
    try {
      const mod = await load();
      // zstd exists only where node:zlib has it (Node ≥ 22.15 / 23.8).
      const compressions = Object.entries(mod.compressionsAlgorithms)
        .filter(([, codec]) => codec.available)
        .map(([name]) => name);
      return { ...base, version, available: true, compressions, notes: [...notes, `compression: ${compressions.join(', ')}`] };
    } catch (err) {
      return { ...base, version, available: false, reason: `cannot load: ${errorMessage(err)}`, notes };
    }
  },
  async createProducer(ctx) {
    noExtraConfig(ctx);
    const { Producer } = await load();
    const options: ProducerOptions<Buffer, Buffer, Buffer, Buffer> = {
      ...baseOptions(ctx.connection, ctx.clientId),
      acks: acksOf(ctx),
      compression: ctx.settings.compression,
      idempotent: ctx.settings.idempotence,
      autocreateTopics: false,
    };
    const p = new Producer(options);
    const per = messagesPerRequest(ctx.settings.batchSize, ctx.messageSize);
    return new PlatformaticProducer(p, ctx.topic, {
      bootstrapBrokers: ctx.connection.brokers.join(','),
      clientId: ctx.clientId,
      security: securityLabel(ctx.connection),
      acks: acksOf(ctx),
      compression: ctx.settings.compression,
      idempotent: ctx.settings.idempotence,
      // The client forces one in-flight request per connection for an idempotent producer.
      maxInflights: ctx.settings.idempotence ? 1 : 5,
      ...batchingConfig(ctx.settings.batchSize, ctx.messageSize, LINGER),
    }, per, ctx.purpose === 'throughput', ctx.ledger);
  },
  async createConsumer(ctx) {
    noExtraConfig(ctx);
    if (ctx.readPartitions.length !== ctx.partitions) {
      throw new Error(`${PACKAGE} cannot be told which partitions to read (its streams follow the group's assignment), so a consumer arm cannot be split across workers`);
    }
    const { Consumer } = await load();
    const options: ConsumerOptions<Buffer, Buffer, Buffer, Buffer> = {
      ...baseOptions(ctx.connection, ctx.clientId),
      groupId: ctx.groupId,
      autocommit: false,
      maxWaitTime: FETCH_MAX_WAIT_MS,
      maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
    };
    const c = new Consumer(options);
    return new PlatformaticConsumer(c, {
      bootstrapBrokers: ctx.connection.brokers.join(','),
      clientId: ctx.clientId,
      security: securityLabel(ctx.connection),
      groupId: ctx.groupId,
      mode: 'earliest',
      autocommit: false,
      maxWaitTime: FETCH_MAX_WAIT_MS,
      maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
      api: `MessagesStream read(), ${CONSUME_BATCH} per batch`,
      'kbench.assignment': 'group: one MessagesStream per topic read (the previous one closed, the group rejoined)',
    });
  },
};
