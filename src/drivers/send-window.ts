// The async producer of the pure-JS clients (kafkajs, @platformatic/kafka): one send() call per
// chunk of a batch, up to SEND_WINDOW outstanding, each call's messages counted delivered or failed
// (by error code) when it settles.
import type { OutBatch } from '../scenarios/batch.js';
import type { DeliveryCounts } from './types.js';

/** Outstanding send() calls: the clients pipeline them, this bounds memory. */
export const SEND_WINDOW = 16;
/**
 * One send() becomes one record batch per partition, which the broker refuses above
 * message.max.bytes (1 MB by default): larger batches are split into sends of at most this many bytes.
 */
export const MAX_SEND_BYTES = 512 * 1024;

/** Messages per send() call for a --send-batch and message size. */
export function messagesPerSend(sendBatch: number, messageSize: number): number {
  return Math.min(sendBatch, Math.max(1, Math.floor(MAX_SEND_BYTES / Math.max(1, messageSize))));
}

export class SendWindow {
  readonly counts: DeliveryCounts = { delivered: 0, failed: 0, errors: {} };
  private readonly inflight = new Set<Promise<void>>();

  /** `codeOf` names a failed call's error (its messages are counted under that code). */
  constructor(
    private readonly sendRaw: (values: Buffer[]) => Promise<unknown>,
    private readonly codeOf: (err: unknown) => string,
  ) {}

  /** Sends the batch in chunks of at most MAX_SEND_BYTES, waiting while SEND_WINDOW calls are outstanding. */
  async send(batch: OutBatch): Promise<void> {
    const values = batch.values();
    const per = Math.max(1, Math.floor(MAX_SEND_BYTES / Math.max(1, batch.size)));
    for (let i = 0; i < values.length; i += per) {
      while (this.inflight.size >= SEND_WINDOW) await Promise.race(this.inflight);
      const chunk = values.slice(i, i + per);
      const n = chunk.length;
      const pr: Promise<void> = this.sendRaw(chunk)
        .then(
          () => {
            this.counts.delivered += n;
          },
          (err: unknown) => {
            // One error per call (a call to several leaders may have partly succeeded): all of it counts as failed.
            this.counts.failed += n;
            const code = this.codeOf(err);
            this.counts.errors[code] = (this.counts.errors[code] ?? 0) + n;
          },
        )
        .finally(() => this.inflight.delete(pr));
      this.inflight.add(pr);
    }
  }

  snapshot(): DeliveryCounts {
    return { delivered: this.counts.delivered, failed: this.counts.failed, errors: { ...this.counts.errors } };
  }

  /** Waits until every outstanding call has settled; throws when some are still out after `timeoutMs`. */
  async flush(timeoutMs: number): Promise<DeliveryCounts> {
    const deadline = Date.now() + timeoutMs;
    while (this.inflight.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`flush: ${this.inflight.size} sends still outstanding after ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => (timer = setTimeout(r, Math.min(left, 1000))))]);
      clearTimeout(timer);
    }
    return this.snapshot();
  }

  /** Settles when every outstanding call has. */
  settled(): Promise<unknown> {
    return Promise.allSettled([...this.inflight]);
  }
}
