// The producer scenarios of the classic studies:
//  producer-async — send everything, then wait until every delivery is reported; failures counted.
//  producer-sync  — send one message, wait for its acknowledgement, then the next (latency per message).
// Windows (WINDOWS in src/contract/arm.ts): the warm-up is sent and acknowledged (flushed) first; the
// meter starts just before the first measured send and stops when the last measured message is
// acknowledged (producer-async: when the flush that waits for it returns).
// At --rate both follow the open-loop schedule (src/scenarios/schedule.ts): producer-sync's latency
// then counts from each message's due time (corrected), its service time from the actual send.
// Unpaced with a duration (spec.durationMs), they stop sending when the duration has passed.
import type { DriverContext, NodeDriver, ProducerPort } from '../drivers/types.js';
import { newHistogram, encodeHistogram } from '../stats/latency.js';
import { OutBatch, armPayload, batches, wallClockUs } from './batch.js';
import { Meter, addErrors, describeErrors, errorCode } from './measure.js';
import { Schedule, shortfallNote } from './schedule.js';
import type { ArmSpec, ScenarioOutcome, ScenarioRun } from './types.js';

/** True once an unpaced timed arm has used up its duration. */
function timeUp(spec: ArmSpec, windowStartUs: number): boolean {
  return spec.durationMs !== undefined && wallClockUs() - windowStartUs >= spec.durationMs * 1000;
}

/** The paced arm's rate fields and its shortfall note. */
export function rateFields(sched: Schedule | undefined): Pick<ScenarioOutcome, 'requestedRate' | 'achievedRate'> & { notes: string[] } {
  if (!sched) return { notes: [] };
  const achieved = sched.achievedRate();
  const note = shortfallNote(sched.rate, achieved);
  return { requestedRate: sched.rate, achievedRate: achieved, notes: [...(note ? [note] : []), sched.latenessNote()] };
}

export async function producerAsync(driver: NodeDriver, ctx: DriverContext, run: ScenarioRun): Promise<ScenarioOutcome> {
  const { spec } = run;
  const flushTimeout = spec.timeoutMs;
  const payload = armPayload(spec.payload);
  const rate = ctx.settings.rate;
  const p = await driver.createProducer(ctx);
  try {
    let base = { delivered: 0, failed: 0, errors: {} as Record<string, number> };
    if (spec.warmup > 0) {
      const warm = rate > 0 ? new Schedule(rate) : undefined;
      await sendAll(p, spec, spec.firstSeq, spec.warmup, ctx.settings.sendBatch, payload, warm, () => undefined, () => false);
      base = await p.flush(flushTimeout);
      if (base.failed > 0) throw new Error(`warm-up: ${base.failed} of ${spec.warmup} deliveries failed (${describeErrors(base.errors)})`);
    }
    const meter = new Meter();
    meter.start();
    const sched = rate > 0 ? new Schedule(rate) : undefined;
    const startUs = wallClockUs();
    let done = 0;
    const counts = (): { acked?: number; failed?: number } => {
      const now = p.snapshot?.();
      return now ? { acked: now.delivered - base.delivered, failed: now.failed - base.failed } : {};
    };
    run.live = () => {
      const now = p.snapshot?.();
      return { messages: done, ...(now ? { delivered: now.delivered - base.delivered, failed: now.failed - base.failed, errors: now.errors } : {}) };
    };
    done = await sendAll(p, spec, spec.firstSeq + spec.warmup, spec.messages, ctx.settings.sendBatch, payload, sched, (n) => run.progress(n, counts()), () => timeUp(spec, startUs));
    const total = await p.flush(flushTimeout);
    const m = meter.stop();
    const errors = { ...total.errors };
    addErrors(errors, base.errors, -1);
    const delivered = total.delivered - base.delivered;
    const failed = total.failed - base.failed;
    run.progress(done, { acked: delivered, failed, final: true });
    const { notes, ...rates } = rateFields(sched);
    return {
      ok: true,
      messages: done,
      bytes: done * spec.messageSize,
      ...m,
      delivered,
      failed,
      errors,
      ...rates,
      config: p.config,
      notes: [...notes, ...(spec.durationMs !== undefined ? [`timed: sent for ${spec.durationMs / 1000} s`] : [])],
    };
  } finally {
    await p.close();
  }
}

/**
 * Sends seq first .. first + count − 1 in batches of at most sendBatch: unpaced as fast as the client
 * takes them, paced each batch holding the messages due by then (the schedule, never ahead of it).
 * Returns the number handed over (fewer than count when `stop` said so).
 */
async function sendAll(
  p: ProducerPort, spec: ArmSpec, first: number, count: number, sendBatch: number, payload: ReturnType<typeof armPayload>,
  sched: Schedule | undefined, progress: (done: number) => void, stop: () => boolean,
): Promise<number> {
  let done = 0;
  if (!sched) {
    for (const b of batches(spec.messageSize, first, count, sendBatch, false, payload)) {
      if (stop()) break;
      await p.send(b);
      done += b.count;
      progress(done);
      // Back to the event loop once per batch, as an application would: clients that serve
      // delivery reports from timers or I/O callbacks get to run while the producer keeps sending.
      await new Promise<void>((r) => setImmediate(r));
    }
    return done;
  }
  while (done < count) {
    await sched.until(done);
    const n = Math.min(count - done, sendBatch, Math.max(1, sched.dueCount() - done));
    const b = OutBatch.build(payload, spec.messageSize, first + done, n);
    sched.handOver(n);
    await p.send(b);
    done += n;
    progress(done);
  }
  return done;
}

export async function producerSync(driver: NodeDriver, ctx: DriverContext, run: ScenarioRun): Promise<ScenarioOutcome> {
  const { spec } = run;
  const payload = armPayload(spec.payload);
  const rate = ctx.settings.rate;
  const p = await driver.createProducer(ctx);
  try {
    const warm = rate > 0 ? new Schedule(rate) : undefined;
    for (let i = 0; i < spec.warmup; i++) {
      await warm?.until(i);
      await p.sendAndWait(OutBatch.build(payload, spec.messageSize, spec.firstSeq + i, 1));
    }
    const hist = newHistogram();
    const service = newHistogram();
    const errors: Record<string, number> = {};
    let delivered = 0;
    let failed = 0;
    const meter = new Meter();
    meter.start();
    const sched = rate > 0 ? new Schedule(rate) : undefined;
    const startUs = wallClockUs();
    const first = spec.firstSeq + spec.warmup;
    run.live = () => ({ messages: delivered + failed, delivered, failed, errors });
    let sent = 0;
    for (let i = 0; i < spec.messages; i++) {
      if (sched) await sched.until(i);
      else if (timeUp(spec, startUs)) break;
      const b = OutBatch.build(payload, spec.messageSize, first + i, 1);
      const s = sched ? sched.handOver(1) : wallClockUs();
      sent++;
      try {
        await p.sendAndWait(b);
        const end = wallClockUs();
        delivered++;
        service.recordValue(Math.max(1, Math.round(end - s)));
        // Corrected: from the due time, so the wait behind a slow acknowledgement is counted.
        if (sched) hist.recordValue(Math.max(1, Math.round(end - sched.dueUs(i))));
      } catch (err) {
        failed++;
        addErrors(errors, { [errorCode(err)]: 1 });
      }
      if ((i & 63) === 63) run.progress(i + 1, { acked: delivered, failed });
    }
    const m = meter.stop();
    run.progress(sent, { acked: delivered, failed, final: true });
    const { notes, ...rates } = rateFields(sched);
    return {
      ok: true,
      messages: sent,
      bytes: sent * spec.messageSize,
      ...m,
      delivered,
      failed,
      errors,
      latencyHistogram: encodeHistogram(sched ? hist : service),
      ...(sched ? { serviceHistogram: encodeHistogram(service) } : {}),
      ...rates,
      config: p.config,
      notes: [...notes, ...(spec.durationMs !== undefined ? [`timed: sent for ${spec.durationMs / 1000} s`] : [])],
    };
  } finally {
    await p.close();
  }
}
