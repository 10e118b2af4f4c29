// The async producer of the pure-JS clients (kafkajs, @platformatic/kafka): one send() call per
// request's worth of messages, up to SEND_WINDOW outstanding, each call's messages counted delivered
// or failed (by error code) when it settles.
//
// librdkafka batches by itself (up to batch.size bytes per partition, waiting up to linger.ms); these
// clients send what one send() call carries, one Produce request per leader. So that both kinds of
// client send requests of the same size, kbench derives the messages per send() from the same settings:
//
//   kbench setting       librdkafka clients      kafkajs                          @platformatic/kafka
//   --batch-size B       batch.size = B          messages per send() = floor(B / message size), at least 1, at most
//                                                MAX_SEND_BYTES / message size (the broker refuses a record batch
//                                                above message.max.bytes, 1 MB by default) — the same for both
//   --linger-ms          linger.ms               none (client has no linger)      none: send() has no linger (its
//                                                                                 ProducerStream has batchTime, but
//                                                                                 keeps one send in flight at a time
//                                                                                 and is not what kbench drives)
//   --send-batch         messages per produce()  only how many messages the scenario hands over per call: sends
//                        loop / call             are filled across calls (producer-async); e2e-latency sends each
//                                                message at once (coalescing would be a linger kbench made up)
//
// Each producer records the mapping in its config ('kbench.messagesPerRequest', 'kbench.linger').
import type { OutBatch } from '../scenarios/batch.js';
import type { DeliveryCounts } from './types.js';
import type { DeliveryLedger } from '../scenarios/ledger.js';

/** Outstanding send() calls: the clients pipeline them, this bounds memory. */
export const SEND_WINDOW = 16;
/**
 * One send() becomes one record batch per partition, which the broker refuses above
 * message.max.bytes (1 MB by default): a send() carries at most this many payload bytes.
 */
export const MAX_SEND_BYTES = 512 * 1024;

/** Messages per send() call for --batch-size (bytes) and a message size (see the table above). */
export function messagesPerRequest(batchSize: number, messageSize: number): number {
  const size = Math.max(1, messageSize);
  return Math.max(1, Math.min(Math.floor(batchSize / size), Math.floor(MAX_SEND_BYTES / size)));
}

/** The batching a pure-JS producer runs with, for its recorded config. */
export function batchingConfig(batchSize: number, messageSize: number, linger: string): Record<string, string | number> {
  return { 'kbench.messagesPerRequest': messagesPerRequest(batchSize, messageSize), 'kbench.linger': linger, 'kbench.sendWindow': SEND_WINDOW };
}

export class SendWindow {
  readonly counts: DeliveryCounts = { delivered: 0, failed: 0, errors: {} };
  private readonly inflight = new Set<Promise<void>>();
  /** Messages handed over but not yet sent (coalescing: until a request's worth is there, or flush()). */
  private pending: Buffer[] = [];

  /**
   * `codeOf` names a failed call's error (its messages are counted under that code). `coalesce`:
   * fill each send() with `perRequest` messages across send(batch) calls (throughput); otherwise
   * each batch is sent at once, in calls of at most `perRequest` messages (latency).
   */
  constructor(
    private readonly sendRaw: (values: Buffer[]) => Promise<unknown>,
    private readonly codeOf: (err: unknown) => string,
    readonly perRequest: number,
    private readonly coalesce: boolean,
    private readonly ledger?: DeliveryLedger,
  ) {}

  /** Hands the batch's messages over; waits while SEND_WINDOW calls are outstanding. */
  async send(batch: OutBatch): Promise<void> {
    const values = batch.values();
    if (!this.coalesce) {
      for (let i = 0; i < values.length; i += this.perRequest) await this.dispatch(values.slice(i, i + this.perRequest));
      return;
    }
    for (let i = 0; i < values.length; ) {
      const take = Math.min(this.perRequest - this.pending.length, values.length - i);
      for (let k = 0; k < take; k++) this.pending.push(values[i + k] as Buffer);
      i += take;
      if (this.pending.length >= this.perRequest) {
        const chunk = this.pending;
        this.pending = [];
        await this.dispatch(chunk);
      }
    }
  }

  private async dispatch(chunk: Buffer[]): Promise<void> {
    while (this.inflight.size >= SEND_WINDOW) await Promise.race(this.inflight);
    const n = chunk.length;
    const pr: Promise<void> = this.sendRaw(chunk)
      .then(
        () => {
          this.counts.delivered += n;
          this.ledger?.settleValues(chunk, true);
        },
        (err: unknown) => {
          this.ledger?.settleValues(chunk, false);
          // One error per call (a call to several leaders may have partly succeeded): all of it counts as failed.
          this.counts.failed += n;
          const code = this.codeOf(err);
          this.counts.errors[code] = (this.counts.errors[code] ?? 0) + n;
        },
      )
      .finally(() => this.inflight.delete(pr));
    this.inflight.add(pr);
  }

  snapshot(): DeliveryCounts {
    return { delivered: this.counts.delivered, failed: this.counts.failed, errors: { ...this.counts.errors } };
  }

  /** Sends what is pending, then waits until every outstanding call has settled; throws when some are still out after `timeoutMs`. */
  async flush(timeoutMs: number): Promise<DeliveryCounts> {
    const deadline = Date.now() + timeoutMs;
    if (this.pending.length > 0) {
      const chunk = this.pending;
      this.pending = [];
      await this.dispatch(chunk);
    }
    while (this.inflight.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`flush: ${this.inflight.size} sends still outstanding after ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => (timer = setTimeout(r, Math.min(left, 1000))))]);
      clearTimeout(timer);
    }
    return this.snapshot();
  }

  /** Settles when every outstanding call has (messages still pending are not sent). */
  settled(): Promise<unknown> {
    return Promise.allSettled([...this.inflight]);
  }
}
