// The producer scenarios of the classic studies:
//  producer-async — send everything, then wait until every delivery is reported; failures counted.
//  producer-sync  — send one message, wait for its acknowledgement, then the next (latency per message).
// Windows (WINDOWS in src/contract/arm.ts): the warm-up is sent and acknowledged (flushed) first; the
// meter starts just before the first measured send and stops when the last measured message is
// acknowledged (producer-async: when the flush that waits for it returns).
import type { DriverContext, NodeDriver } from '../drivers/types.js';
import { newHistogram, encodeHistogram } from '../stats/latency.js';
import { OutBatch, armPayload, batches } from './batch.js';
import { Meter, addErrors, describeErrors, errorCode, pace } from './measure.js';
import type { ScenarioOutcome, ScenarioRun } from './types.js';

export async function producerAsync(driver: NodeDriver, ctx: DriverContext, run: ScenarioRun): Promise<ScenarioOutcome> {
  const { spec } = run;
  const flushTimeout = spec.timeoutMs;
  const payload = armPayload(spec.payload);
  const p = await driver.createProducer(ctx);
  try {
    let base = { delivered: 0, failed: 0, errors: {} as Record<string, number> };
    if (spec.warmup > 0) {
      for (const b of batches(spec.messageSize, spec.firstSeq, spec.warmup, ctx.settings.sendBatch, false, payload)) await p.send(b);
      base = await p.flush(flushTimeout);
      if (base.failed > 0) throw new Error(`warm-up: ${base.failed} of ${spec.warmup} deliveries failed (${describeErrors(base.errors)})`);
    }
    const meter = new Meter();
    meter.start();
    const t0 = process.hrtime.bigint();
    let done = 0;
    run.live = () => {
      const now = p.snapshot?.();
      return { messages: done, ...(now ? { delivered: now.delivered - base.delivered, failed: now.failed - base.failed, errors: now.errors } : {}) };
    };
    for (const b of batches(spec.messageSize, spec.firstSeq + spec.warmup, spec.messages, ctx.settings.sendBatch, false, payload)) {
      await pace(t0, done, ctx.settings.rate);
      await p.send(b);
      done += b.count;
      run.progress(done);
      // Back to the event loop once per batch, as an application would: clients that serve
      // delivery reports from timers or I/O callbacks get to run while the producer keeps sending.
      await new Promise<void>((r) => setImmediate(r));
    }
    const total = await p.flush(flushTimeout);
    const m = meter.stop();
    const errors = { ...total.errors };
    addErrors(errors, base.errors, -1);
    return {
      ok: true,
      messages: spec.messages,
      bytes: spec.messages * spec.messageSize,
      ...m,
      delivered: total.delivered - base.delivered,
      failed: total.failed - base.failed,
      errors,
      config: p.config,
      notes: [],
    };
  } finally {
    await p.close();
  }
}

export async function producerSync(driver: NodeDriver, ctx: DriverContext, run: ScenarioRun): Promise<ScenarioOutcome> {
  const { spec } = run;
  const payload = armPayload(spec.payload);
  const p = await driver.createProducer(ctx);
  try {
    for (let i = 0; i < spec.warmup; i++) {
      await p.sendAndWait(OutBatch.build(payload, spec.messageSize, spec.firstSeq + i, 1));
    }
    const hist = newHistogram();
    const errors: Record<string, number> = {};
    let delivered = 0;
    let failed = 0;
    const meter = new Meter();
    meter.start();
    const t0 = process.hrtime.bigint();
    const first = spec.firstSeq + spec.warmup;
    run.live = () => ({ messages: delivered + failed, delivered, failed, errors });
    for (let i = 0; i < spec.messages; i++) {
      await pace(t0, i, ctx.settings.rate);
      const b = OutBatch.build(payload, spec.messageSize, first + i, 1);
      const s = process.hrtime.bigint();
      try {
        await p.sendAndWait(b);
        delivered++;
        hist.recordValue(Math.max(1, Math.round(Number(process.hrtime.bigint() - s) / 1000)));
      } catch (err) {
        failed++;
        addErrors(errors, { [errorCode(err)]: 1 });
      }
      if ((i & 63) === 63) run.progress(i + 1);
    }
    const m = meter.stop();
    run.progress(spec.messages);
    return {
      ok: true,
      messages: spec.messages,
      bytes: spec.messages * spec.messageSize,
      ...m,
      delivered,
      failed,
      errors,
      latencyHistogram: encodeHistogram(hist),
      config: p.config,
      notes: [],
    };
  } finally {
    await p.close();
  }
}
