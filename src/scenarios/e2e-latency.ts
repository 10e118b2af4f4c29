// e2e-latency — produce at a fixed rate with the send time in each payload; a consumer in the same
// process (same clock) records produce→consume latency per message into an HDR histogram, and
// accounts for every sequence number (lost and duplicated are counted, not guessed). The consumer
// reads the arm's topic (warm-up and measured messages alike) and is assigned to it before the first
// warm-up send; the window opens at the first measured send (WINDOWS in src/contract/arm.ts).
import type { DriverContext, NodeDriver } from '../drivers/types.js';
import { encodeHistogram, newHistogram } from '../stats/latency.js';
import { LATENCY_HEADER_BYTES, readSeq, readTimestampUs } from '../verify/payload.js';
import { OutBatch, armPayload, wallClockUs } from './batch.js';
import { consumeUntil, STALL_MS } from './consumer.js';
import { Meter, addErrors, pace } from './measure.js';
import type { ScenarioOutcome, ScenarioRun } from './types.js';

/** Rate used when --rate is not given: steady, well below what any client sustains here. */
export const DEFAULT_E2E_RATE = 2000;

export async function e2eLatency(driver: NodeDriver, ctx: DriverContext, run: ScenarioRun): Promise<ScenarioOutcome> {
  const { spec } = run;
  if (spec.messageSize < LATENCY_HEADER_BYTES) {
    throw new RangeError(`e2e-latency needs messages of at least ${LATENCY_HEADER_BYTES} bytes (size ${spec.messageSize})`);
  }
  const rate = ctx.settings.rate > 0 ? ctx.settings.rate : DEFAULT_E2E_RATE;
  const total = spec.warmup + spec.messages;
  const first = spec.firstSeq;
  const seen = new Uint8Array(total);
  const hist = newHistogram();
  let received = 0;
  let duplicated = 0;
  let outside = 0;
  const payload = armPayload(spec.payload);
  const stallMs = Math.min(STALL_MS, spec.timeoutMs);

  const c = await driver.createConsumer(ctx);
  const p = await driver.createProducer(ctx);
  try {
    let onAssigned = (): void => undefined;
    const assigned = new Promise<void>((resolve) => (onAssigned = resolve));
    const consuming = consumeUntil(
      c,
      { topic: spec.topic, partitions: ctx.readPartitions },
      (batch) => {
        const now = wallClockUs();
        for (let i = 0; i < batch.count; i++) {
          const v = batch.payload(i);
          const idx = readSeq(v) - first;
          if (idx < 0 || idx >= total) {
            outside++;
            continue;
          }
          if (seen[idx]) {
            duplicated++;
            continue;
          }
          seen[idx] = 1;
          received++;
          if (idx >= spec.warmup) hist.recordValue(Math.max(1, Math.round(now - readTimestampUs(v))));
        }
        run.progress(Math.max(0, received - spec.warmup));
        return received < total;
      },
      stallMs,
      () => `received ${received} of ${total}`,
      () => onAssigned(),
    );
    const consumeFailed = consuming.then(() => undefined, (err: unknown) => err);

    // Nothing is sent before the consumer has its partitions (a group join can take seconds).
    let waitTimer: NodeJS.Timeout | undefined;
    const notAssigned = await Promise.race([
      assigned.then(() => undefined),
      consumeFailed.then((err) => err ?? new Error('the consumer stopped before it was assigned')),
      new Promise<Error>((r) => (waitTimer = setTimeout(() => r(new Error(`the consumer was not assigned its partitions within ${stallMs / 1000} s`)), stallMs))),
    ]);
    clearTimeout(waitTimer);
    if (notAssigned) throw notAssigned;

    // Warm-up: also proves the consumer is fetching before anything is measured.
    let t0 = process.hrtime.bigint();
    for (let i = 0; i < spec.warmup; i++) {
      await pace(t0, i, rate);
      await p.send(OutBatch.build(payload, spec.messageSize, first + i, 1, true));
    }
    const warm = await p.flush(spec.timeoutMs);
    const waitStart = Date.now();
    while (received < spec.warmup && Date.now() - waitStart < stallMs) await new Promise((r) => setTimeout(r, 20));

    const meter = new Meter();
    meter.start();
    t0 = process.hrtime.bigint();
    for (let i = 0; i < spec.messages; i++) {
      await pace(t0, i, rate);
      await p.send(OutBatch.build(payload, spec.messageSize, first + spec.warmup + i, 1, true));
    }
    const sent = await p.flush(spec.timeoutMs);
    const err = await consumeFailed;
    const m = meter.stop();
    const errors = { ...sent.errors };
    addErrors(errors, warm.errors, -1);
    let lost = 0;
    for (let i = spec.warmup; i < total; i++) if (!seen[i]) lost++;
    const notes = outside ? [`${outside} messages with foreign sequence numbers ignored`] : [];
    if (err) notes.push(`consumer stopped early: ${(err as Error).message}`);
    return {
      ok: true,
      messages: spec.messages,
      bytes: spec.messages * spec.messageSize,
      ...m,
      delivered: sent.delivered - warm.delivered,
      failed: sent.failed - warm.failed,
      errors,
      consumed: received,
      lost,
      duplicated,
      latencyHistogram: encodeHistogram(hist),
      config: { ...p.config, ...Object.fromEntries(Object.entries(c.config).map(([k, v]) => [`consumer.${k}`, v])) },
      notes: [`rate ${rate} msgs/s`, ...notes],
    };
  } finally {
    await Promise.allSettled([p.close(), c.close()]);
  }
}
