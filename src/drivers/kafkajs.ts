// kafkajs: the pure-JavaScript client (and kbench's default baseline, as kafka-python was the 2018
// study's). It has no linger: a batch is what one send() call carries, which kbench fills with
// --batch-size bytes' worth of messages (send-window.ts). Its consumer can only subscribe (no assign):
// each topic it reads is one run() of a group subscription; a topic read before is paused in the next.
import type { Consumer, Kafka as KafkaT, KafkaConfig, Producer } from 'kafkajs';
import type { Connection } from '../results/types.js';
import { clientVersion, requireClient } from '../util/clients.js';
import { batchingConfig, messagesPerRequest, SendWindow } from './send-window.js';
import type { ClientConfig, ConsumerPort, ConsumeTarget, DeliveryCounts, DriverContext, DriverDescription, InBatch, NodeDriver, ProducerPort } from './types.js';
import type { OutBatch } from '../scenarios/batch.js';
import { SCENARIOS } from '../results/types.js';
import { errorCode } from '../scenarios/measure.js';
import { FULL_SECURITY, nodeTlsOptions, securityLabel, securityNote } from './security.js';

type KafkaJs = typeof import('kafkajs');
const load = (): KafkaJs => requireClient<KafkaJs>('kafkajs');


function kafkaConfig(conn: Connection, clientId: string): KafkaConfig {
  const { logLevel } = load();
  const cfg: KafkaConfig = { clientId, brokers: conn.brokers, logLevel: logLevel.NOTHING };
  const tls = nodeTlsOptions(conn);
  if (tls) cfg.ssl = tls;
  if (conn.sasl) cfg.sasl = { mechanism: conn.sasl.mechanism, username: conn.sasl.username, password: conn.sasl.password } as KafkaConfig['sasl'];
  return cfg;
}

function client(ctx: DriverContext): KafkaT {
  if (Object.keys(ctx.extraConfig).length) {
    throw new Error(`invalid --client-config ${Object.keys(ctx.extraConfig).join(', ')}: kafkajs takes no --client-config settings (they are librdkafka properties; kafkajs is configured from kbench's own options only)`);
  }
  const { Kafka } = load();
  return new Kafka(kafkaConfig(ctx.connection, ctx.clientId));
}

function compressionOf(ctx: DriverContext): number {
  const { CompressionTypes } = load();
  switch (ctx.settings.compression) {
    case 'none':
      return CompressionTypes.None;
    case 'gzip':
      return CompressionTypes.GZIP;
    default:
      // snappy/lz4/zstd need third-party codec packages registered into kafkajs.
      throw new Error(`kafkajs has no built-in ${ctx.settings.compression} codec (only gzip)`);
  }
}

const acksOf = (ctx: DriverContext): number => (ctx.settings.acks === 'all' ? -1 : Number(ctx.settings.acks));

class KafkajsProducer implements ProducerPort {
  readonly config: ClientConfig;
  private readonly window: SendWindow;

  constructor(private readonly p: Producer, private readonly ctx: DriverContext, private readonly compression: number) {
    this.window = new SendWindow((values) => this.sendRaw(values), errorCode, messagesPerRequest(ctx.settings.batchSize, ctx.messageSize), ctx.purpose === 'throughput', ctx.ledger);
    this.config = {
      brokers: ctx.connection.brokers.join(','),
      clientId: ctx.clientId,
      security: securityLabel(ctx.connection),
      acks: acksOf(ctx),
      compression: ctx.settings.compression,
      idempotent: ctx.settings.idempotence,
      ...batchingConfig(ctx.settings.batchSize, ctx.messageSize, 'none (client has no linger)'),
    };
  }

  private sendRaw(values: Buffer[]): Promise<unknown> {
    return this.p.send({
      topic: this.ctx.topic,
      acks: acksOf(this.ctx),
      compression: this.compression,
      messages: values.map((value) => ({ value })),
    });
  }

  send(batch: OutBatch): Promise<void> {
    return this.window.send(batch);
  }

  async sendAndWait(batch: OutBatch): Promise<void> {
    await this.sendRaw(batch.values());
    this.window.counts.delivered += batch.count;
  }

  snapshot(): DeliveryCounts {
    return this.window.snapshot();
  }

  flush(timeoutMs: number): Promise<DeliveryCounts> {
    return this.window.flush(timeoutMs);
  }

  async close(): Promise<void> {
    await this.window.settled();
    await this.p.disconnect();
  }
}

class KafkajsConsumer implements ConsumerPort {
  readonly config: ClientConfig;
  readonly assignment = 'group' as const;
  private running = false;
  /** Topics read by earlier consume() calls: subscriptions cannot be dropped, so they are paused. */
  private readonly done: string[] = [];

  constructor(private readonly c: Consumer, ctx: DriverContext) {
    this.config = {
      brokers: ctx.connection.brokers.join(','),
      clientId: ctx.clientId,
      security: securityLabel(ctx.connection),
      groupId: ctx.groupId,
      fromBeginning: true,
      autoCommit: false,
      api: 'eachBatch',
      'kbench.assignment': 'subscribe + run() per topic read (stop() in between; earlier topics paused)',
    };
  }

  async consume(target: ConsumeTarget, onBatch: (b: InBatch) => boolean, onAssigned?: () => void): Promise<void> {
    // A subscription cannot change while the consumer runs: stop the previous topic's run first.
    if (this.running) await this.c.stop();
    this.running = false;
    await this.c.subscribe({ topic: target.topic, fromBeginning: true });
    const listeners: (() => void)[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        let done = false;
        let assigned = false;
        // Emitted after JoinGroup and SyncGroup, before the first fetch of the new assignment.
        listeners.push(
          this.c.on(this.c.events.GROUP_JOIN, (e) => {
            if (assigned || !e.payload.memberAssignment[target.topic]) return;
            assigned = true;
            onAssigned?.();
          }),
        );
        listeners.push(this.c.on(this.c.events.CRASH, (e) => reject(e.payload.error)));
        this.c
          .run({
            autoCommit: false,
            eachBatchAutoResolve: true,
            eachBatch: async ({ batch }) => {
              if (done) return;
              if (batch.topic !== target.topic) {
                done = true;
                return reject(new Error(`kafkajs delivered messages of ${batch.topic} while reading ${target.topic}`));
              }
              const msgs = batch.messages;
              const more = onBatch({ count: msgs.length, payload: (i) => msgs[i]?.value ?? Buffer.alloc(0) });
              if (!more) {
                done = true;
                resolve();
              }
            },
          })
          .catch(reject);
        // run() creates its consumer group synchronously, before anything is fetched: the topics
        // read before stay subscribed (kafkajs cannot unsubscribe) but are never fetched again.
        this.running = true;
        if (this.done.length) this.c.pause(this.done.map((topic) => ({ topic })));
      });
    } finally {
      for (const off of listeners) off();
    }
    this.done.push(target.topic);
  }

  async close(): Promise<void> {
    await this.c.disconnect();
  }
}

export const driver: NodeDriver = {
  kind: 'node',
  id: 'kafkajs',
  client: 'kafkajs',
  async describe(): Promise<DriverDescription> {
    const version = clientVersion('kafkajs');
    return {
      id: 'kafkajs',
      client: 'kafkajs',
      version: version ?? 'not installed',
      runtime: `node ${process.versions.node}`,
      available: version !== undefined,
      ...(version === undefined ? { reason: 'kafkajs is not installed (npm ci)' } : {}),
      scenarios: [...SCENARIOS],
      workerThreads: true,
      security: FULL_SECURITY,
      ledger: true,
      notes: ['pure JavaScript; no linger: one send() call per --batch-size bytes of messages (at most 512 KiB), up to 16 outstanding', 'consumer: group subscription only (no assign); each topic is one subscribe() + run(), stop() in between, topics read before paused; the window opens at the group join (GROUP_JOIN) that hands out the measured topic', 'compression: gzip only (no codec packages installed)', 'takes no --client-config settings (librdkafka properties): an arm given any fails naming them', securityNote(FULL_SECURITY)],
    };
  },
  async createProducer(ctx) {
    const compression = compressionOf(ctx);
    const { Partitioners } = load();
    const p = client(ctx).producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner, idempotent: ctx.settings.idempotence, ...(ctx.settings.idempotence ? { maxInFlightRequests: 5 } : {}) });
    await p.connect();
    return new KafkajsProducer(p, ctx, compression);
  },
  async createConsumer(ctx) {
    if (ctx.readPartitions.length !== ctx.partitions) {
      throw new Error('kafkajs cannot be told which partitions to read (no assign API), so a consumer arm cannot be split across workers');
    }
    const c = client(ctx).consumer({ groupId: ctx.groupId, allowAutoTopicCreation: false });
    await c.connect();
    return new KafkajsConsumer(c, ctx);
  },
};
