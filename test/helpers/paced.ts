// Assertions shared by the driver tests for the open-loop schedule and timed arms (src/contract/arm.ts
// SCHEDULE and Duration): what a paced or timed outcome must carry, never how fast anything was.
import assert from 'node:assert/strict';
import type { ScenarioOutcome } from '../../src/contract/arm.js';
import type { Repetition, RunRecord } from '../../src/results/types.js';
import { TIMED_MESSAGE_CAP } from '../../src/plan/plan.js';
import { decodeHistogram } from '../../src/stats/latency.js';

/** A paced arm's rate fields: the rate asked for, and an achieved rate above 0 and not above it (5 % slack). */
export function assertRates(o: ScenarioOutcome, rate: number, what: string): void {
  assert.equal(o.requestedRate, rate, `${what}: requestedRate`);
  assert.ok(typeof o.achievedRate === 'number' && o.achievedRate > 0 && o.achievedRate <= rate * 1.05, `${what}: achievedRate ${o.achievedRate} of ${rate}`);
  assert.ok(o.notes.some((n) => n.startsWith('schedule: messages handed over on average')), `${what}: the schedule's lateness note: ${o.notes.join(' | ')}`);
}

/**
 * A paced latency arm (producer-sync, e2e-latency): its rate fields, a corrected and a service histogram
 * of `count` samples each, and corrected ≥ service at every percentile (each message's due time is at or
 * before its hand-over: for e2e-latency, the payload carries the intended time, not the actual one).
 */
export function assertPacedLatency(o: ScenarioOutcome, rate: number, count: number, what: string): void {
  assertRates(o, rate, what);
  assert.ok(o.latencyHistogram && o.serviceHistogram, `${what}: corrected and service histograms`);
  const corrected = decodeHistogram(o.latencyHistogram);
  const service = decodeHistogram(o.serviceHistogram);
  assert.equal(corrected.totalCount, count, `${what}: corrected samples`);
  assert.equal(service.totalCount, count, `${what}: service samples, as many as the corrected ones`);
  for (const p of [1, 10, 50, 90, 99, 100]) {
    assert.ok(corrected.getValueAtPercentile(p) >= service.getValueAtPercentile(p), `${what}: p${p} corrected ${corrected.getValueAtPercentile(p)} ≥ service ${service.getValueAtPercentile(p)}`);
  }
  assert.equal(o.latencySamplesUs, undefined, `${what}: the runner turned the samples into histograms`);
  assert.equal(o.serviceSamplesUs, undefined, `${what}: the runner turned the samples into histograms`);
}

/** A timed unpaced producer record from runBenchmark: it stopped before its cap, and what it sent was read back and verified. */
export function assertTimed(r: RunRecord, what: string): void {
  assert.equal(r.verified, true, `${what}: ${JSON.stringify(r.repetitions.map((x) => x.error ?? x.verification.failures))}`);
  for (const rep of r.repetitions as Repetition[]) {
    assert.ok(rep.messages > 0 && rep.messages < TIMED_MESSAGE_CAP, `${what}: sent ${rep.messages}, fewer than the cap`);
    assert.equal(rep.delivered, rep.messages, `${what}: delivered = sent`);
    assert.equal(rep.verification.method, 'read-back', `${what}: the topic read back by kbench`);
    assert.ok(rep.notes?.some((n) => n.startsWith('timed: sent for')), `${what}: the timed note: ${(rep.notes ?? []).join(' | ')}`);
  }
}
