// Talking to a cluster as an administrator: the metadata round trip that proves a broker is ready, and
// the topic operations the benchmark runner needs. `KafkaConnection` is kafkajs-shaped on purpose, so
// a SASL or TLS cluster is one more field, not a new API.
import fs from 'node:fs';
import path from 'node:path';
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
  /** Replicas of each partition (index = partition), the first of each its preferred leader; length `partitions`, each of length `replication`. */
  assignment?: readonly (readonly number[])[];
}

/** Partition p's replicas are p, p + 1, … (mod nodes): node n is the preferred leader of every partition p ≡ n (mod nodes). */
export function rotatedAssignment(partitions: number, replication: number, nodes: number): number[][] {
  return Array.from({ length: partitions }, (_, p) => Array.from({ length: replication }, (_, r) => (p + r) % nodes));
}

/** Partition → leader (−1: none) of a topic, from the cluster's metadata. */
export async function partitionLeaders(conn: KafkaConnection, topic: string): Promise<number[]> {
  return withAdmin(conn, async (admin) => {
    const m = await admin.fetchTopicMetadata({ topics: [topic] });
    const parts = m.topics[0]?.partitions ?? [];
    const leaders: number[] = [];
    for (const p of parts) leaders[p.partitionId] = p.leader;
    return leaders;
  });
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
  if (opts.assignment && (opts.assignment.length !== opts.partitions || opts.assignment.some((r) => r.length !== opts.replication))) {
    throw new Error(`topic ${opts.topic}: the replica assignment must list ${opts.replication} replicas for each of ${opts.partitions} partitions`);
  }
  // Few retries: the wait loop below retries anyway, and kafkajs back-off would only slow it down.
  await withAdmin(conn, async (admin) => {
    const created = await admin.createTopics({
      topics: [
        {
          topic: opts.topic,
          ...(opts.assignment
            ? { replicaAssignment: opts.assignment.map((replicas, partition) => ({ partition, replicas: [...replicas] })) }
            : { numPartitions: opts.partitions, replicationFactor: opts.replication }),
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

/** True when `err` (or what kafkajs wrapped in it after its retries) says the topic does not exist. */
function unknownTopic(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (errorType(e) === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
    const inner = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(inner) && inner.length > 0 && inner.every((x) => errorType(x) === 'UNKNOWN_TOPIC_OR_PARTITION')) return true;
  }
  return false;
}

/** Asks the cluster to delete `topic`; false when it does not exist. */
async function requestTopicDeletion(admin: Admin, topic: string, timeoutMs: number): Promise<boolean> {
  // kafkajs retries UNKNOWN_TOPIC_OR_PARTITION (with back-off, seconds) before it gives up: ask first.
  if (!(await admin.listTopics()).includes(topic)) return false;
  try {
    await admin.deleteTopics({ topics: [topic], timeout: timeoutMs });
    return true;
  } catch (err) {
    if (unknownTopic(err)) return false;
    throw err;
  }
}

/**
 * Deletes a topic; a topic that does not exist is not an error. Returns once the controller has
 * accepted the deletion: the brokers remove the topic's files later (see deleteTopicAndWait).
 */
export async function deleteTopic(conn: KafkaConnection, topic: string, timeoutMs = 30_000): Promise<void> {
  await withAdmin(conn, (admin) => requestTopicDeletion(admin, topic, timeoutMs));
}

/**
 * The directories of `topic` in one broker data directory (log.dirs): its partitions (`<topic>-<n>`) and
 * what Kafka renames them to before removing them (`<topic>-<n>.<uuid>-delete`; also `-stray` and
 * `-future`). Kafka cuts the topic name of a renamed directory so that the name fits 255 characters.
 */
export function topicDirectories(dataDir: string, topic: string): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dataDir);
  } catch {
    return [];
  }
  return entries
    .filter((e) => {
      const live = /^(.*)-\d+$/.exec(e);
      if (live) return live[1] === topic;
      const renamed = /^(.*)-\d+\.[0-9a-f]{32}-(?:delete|stray|future)$/.exec(e);
      return renamed !== null && (renamed[1] === topic || (e.length === 255 && renamed[1]!.length > 0 && topic.startsWith(renamed[1]!)));
    })
    .map((e) => path.join(dataDir, e));
}

export interface DeleteTopicAndWaitOptions {
  /**
   * The data directories (log.dirs) of every node of an embedded cluster (BrokerHandle.dataDirs): the
   * deletion is finished only when none of them holds a directory of the topic any more. Without them
   * (a cluster kbench does not run) only the metadata is waited for.
   */
  dataDirs?: readonly string[];
  /** Limit for the whole deletion (default 30 s). */
  timeoutMs?: number;
}

export interface TopicDeletion {
  /** False when the topic did not exist (its directories were still waited for). */
  existed: boolean;
  /** From the delete request until metadata and data directories were clear. */
  elapsedMs: number;
}

/**
 * Deletes a topic and waits until the deletion is finished: the cluster's metadata no longer lists it
 * and, with `dataDirs`, no node keeps a directory of it (live or renamed for deletion). So the broker's
 * file removal cannot land inside whatever runs next. A topic that does not exist is not an error.
 * Throws after `timeoutMs`, naming what remained.
 */
export async function deleteTopicAndWait(conn: KafkaConnection, topic: string, opts: DeleteTopicAndWaitOptions = {}): Promise<TopicDeletion> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const t0 = performance.now();
  const deadline = Date.now() + timeoutMs;
  return withAdmin(conn, async (admin) => {
    const existed = await requestTopicDeletion(admin, topic, timeoutMs);
    for (;;) {
      let listed: boolean | string;
      try {
        listed = (await admin.listTopics()).includes(topic);
      } catch (err) {
        listed = `metadata request failed: ${err instanceof Error ? err.message : String(err)}`;
      }
      const left = (opts.dataDirs ?? []).flatMap((d) => topicDirectories(d, topic));
      if (listed === false && left.length === 0) return { existed, elapsedMs: performance.now() - t0 };
      if (Date.now() > deadline) {
        const what = [
          ...(listed === true ? ['the metadata still lists it'] : typeof listed === 'string' ? [listed] : []),
          ...(left.length > 0 ? [`directories remain: ${left.join(', ')}`] : []),
        ];
        throw new Error(`deleting topic ${topic} did not finish within ${Math.round(timeoutMs / 1000)} s: ${what.join('; ')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }, { retries: 2 });
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
