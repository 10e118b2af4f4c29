// When a driver "holds" a rate, and a sweep's verdicts per driver. A rate is held when
//   1. every repetition ran and verified (every message delivered, read back / received once);
//   2. every repetition achieved at least 99 % of the requested rate on its open-loop schedule;
//   3. the latency objective is met by the corrected latency merged over the repetitions;
//   4. no repetition's backlog was growing (backlogTrend below).
import type { Repetition, RunRecord } from '../results/types.js';
import { BACKLOG_GROWTH, backlogTrend } from '../runner/series.js';
import { summarize } from '../stats/summary.js';
import { checkSlo } from './slo.js';
import type { BacklogTrend, MaxSustainable, Slo, SweepStep } from './types.js';

/** Fraction of the requested rate a repetition must achieve. */
export const MIN_ACHIEVED = 0.99;


export { BACKLOG_GROWTH, backlogTrend } from '../runner/series.js';

export const HOLD_RULE: readonly string[] = [
  'every repetition verified',
  `every repetition achieved ≥ ${MIN_ACHIEVED * 100} % of the requested rate`,
  'the latency objective met by the corrected latency (from each message’s intended send time), merged over the repetitions',
  `the backlog not growing: over the sending window, mean of the last third ≤ ${BACKLOG_GROWTH.factor}× the first third, or ≤ rate × ${BACKLOG_GROWTH.minSeconds} s`,
];

const int = (v: number): string => Math.round(v).toLocaleString('en-US');
const repTag = (r: Repetition, n: number): string => (n > 1 ? `#${r.repetition}: ` : '');

/** The verdict of one driver at one rate, from its results record (undefined: the arm did not run; `reason` says why). `slo` undefined: not judged. */
/** Scenarios whose arms measure no per-message latency (producer-async): a sweep of them judges no objective. */
export const NO_LATENCY_SCENARIOS: readonly string[] = ['producer-async'];

export function judgeStep(rate: number, driver: string, record: RunRecord | undefined, slo: Slo | undefined, reason?: string): SweepStep {
  if (!record) return { rate, driver, held: false, whyNot: [reason ?? 'did not run'], notes: [], verified: false, repetitions: 0 };
  const whyNot: string[] = [];
  const notes: string[] = [];
  const reps = record.repetitions;
  const n = reps.length;
  for (const r of reps) {
    if (!r.ok) whyNot.push(`not verified (${repTag(r, n)}${r.error ?? (r.verification.failures.join('; ') || 'failed')})`);
  }
  const ok = reps.filter((r) => r.ok);
  for (const r of ok) {
    const achieved = r.achievedRate;
    if (achieved === undefined || !Number.isFinite(achieved)) whyNot.push(`${repTag(r, n)}no achieved rate reported`);
    else if (achieved < MIN_ACHIEVED * rate) whyNot.push(`achieved ${((achieved / rate) * 100).toFixed(1)} % of the rate (${repTag(r, n)}${int(achieved)} msgs/s)`);
  }
  const latency = record.summary.latencyUs;
  if (ok.length && slo) {
    const v = checkSlo(latency, slo);
    whyNot.push(...v.failures);
    notes.push(...v.weak);
  }
  const backlog: BacklogTrend[] = [];
  for (const r of ok) {
    const b = backlogTrend(r.series, rate);
    if (!b) continue;
    backlog.push(b);
    if (b.growing) whyNot.push(`backlog growing (${repTag(r, n)}${int(b.first)} → ${int(b.last)} messages)`);
    else if (!b.judged) notes.push(`${repTag(r, n)}backlog not judged: ${b.intervals} interval${b.intervals === 1 ? '' : 's'} while sending`);
  }
  const achieved = ok.map((r) => r.achievedRate).filter((x): x is number => x !== undefined && Number.isFinite(x));
  const step: SweepStep = { rate, driver, held: whyNot.length === 0, whyNot, notes, verified: n > 0 && reps.every((r) => r.ok), repetitions: n };
  if (achieved.length) step.achievedRate = summarize(achieved).median;
  if (latency) step.latencyUs = latency;
  if (record.summary.serviceTimeUs) step.serviceTimeUs = record.summary.serviceTimeUs;
  if (backlog.length) step.backlog = backlog;
  return step;
}

/** Failures in a row that end a driver's doubling sweep. */
export const STOP_AFTER_FAILURES = 2;

/** Doubling mode: is this driver done after these steps (its own, ascending)? */
export function doublingDone(steps: readonly SweepStep[]): boolean {
  const tail = steps.slice(-STOP_AFTER_FAILURES);
  return tail.length === STOP_AFTER_FAILURES && tail.every((s) => !s.held);
}

/**
 * The max sustainable rate: the highest rate held. Rates below it that were not held are listed
 * (a noisy step, a stall): the figure stands, but the curve around it is not clean.
 */
export function maxSustainable(steps: readonly SweepStep[], stopped: string): MaxSustainable {
  const sorted = [...steps].sort((a, b) => a.rate - b.rate);
  const held = sorted.filter((s) => s.held);
  const rate = held.length ? (held[held.length - 1] as SweepStep).rate : null;
  return { rate, lowerFailed: rate === null ? [] : sorted.filter((s) => !s.held && s.rate < rate).map((s) => s.rate), tried: sorted.map((s) => s.rate), stopped };
}
