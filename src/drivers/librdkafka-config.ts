// kbench settings → librdkafka configuration, shared by every librdkafka-based driver (addon,
// node-rdkafka, confluent, crab, the C programs), so they run with identical client settings.
import type { Connection } from '../results/types.js';
import { errorMessage } from '../util/errors.js';
import type { ClientConfig, DriverContext } from './types.js';

/** Queue limits raised equally for every librdkafka arm, so an async producer is never throttled by a default. */
export const QUEUE_MAX_MESSAGES = 2_000_000;
export const QUEUE_MAX_KBYTES = 2_097_151;

export function librdkafkaSecurity(conn: Connection): ClientConfig {
  const out: ClientConfig = {};
  const tls = conn.ssl !== undefined && conn.ssl !== false;
  if (conn.sasl) {
    out['security.protocol'] = tls ? 'sasl_ssl' : 'sasl_plaintext';
    out['sasl.mechanisms'] = conn.sasl.mechanism.toUpperCase();
    out['sasl.username'] = conn.sasl.username;
    out['sasl.password'] = conn.sasl.password;
  } else if (tls) {
    out['security.protocol'] = 'ssl';
  }
  if (tls && typeof conn.ssl === 'object') {
    if (conn.ssl.ca) out['ssl.ca.location'] = conn.ssl.ca;
    if (conn.ssl.rejectUnauthorized === false) out['enable.ssl.certificate.verification'] = false;
  }
  return out;
}

export function librdkafkaProducerConfig(ctx: DriverContext): ClientConfig {
  const s = ctx.settings;
  return {
    'bootstrap.servers': ctx.connection.brokers.join(','),
    'client.id': ctx.clientId,
    acks: s.acks,
    'compression.codec': s.compression,
    'linger.ms': s.lingerMs,
    'batch.size': s.batchSize,
    'enable.idempotence': s.idempotence,
    'queue.buffering.max.messages': QUEUE_MAX_MESSAGES,
    'queue.buffering.max.kbytes': QUEUE_MAX_KBYTES,
    ...librdkafkaSecurity(ctx.connection),
    ...ctx.extraConfig,
  };
}

/**
 * Prefetch of every librdkafka consumer, stated rather than left to each binding's defaults: the
 * local queue is filled up to queued.min.messages per partition, and once it is full librdkafka
 * waits fetch.queue.backoff.ms before fetching again. Its default of 1000 ms made consumer arms
 * bimodal (a drained queue sat idle for up to a second); crab lowers it to 20 ms on its own.
 */
export const CONSUMER_PREFETCH: Readonly<ClientConfig> = { 'queued.min.messages': 100_000, 'fetch.queue.backoff.ms': 10 };

export function librdkafkaConsumerConfig(ctx: DriverContext): ClientConfig {
  return {
    'bootstrap.servers': ctx.connection.brokers.join(','),
    'client.id': ctx.clientId,
    'group.id': ctx.groupId,
    'enable.auto.commit': false,
    'auto.offset.reset': 'earliest',
    ...CONSUMER_PREFETCH,
    ...librdkafkaSecurity(ctx.connection),
    ...ctx.extraConfig,
  };
}

/** librdkafka's RD_KAFKA_OFFSET_BEGINNING. */
export const OFFSET_BEGINNING = -2;

/** librdkafka's aliases (rdkafka_conf.c): its errors name the property an alias stands for. */
const ALIASES: Readonly<Record<string, string>> = {
  'bootstrap.servers': 'metadata.broker.list',
  'max.in.flight': 'max.in.flight.requests.per.connection',
  'sasl.mechanism': 'sasl.mechanisms',
  'max.partition.fetch.bytes': 'fetch.message.max.bytes',
  'linger.ms': 'queue.buffering.max.ms',
  retries: 'message.send.max.retries',
  'compression.type': 'compression.codec',
  acks: 'request.required.acks',
  'delivery.timeout.ms': 'message.timeout.ms',
  'enable.auto.commit': 'auto.commit.enable',
};

const CONFIG_ERROR = /configuration property|Unsupported value|Client config error/i;

/**
 * A librdkafka configuration error, attributed to the --client-config settings it is about: librdkafka
 * names the property (or the one an alias stands for, e.g. queue.buffering.max.ms for linger.ms), and
 * some bindings drop even that. Values are never repeated (a value could be a secret). Other errors
 * are returned as they are.
 */
export function configError(err: unknown, extra: ClientConfig): Error {
  const e = err instanceof Error ? err : new Error(errorMessage(err));
  const msg = e.message;
  const keys = Object.keys(extra);
  if (!CONFIG_ERROR.test(msg) || keys.length === 0) return e;
  const named = new Set([...msg.matchAll(/["'`]([A-Za-z0-9._-]+)["'`]/g)].map((m) => m[1] as string));
  for (const m of msg.matchAll(/\b([a-z][a-z0-9]*(?:\.[a-z0-9]+)+)\b/g)) named.add(m[1] as string);
  const culprits = keys.filter((k) => named.has(k) || (ALIASES[k] !== undefined && named.has(ALIASES[k])));
  if (culprits.length === 0) return e;
  return Object.assign(new Error(`invalid --client-config ${culprits.join(', ')}: ${msg}`), { code: (e as { code?: unknown }).code });
}

/** Runs `create` (a client constructor, or connect()) and attributes a configuration error to --client-config. */
export async function withConfigErrors<T>(extra: ClientConfig, create: () => T | Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (err) {
    throw configError(err, extra);
  }
}
