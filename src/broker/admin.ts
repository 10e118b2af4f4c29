// Talking to a cluster as an administrator: the metadata round trip that proves a broker is ready, and
// the topic operations the benchmark runner needs. `KafkaConnection` is kafkajs-shaped on purpose, so
// a SASL or TLS cluster is one more field, not a new API.
import type { Admin, KafkaConfig, SASLOptions } from 'kafkajs';
import kafkajs from 'kafkajs';
import { UsageError } from '../util/errors.js';

const { Kafka, logLevel } = kafkajs;

// kafkajs prints a partitioner-change warning for every producer created without one; it is noise in
// benchmark output. Set before any producer exists (and inherited by child processes, on purpose).
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

export interface KafkaConnection {
  /** host:port of one or more brokers. */
  brokers: string[];
  ssl?: KafkaConfig['ssl'];
  sasl?: SASLOptions;
}

export interface ClientTimeouts {
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** kafkajs retries per operation (default 5); readiness probes use 0 and loop themselves. */
  retries?: number;
}

/** A quiet kafkajs client for `conn` (logLevel NOTHING: kbench reports errors itself). */
export function kafkajsClient(conn: KafkaConnection, clientId = 'kbench-admin', t: ClientTimeouts = {}): InstanceType<typeof Kafka> {
  const config: KafkaConfig = {
    clientId,
    brokers: conn.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: t.connectionTimeoutMs ?? 3000,
    requestTimeout: t.requestTimeoutMs ?? 30_000,
    retry: { retries: t.retries ?? 5 },
  };
  if (conn.ssl !== undefined) config.ssl = conn.ssl;
  if (conn.sasl !== undefined) config.sasl = conn.sasl;
  return new Kafka(config);
}

/** Runs `fn` with a connected admin client and always disconnects it. */
export async function withAdmin<T>(conn: KafkaConnection, fn: (admin: Admin) => Promise<T>, t: ClientTimeouts = {}): Promise<T> {
  const admin = kafkajsClient(conn, 'kbench-admin', t).admin();
  try {
    await admin.connect();
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export interface ClusterInfo {
  clusterId: string;
  brokers: { nodeId: number; host: string; port: number }[];
}

/**
 * One metadata round trip: describeCluster (the brokers the cluster reports as alive) plus a topic
 * metadata fetch. Throws when the cluster does not answer.
 */
export async function describeCluster(conn: KafkaConnection, t: ClientTimeouts = {}): Promise<ClusterInfo> {
  return withAdmin(
    conn,
    async (admin) => {
      const c = await admin.describeCluster();
      await admin.fetchTopicMetadata();
      return {
        clusterId: c.clusterId,
        brokers: c.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })).sort((a, b) => a.nodeId - b.nodeId),
      };
    },
    t,
  );
}

export interface CreateTopicOptions {
  topic: string;
  partitions: number;
  replication: number;
  /** Topic settings, e.g. { 'min.insync.replicas': '2' }. */
  configs?: Readonly<Record<string, string>>;
  /** How long to wait for leaders and a full ISR (default 30 s). */
  timeoutMs?: number;
}

function errorType(err: unknown): string | undefined {
  const t = (err as { type?: unknown }).type;
  return typeof t === 'string' ? t : undefined;
}

/**
 * Creates a topic and waits until every partition has a leader and all its replicas in sync, so a
 * producer with acks=all can start at once. Throws if the topic already exists.
 */
export async function createTopic(conn: KafkaConnection, opts: CreateTopicOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  // Few retries: the wait loop below retries anyway, and kafkajs back-off would only slow it down.
  await withAdmin(conn, async (admin) => {
    const created = await admin.createTopics({
      topics: [
        {
          topic: opts.topic,
          numPartitions: opts.partitions,
          replicationFactor: opts.replication,
          configEntries: Object.entries(opts.configs ?? {}).map(([name, value]) => ({ name, value })),
        },
      ],
      // kafkajs' own wait gives up on UNKNOWN_TOPIC_OR_PARTITION from a broker that has not caught up
      // with the new topic yet (multi-node); the loop below tolerates that.
      waitForLeaders: false,
      timeout: timeoutMs,
    });
    if (!created) throw new Error(`topic ${opts.topic} already exists`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ready = await admin
        .fetchTopicMetadata({ topics: [opts.topic] })
        .then(async (m) => {
          const parts = m.topics[0]?.partitions ?? [];
          if (parts.length !== opts.partitions || !parts.every((p) => p.leader >= 0 && p.isr.length >= opts.replication)) return false;
          // Metadata can name a leader before that broker serves the partition (NOT_LEADER_FOR_PARTITION);
          // a ListOffsets answered by every leader proves it does.
          return (await admin.fetchTopicOffsets(opts.topic)).length === opts.partitions;
        })
        .catch(() => false);
      if (ready) return;
      if (Date.now() > deadline) {
        throw new Error(`topic ${opts.topic}: partitions without a leader or full ISR after ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }, { retries: 2 });
}

/** Deletes a topic; a topic that does not exist is not an error. */
export async function deleteTopic(conn: KafkaConnection, topic: string, timeoutMs = 30_000): Promise<void> {
  await withAdmin(conn, async (admin) => {
    try {
      await admin.deleteTopics({ topics: [topic], timeout: timeoutMs });
    } catch (err) {
      if (errorType(err) === 'UNKNOWN_TOPIC_OR_PARTITION') return;
      const inner = (err as { errors?: unknown[] }).errors;
      if (Array.isArray(inner) && inner.length > 0 && inner.every((e) => errorType(e) === 'UNKNOWN_TOPIC_OR_PARTITION')) return;
      throw err;
    }
  });
}

/** Sum of the partitions' high watermarks: how many messages the topic has received (when created empty). */
export async function topicEndOffsetsTotal(conn: KafkaConnection, topic: string): Promise<number> {
  return withAdmin(conn, async (admin) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  });
}

/** Parses `--brokers host:port[,host:port...]`. */
export function parseBrokerList(input: string, option = '--brokers'): string[] {
  const list = input.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const bad = list.find((b) => {
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(b);
    return !m || Number(m[2]) < 1 || Number(m[2]) > 65535;
  });
  if (list.length === 0 || bad !== undefined) {
    throw new UsageError(`${option} must be host:port[,host:port...] (got '${bad ?? input}')`);
  }
  return list;
}
