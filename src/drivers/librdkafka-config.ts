// kbench settings → librdkafka configuration, shared by every librdkafka-based driver (addon,
// node-rdkafka, confluent, crab, the C programs), so they run with identical client settings.
import type { Connection } from '../results/types.js';
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

export function librdkafkaConsumerConfig(ctx: DriverContext): ClientConfig {
  return {
    'bootstrap.servers': ctx.connection.brokers.join(','),
    'client.id': ctx.clientId,
    'group.id': ctx.groupId,
    'enable.auto.commit': false,
    'auto.offset.reset': 'earliest',
    ...librdkafkaSecurity(ctx.connection),
    ...ctx.extraConfig,
  };
}

/** librdkafka's RD_KAFKA_OFFSET_BEGINNING. */
export const OFFSET_BEGINNING = -2;
