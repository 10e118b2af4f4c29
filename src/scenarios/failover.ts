// failover — the arm's side of "which client loses acknowledged messages when a broker dies".
// The producer sends at a fixed rate (settings.rate, the open-loop schedule) with the durable
// settings the plan forces (acks=all, idempotence where the client has it), and hands the driver a
// DeliveryLedger (src/scenarios/ledger.ts): every acknowledgement and every reported failure is
// recorded per sequence number, with the time of the first acknowledgement. Right after message
// spec.failover.faultAt is handed over, it writes a `fault` progress line at once; the parent
// (src/runner/failover.ts) kills, pauses or restarts a broker on it, while sending goes on. When every
// message is sent, the arm waits until each has an outcome (or the arm's timeout), and sends the
// ledger back. What was acknowledged is then compared with what the parent reads back.
import type { DriverContext, NodeDriver, ProducerPort } from '../drivers/types.js';
import { OutBatch, armPayload, wallClockUs } from './batch.js';
import { DeliveryLedger } from './ledger.js';
import { Meter, describeErrors } from './measure.js';
import { rateFields } from './producer.js';
import { Schedule } from './schedule.js';
import type { ScenarioOutcome, ScenarioRun } from './types.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function failover(driver: NodeDriver, ctx: DriverContext, run: ScenarioRun): Promise<ScenarioOutcome> {
  const { spec } = run;
  const f = spec.failover;
  if (!f) throw new Error('a failover arm needs spec.failover (the message the fault lands after)');
  const rate = ctx.settings.rate;
  if (!(rate > 0)) throw new Error('a failover arm needs a rate (settings.rate > 0): the fault must land at the same point of the same schedule for every client');
  const payload = armPayload(spec.payload);
  const first = spec.firstSeq + spec.warmup;
  // The addon reports by enqueue order from its first message (the warm-up's): sentFrom = firstSeq.
  const ledger = new DeliveryLedger(first, spec.messages, wallClockUs(), spec.firstSeq);
  const deadline = Date.now() + spec.timeoutMs * 0.9;
  const p = await driver.createProducer({ ...ctx, ledger });
  try {
    let base = { delivered: 0, failed: 0 };
    if (spec.warmup > 0) {
      const warm = new Schedule(rate);
      await sendPaced(p, warm, payload, spec.messageSize, spec.firstSeq, spec.warmup, ctx.settings.sendBatch, () => undefined);
      base = await p.flush(spec.timeoutMs);
      if (base.failed > 0) throw new Error(`warm-up: ${base.failed} of ${spec.warmup} deliveries failed, before any fault`);
    }
    const meter = new Meter();
    meter.start();
    const sched = new Schedule(rate);
    ledger.t0Us = sched.t0Us;
    let done = 0;
    let faulted = false;
    const counts = (): { acked: number; failed: number } => ({ acked: ledger.settled - ledger.failures, failed: ledger.failures });
    run.live = () => ({ messages: done, delivered: ledger.acked(), failed: ledger.failures, ledger: ledger.encode() });
    done = await sendPaced(p, sched, payload, spec.messageSize, first, spec.messages, ctx.settings.sendBatch, (n) => {
      if (!faulted && n >= f.faultAt) {
        faulted = true;
        run.progress(n, { ...counts(), fault: true });
      } else run.progress(n, counts());
    }, f.faultAt);
    // Every message gets its outcome. A client that reports only when polled (serve) is polled
    // every 5 ms until then, so that its ack times are the ledger's; the others report from the event
    // loop and go straight to the flush — which also hands over what they hold back (the pure-JS
    // clients' last, partly filled request), so nothing waits for the deadline.
    const serve = p.serve?.bind(p);
    while (serve && ledger.settled < spec.messages && Date.now() < deadline) {
      serve();
      run.progress(done, counts());
      await sleep(5);
    }
    let flushError: string | undefined;
    const total = await p.flush(Math.max(1000, deadline - Date.now())).catch((err: unknown) => {
      flushError = err instanceof Error ? err.message : String(err);
      return p.snapshot?.();
    });
    p.serve?.();
    const m = meter.stop();
    const delivered = total ? total.delivered - base.delivered : ledger.acked();
    const failed = total ? total.failed - base.failed : ledger.failures;
    run.progress(done, { acked: delivered, failed, final: true });
    const { notes: rateNotes, ...rates } = rateFields(sched);
    const unsettled = spec.messages - ledger.settled;
    return {
      ok: true,
      messages: done,
      bytes: done * spec.messageSize,
      ...m,
      delivered,
      failed,
      errors: total?.errors ?? {},
      ...rates,
      ledger: ledger.encode(),
      config: p.config,
      notes: [
        ...rateNotes,
        ...(unsettled > 0 ? [`${unsettled} messages had no outcome (neither acknowledged nor reported failed) when the arm gave up waiting${flushError ? ` (flush: ${flushError})` : ''}`] : []),
        ...(failed > 0 ? [`failures reported by the client: ${describeErrors(total?.errors ?? {})}`] : []),
      ],
    };
  } finally {
    await p.close();
  }
}

/**
 * Sends seq first .. first + count − 1 on `sched` in batches of at most sendBatch holding the messages
 * due by then; a batch never spans message `stopAt` (so the fault line follows exactly that message).
 */
async function sendPaced(
  p: ProducerPort, sched: Schedule, payload: ReturnType<typeof armPayload>, size: number, first: number, count: number, sendBatch: number,
  progress: (done: number) => void, stopAt = Number.POSITIVE_INFINITY,
): Promise<number> {
  let done = 0;
  while (done < count) {
    await sched.until(done);
    let n = Math.min(count - done, sendBatch, Math.max(1, sched.dueCount() - done));
    if (done < stopAt) n = Math.min(n, stopAt - done);
    const b = OutBatch.build(payload, size, first + done, n);
    sched.handOver(n);
    await p.send(b);
    done += n;
    progress(done);
  }
  return done;
}
