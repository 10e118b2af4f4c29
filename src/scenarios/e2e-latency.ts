// e2e-latency — produce at a fixed rate with the send time in each payload; a consumer in the same
// process (same clock) records produce→consume latency per message into an HDR histogram, and
// accounts for every sequence number (lost and duplicated are counted, not guessed).
import type { DriverContext, NodeDriver } from '../drivers/types.js';
import { encodeHistogram, newHistogram } from '../stats/latency.js';
import { LATENCY_HEADER_BYTES, payloadTemplate, readSeq, readTimestampUs } from '../verify/payload.js';
import { OutBatch, wallClockUs } from './batch.js';
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

  const c = await driver.createConsumer(ctx);
  const p = await driver.createProducer(ctx);
  try {
    const consuming = consumeUntil(
      c,
      (batch) => {
        const now = wallClockUs();
        for (let i = 0; i < batch.count; i++) {
          const payload = batch.payload(i);
          const idx = readSeq(payload) - first;
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
          if (idx >= spec.warmup) hist.recordValue(Math.max(1, Math.round(now - readTimestampUs(payload))));
        }
        run.progress(Math.max(0, received - spec.warmup));
        return received < total;
      },
      Math.min(STALL_MS, spec.timeoutMs),
      () => `received ${received} of ${total}`,
    );
    const consumeFailed = consuming.then(() => undefined, (err: unknown) => err);

    const template = payloadTemplate(spec.messageSize);
    // Warm-up: also proves the consumer is assigned and fetching before anything is measured.
    let t0 = process.hrtime.bigint();
    for (let i = 0; i < spec.warmup; i++) {
      await pace(t0, i, rate);
      await p.send(OutBatch.build(template, spec.messageSize, first + i, 1, true));
    }
    const warm = await p.flush(spec.timeoutMs);
    const waitStart = Date.now();
    while (received < spec.warmup && Date.now() - waitStart < STALL_MS) await new Promise((r) => setTimeout(r, 20));

    const meter = new Meter();
    meter.start();
    t0 = process.hrtime.bigint();
    for (let i = 0; i < spec.messages; i++) {
      await pace(t0, i, rate);
      await p.send(OutBatch.build(template, spec.messageSize, first + spec.warmup + i, 1, true));
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
