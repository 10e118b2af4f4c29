// e2e-latency — produce on the open-loop schedule of a fixed rate (src/scenarios/schedule.ts) with
// each message's intended send time in its payload; a consumer in the same process (same clock)
// records, per message, intended send → consumed (corrected for coordinated omission) and actual
// hand-over → consumed (service time) into HDR histograms, and accounts for every sequence number
// (lost and duplicated are counted, not guessed). The consumer reads the arm's topic (warm-up and
// measured messages alike) and is assigned to it before the first warm-up send; the window opens at
// the first measured send (WINDOWS in src/contract/arm.ts).
import type { DriverContext, NodeDriver } from '../drivers/types.js';
import { encodeHistogram, newHistogram } from '../stats/latency.js';
import { LATENCY_HEADER_BYTES, readSeq, readTimestampUs } from '../verify/payload.js';
import { OutBatch, armPayload, wallClockUs } from './batch.js';
import { consumeUntil, STALL_MS } from './consumer.js';
import { Meter, addErrors } from './measure.js';
import { Schedule, shortfallNote } from './schedule.js';
import { DEFAULT_E2E_RATE } from '../plan/plan.js';
import type { ScenarioOutcome, ScenarioRun } from './types.js';

export { DEFAULT_E2E_RATE };

export async function e2eLatency(driver: NodeDriver, ctx: DriverContext, run: ScenarioRun): Promise<ScenarioOutcome> {
  const { spec } = run;
  if (spec.messageSize < LATENCY_HEADER_BYTES) {
    throw new RangeError(`e2e-latency needs messages of at least ${LATENCY_HEADER_BYTES} bytes (size ${spec.messageSize})`);
  }
  const rate = ctx.settings.rate > 0 ? ctx.settings.rate : DEFAULT_E2E_RATE;
  const total = spec.warmup + spec.messages;
  const first = spec.firstSeq;
  const seen = new Uint8Array(total);
  // Actual hand-over time of each measured message (µs), for the service time.
  const sentAt = new Float64Array(spec.messages);
  const hist = newHistogram();
  const service = newHistogram();
  let received = 0;
  let duplicated = 0;
  let outside = 0;
  const payload = armPayload(spec.payload);
  const stallMs = Math.min(STALL_MS, spec.timeoutMs);

  const c = await driver.createConsumer(ctx);
  const p = await driver.createProducer(ctx);
  let sentMeasured = 0;
  let baseDelivered = 0;
  const acked = (): { acked?: number } => {
    const now = p.snapshot?.();
    return now && sentMeasured > 0 ? { acked: Math.max(0, now.delivered - baseDelivered) } : {};
  };
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
          if (idx >= spec.warmup) {
            hist.recordValue(Math.max(1, Math.round(now - readTimestampUs(v))));
            service.recordValue(Math.max(1, Math.round(now - (sentAt[idx - spec.warmup] as number))));
          }
        }
        const consumed = Math.max(0, received - spec.warmup);
        run.progress(sentMeasured, { consumed, ...acked() });
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
    const warmSched = new Schedule(rate);
    for (let i = 0; i < spec.warmup; i++) {
      await warmSched.until(i);
      warmSched.handOver(1);
      await p.send(OutBatch.build(payload, spec.messageSize, first + i, 1, warmSched.dueUs(i)));
    }
    const warm = await p.flush(spec.timeoutMs);
    baseDelivered = warm.delivered;
    const waitStart = Date.now();
    while (received < spec.warmup && Date.now() - waitStart < stallMs) await new Promise((r) => setTimeout(r, 20));

    const meter = new Meter();
    meter.start();
    const sched = new Schedule(rate);
    // Every message due by now is handed over, one send call each (as a service sends), each stamped
    // with its own due time: the schedule, not a catch-up burst charged to nobody.
    for (let i = 0; i < spec.messages; ) {
      await sched.until(i);
      const due = Math.min(spec.messages, sched.dueCount());
      for (; i < due; i++) {
        sentAt[i] = sched.handOver(1);
        await p.send(OutBatch.build(payload, spec.messageSize, first + spec.warmup + i, 1, sched.dueUs(i)));
        sentMeasured = i + 1;
      }
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
    const achieved = sched.achievedRate();
    const short = shortfallNote(rate, achieved);
    if (short) notes.unshift(short);
    notes.push(sched.latenessNote());
    run.progress(sentMeasured, { consumed: Math.max(0, received - spec.warmup), acked: sent.delivered - warm.delivered, failed: sent.failed - warm.failed, final: true });
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
      serviceHistogram: encodeHistogram(service),
      requestedRate: rate,
      achievedRate: achieved,
      config: { ...p.config, ...Object.fromEntries(Object.entries(c.config).map(([k, v]) => [`consumer.${k}`, v])) },
      notes: [`rate ${rate} msgs/s on the open-loop schedule`, ...notes],
    };
  } finally {
    await Promise.allSettled([p.close(), c.close()]);
  }
}
