// The one set of librdkafka properties every enqueue arm runs with (C, addon, node-rdkafka alike).
import type { OverheadPath } from './types.js';

export function armConfig(path: OverheadPath, messages: number): Record<string, string | number> {
  switch (path) {
    case 'enqueue':
      return {
        // Nothing listens there: messages are only enqueued, never sent, so only the enqueue path is measured.
        'bootstrap.servers': '127.0.0.1:1',
        // Room for every message (and the one that creates the topic before timing): no arm meets a full queue.
        'queue.buffering.max.messages': Math.min(2_147_483_647, Math.max(messages + 1000, 100_000)),
        'queue.buffering.max.kbytes': 2_147_483_647,
        // Nothing times out during a run.
        'message.timeout.ms': 3_600_000,
        // The connection-refused log lines are noise here; the same for every arm.
        log_level: 2,
      };
  }
}
