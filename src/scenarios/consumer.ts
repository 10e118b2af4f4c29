// consumer — read back warm-up + N messages from the start of a pre-filled topic. The measured part
// begins once the warm-up messages are read; every payload goes into the order-independent checksum
// (its cost is timed and taken out of the figures), which the parent compares with what was written.
import type { ConsumerPort, DriverContext, InBatch, NodeDriver } from '../drivers/types.js';
import { Checksum } from '../verify/payload.js';
import { Meter } from './measure.js';
import type { ScenarioOutcome, ScenarioRun } from './types.js';

/** How long a consumer may receive nothing before the arm fails (it would otherwise hang). */
export const STALL_MS = 30_000;

/**
 * Runs consumer.consume() until onBatch says stop, failing when nothing arrives for `stallMs`.
 * Resolves normally on completion; rejects with a message saying how far it got.
 */
export async function consumeUntil(
  c: ConsumerPort,
  onBatch: (b: InBatch) => boolean,
  stallMs: number,
  progressText: () => string,
): Promise<void> {
  let last = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (Date.now() - last > stallMs) reject(new Error(`no messages for ${stallMs / 1000} s (${progressText()})`));
    }, 500);
  });
  try {
    await Promise.race([
      c.consume((b) => {
        last = Date.now();
        return onBatch(b);
      }),
      stalled,
    ]);
  } finally {
    clearInterval(timer);
  }
}

export async function consumer(driver: NodeDriver, ctx: DriverContext, run: ScenarioRun): Promise<ScenarioOutcome> {
  const { spec } = run;
  const total = spec.warmup + spec.messages;
  const sum = new Checksum();
  const meter = new Meter();
  let consumed = 0;
  let dropped = !spec.faults?.dropOne;
  if (total === 0) {
    // A worker's share whose partitions hold nothing (the split gives each part exactly what its
    // partitions hold): there is nothing to read or to wait for.
    const now = Date.now() * 1000;
    return { ok: true, messages: 0, bytes: 0, elapsedNs: 0, startUs: now, endUs: now, consumed: 0, consumedBytes: 0, checksum: sum.hex(), config: {}, notes: ['its partitions hold no messages: nothing to read'] };
  }
  const c = await driver.createConsumer(ctx);
  run.live = () => ({ consumed, messages: Math.max(0, consumed - spec.warmup) });
  try {
    await consumeUntil(
      c,
      (batch) => {
        // The measured part starts when the batch holding the first measured message arrives, and
        // counts exactly the messages after the warm-up ones (a batch may straddle the boundary).
        if (!meter.started && consumed + batch.count > spec.warmup) {
          meter.start();
        }
        const v0 = process.hrtime.bigint();
        for (let i = 0; i < batch.count; i++) {
          if (!dropped) {
            dropped = true; // injected fault: this message is not accounted for
            continue;
          }
          sum.add(batch.payload(i));
        }
        if (meter.started) meter.verifyNs += Number(process.hrtime.bigint() - v0);
        consumed += batch.count;
        run.progress(Math.max(0, consumed - spec.warmup));
        return consumed < total;
      },
      Math.min(STALL_MS, spec.timeoutMs),
      () => `read ${consumed} of ${total}`,
    );
    const m = meter.stop();
    // A share that holds only warm-up messages (a worker's partitions) measured nothing.
    const measured = Math.max(0, consumed - spec.warmup);
    return {
      ok: true,
      messages: measured,
      bytes: measured * spec.messageSize,
      ...m,
      consumed: sum.count,
      consumedBytes: sum.bytes,
      checksum: sum.hex(),
      config: c.config,
      notes: [],
    };
  } finally {
    await c.close();
  }
}
