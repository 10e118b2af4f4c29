// Shared by the native tests: client settings that need no broker, and environment hygiene.
import type { ClientConfig } from '../../src/native/index.js';

/** A broker address that refuses connections: messages can only time out. */
export const UNREACHABLE: ClientConfig = {
  'bootstrap.servers': '127.0.0.1:1',
  'message.timeout.ms': 1500,
  // Connection-refused lines every backoff would only clutter the test output.
  log_level: 2,
};

/** librdkafka's in-process mock cluster: deliveries succeed without any broker process. */
export const MOCK: ClientConfig = {
  'test.mock.num.brokers': 1,
  log_level: 2,
};

/**
 * `npm run test:asan` preloads libasan into the test processes; children we spawn (broker JVMs) must
 * not inherit it. Harmless when not set.
 */
export function keepSanitizerToOurselves(): void {
  delete process.env.LD_PRELOAD;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
