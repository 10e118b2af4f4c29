// The one set of librdkafka properties every arm of a path runs with (C, addon, node-rdkafka,
// confluent and crab alike).
import type { OverheadPath } from './types.js';

/** Stands for the mock cluster's address in the recorded settings (it changes every run). */
export const MOCK_BOOTSTRAP = 'mock';

export function armConfig(path: OverheadPath, messages: number, bootstrap = MOCK_BOOTSTRAP): Record<string, string | number> {
  // Room for every message (and those enqueued before timing): no arm meets a full queue.
  const queue = { 'queue.buffering.max.messages': Math.min(2_147_483_647, Math.max(messages + 1000, 100_000)), 'queue.buffering.max.kbytes': 2_147_483_647 };
  switch (path) {
    case 'produce':
      return {
        // Nothing listens there: messages are only enqueued, never sent, so only the enqueue path is measured.
        'bootstrap.servers': '127.0.0.1:1',
        ...queue,
        // Nothing times out during a run.
        'message.timeout.ms': 3_600_000,
        // The connection-refused log lines are noise here; the same for every arm.
        log_level: 2,
      };
    case 'delivery':
      return {
        'bootstrap.servers': bootstrap,
        ...queue,
        'linger.ms': 5,
        'batch.size': 1_000_000,
        acks: 'all',
        'message.timeout.ms': 300_000,
        log_level: 3,
      };
    case 'consume':
      return {
        'bootstrap.servers': bootstrap,
        'group.id': 'kbench-overhead',
        'enable.auto.commit': 'false',
        'enable.partition.eof': 'false',
        // Every message fetched into librdkafka's local queue before the measured part starts.
        'queued.min.messages': Math.min(10_000_000, Math.max(messages + 1000, 100_000)),
        'queued.max.messages.kbytes': 2_097_151,
        'fetch.max.bytes': 52_428_800,
        'max.partition.fetch.bytes': 52_428_800,
        'receive.message.max.bytes': 100_000_000,
        log_level: 3,
      };
  }
}

/**
 * Partitions for a pre-filled consume topic: a mock-cluster partition keeps only its last 5 MB, so
 * the messages are spread over enough partitions to hold them all (with room for record overhead).
 */
export function consumePartitions(messages: number, size: number): number {
  return Math.max(1, Math.ceil((messages * (size + 80)) / 3_500_000));
}
