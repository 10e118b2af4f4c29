// What happened to every measured message of a failover arm: a pure function of the arm's delivery
// ledger (what the client said: acknowledged when, or failed), the topic read back (how often each
// sequence number is in it), the fault (when it landed) and the arm's rate. No timing is read here.
import type { FailoverFault, FailoverResult } from '../results/types.js';
import type { DeliveryLedger } from '../scenarios/ledger.js';

/** A 1 s window counts as "full rate again" at this share of the arm's rate. */
export const RECOVERY_SHARE = 0.9;
const WINDOW_MS = 1000;
const BUCKET_MS = 100;
/** "Around the fault": messages due in this long from the fault. */
export const AROUND_FAULT_MS = 10_000;
const SAMPLE = 20;

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/**
 * `seen[seq]`: how often seq is in the topic (index = sequence number, the warm-up's included);
 * `foreign`: records whose sequence number is outside the arm's range; `endMs`: when the arm's
 * window closed (ms after t0), so that the ack gap runs to it.
 */
export function failoverReport(ledger: DeliveryLedger, seen: Uint8Array, foreign: number, fault: FailoverFault, rate: number, sent = ledger.count, endMs?: number): FailoverResult {
  let acked = 0;
  let ackedLost = 0;
  let duplicates = 0;
  let failed = 0;
  let failedPresent = 0;
  let unsettled = 0;
  let unackedPresent = 0;
  const sample: number[] = [];
  const ackTimes: number[] = [];
  const lat: number[] = [];
  const latAround: number[] = [];
  const periodMs = 1000 / rate;
  for (let i = 0; i < ledger.count; i++) {
    const seq = ledger.firstSeq + i;
    const n = seq < seen.length ? (seen[seq] as number) : 0;
    if (n > 1) duplicates += n - 1;
    const at = ledger.ackAtMs[i] as number;
    const ok = !Number.isNaN(at);
    const bad = ledger.failed[i] === 1;
    if (ok) {
      acked++;
      ackTimes.push(at);
      if (n === 0) {
        ackedLost++;
        if (sample.length < SAMPLE) sample.push(seq);
      }
      const due = i * periodMs;
      const us = Math.max(1, (at - due) * 1000);
      lat.push(us);
      if (due >= fault.atMs && due < fault.atMs + AROUND_FAULT_MS) latAround.push(us);
    } else if (n > 0) unackedPresent++;
    if (bad) {
      failed++;
      if (n > 0) failedPresent++;
    }
    if (!ok && !bad) unsettled++;
  }
  // Messages in the topic beyond the measured range of this arm (and not the warm-up's) are foreign.
  for (let seq = ledger.firstSeq + ledger.count; seq < seen.length; seq++) if ((seen[seq] as number) > 0) foreign += seen[seq] as number;
  ackTimes.sort((a, b) => a - b);
  let gapAfter = 0;
  let gapBefore = 0;
  let prev: number | undefined;
  for (const t of ackTimes) {
    if (t <= fault.atMs) {
      if (prev !== undefined) gapBefore = Math.max(gapBefore, t - prev);
    } else {
      gapAfter = Math.max(gapAfter, t - Math.max(prev ?? fault.atMs, fault.atMs));
    }
    prev = t;
  }
  // Up to the end of the arm (`endMs`, ms after t0): a client that acknowledged nothing after the fault has a gap to the end, not none.
  if (endMs !== undefined && endMs > fault.atMs) gapAfter = Math.max(gapAfter, endMs - Math.max(prev ?? fault.atMs, fault.atMs));
  const result: FailoverResult = {
    fault, sent, acked, ackedLost, ackedLostSample: sample, duplicates, failed, failedPresent, unsettled, unackedPresent,
    foreignRecords: foreign, ackGapMs: gapAfter, ackGapBeforeMs: gapBefore,
  };
  // Windows may reach past the last due time: a client that catches up with its backlog there is at full rate again.
  const recovery = recoveryMs(ackTimes, fault.atMs, rate, Math.max((ledger.count - 1) * periodMs, ackTimes.at(-1) ?? 0));
  if (recovery !== undefined) result.recoveryMs = recovery;
  if (latAround.length) {
    const s = Float64Array.from(latAround).sort();
    result.latencyAroundFault = { p99Us: Math.round(quantile(s, 0.99)), maxUs: Math.round(s[s.length - 1] as number), count: s.length };
  }
  if (lat.length) {
    const s = Float64Array.from(lat).sort();
    result.latencyAll = { p50Us: Math.round(quantile(s, 0.5)), p99Us: Math.round(quantile(s, 0.99)), maxUs: Math.round(s[s.length - 1] as number), count: s.length };
  }
  return result;
}

/**
 * ms from the fault to the first acknowledgement of the first 1 s window (starting at or after the
 * fault, on 100 ms steps, ending by `endMs`) with acknowledgements at ≥ RECOVERY_SHARE of the rate.
 * `ackTimes` sorted ascending.
 */
export function recoveryMs(ackTimes: readonly number[], faultMs: number, rate: number, endMs: number): number | undefined {
  const need = RECOVERY_SHARE * rate * (WINDOW_MS / 1000);
  let lo = 0;
  let hi = 0;
  for (let start = faultMs; start + WINDOW_MS <= endMs + BUCKET_MS; start += BUCKET_MS) {
    while (lo < ackTimes.length && (ackTimes[lo] as number) < start) lo++;
    if (hi < lo) hi = lo;
    while (hi < ackTimes.length && (ackTimes[hi] as number) < start + WINDOW_MS) hi++;
    // From the first acknowledgement of that window: a window may start in the gap and still pass.
    if (hi - lo >= need) return (ackTimes[lo] as number) - faultMs;
  }
  return undefined;
}
