// The hold rule on synthetic data: the backlog trend, each condition of a held rate, the doubling
// stop, and the max sustainable rate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backlogTrend, doublingDone, judgeStep, maxSustainable } from '../../src/sweep/hold.js';
import { planRates } from '../../src/sweep/run.js';
import { parseSlo } from '../../src/sweep/slo.js';
import type { SweepStep } from '../../src/sweep/types.js';
import { latency, record } from './helpers.js';

const slo = parseSlo('p99<20ms');

test('backlogTrend: a queue building up while sending is growing', () => {
  // 1,000 msgs/s: first third ~100, last third ~800 (> 2× and > 50 messages).
  const b = backlogTrend({ done: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000], backlog: [80, 100, 120, 300, 450, 600, 700, 800, 900] }, 1000);
  assert.ok(b?.judged);
  assert.equal(b?.growing, true);
  assert.equal(b?.first, 100);
  assert.equal(b?.last, 800);
});

test('backlogTrend: steady, small or draining backlogs are not growing', () => {
  const steady = { done: [1000, 1000, 1000, 1000, 1000, 1000], backlog: [20, 25, 22, 24, 21, 23] };
  assert.equal(backlogTrend(steady, 1000)?.growing, false);
  // Doubled, but 12 in-flight messages at 1,000 msgs/s is 12 ms of sending: noise, not a queue.
  assert.equal(backlogTrend({ done: [1000, 1000, 1000, 1000, 1000, 1000], backlog: [4, 5, 6, 9, 12, 12] }, 1000)?.growing, false);
  // Grew while sending; the drain after the last send (done 0) is not part of the window judged.
  const drained = backlogTrend({ done: [1000, 1000, 1000, 1000, 1000, 1000, 0, 0, 0], backlog: [100, 150, 300, 450, 600, 800, 400, 100, 0] }, 1000);
  assert.equal(drained?.intervals, 6);
  assert.equal(drained?.growing, true);
  // Too short to judge; no backlog series at all.
  assert.deepEqual(backlogTrend({ done: [1000, 1000], backlog: [10, 900] }, 1000), { judged: false, intervals: 2, first: NaN, last: NaN, growing: false });
  assert.equal(backlogTrend({ done: [1000, 1000, 1000] }, 1000), undefined);
  assert.equal(backlogTrend(undefined, 1000), undefined);
});

test('judgeStep: held when verified, ≥ 99 % achieved, the SLO met and the backlog flat', () => {
  const s = judgeStep(1000, 'a', record('a', 1000, latency(1000, 5000), [{ achieved: 995, backlog: [10, 12, 11, 10, 12, 11] }]), slo);
  assert.equal(s.held, true, s.whyNot.join('; '));
  assert.deepEqual(s.whyNot, []);
  assert.equal(s.verified, true);
  assert.equal(s.achievedRate, 995);
  assert.equal(s.latencyUs?.count, 20_000);
});

test('judgeStep: every reason a rate is not held is named', () => {
  const missed = judgeStep(1000, 'a', record('a', 1000, latency(1000, 30_000)), slo);
  assert.equal(missed.held, false);
  assert.match(missed.whyNot.join(), /p99 30 ms > 20 ms/);
  const slow = judgeStep(1000, 'a', record('a', 1000, latency(1000, 5000), [{ achieved: 980 }]), slo);
  assert.match(slow.whyNot.join(), /achieved 98\.0 % of the rate \(980 msgs\/s\)/);
  const lost = judgeStep(1000, 'a', record('a', 1000, latency(1000, 5000), [{}, { ok: false }]), slo);
  assert.equal(lost.verified, false);
  assert.match(lost.whyNot.join(), /not verified \(#2: delivered 9,990 of 10,000\)/);
  const queue = judgeStep(1000, 'a', record('a', 1000, latency(1000, 5000), [{ backlog: [100, 100, 300, 500, 700, 900] }]), slo);
  assert.match(queue.whyNot.join(), /backlog growing \(100 → 800 messages\)/);
  // producer-async: no latency, no objective judged; held on the rest.
  const unjudged = judgeStep(1000, 'a', record('a', 1000, undefined), undefined);
  assert.equal(unjudged.held, true, unjudged.whyNot.join('; '));
  const none = judgeStep(1000, 'a', undefined, slo, 'a does not run e2e-latency');
  assert.deepEqual(none.whyNot, ['a does not run e2e-latency']);
  assert.equal(none.repetitions, 0);
});

const step = (rate: number, held: boolean): SweepStep => ({ rate, driver: 'a', held, whyNot: held ? [] : ['x'], notes: [], verified: true, repetitions: 1 });

test('doubling stops after two failures in a row, not one', () => {
  assert.equal(doublingDone([step(1000, true), step(2000, false)]), false);
  assert.equal(doublingDone([step(1000, true), step(2000, false), step(4000, true), step(8000, false)]), false);
  assert.equal(doublingDone([step(1000, true), step(2000, false), step(4000, false)]), true);
  assert.equal(doublingDone([step(1000, false), step(2000, false)]), true);
});

test('maxSustainable: the highest rate held, noting lower rates that failed', () => {
  assert.deepEqual(maxSustainable([step(1000, true), step(2000, true), step(4000, false), step(8000, false)], 'x'), { rate: 2000, lowerFailed: [], tried: [1000, 2000, 4000, 8000], stopped: 'x' });
  assert.deepEqual(maxSustainable([step(4000, true), step(1000, true), step(2000, false)], 'x').lowerFailed, [2000]);
  assert.equal(maxSustainable([step(4000, true), step(1000, true), step(2000, false)], 'x').rate, 4000);
  assert.equal(maxSustainable([step(1000, false)], 'x').rate, null);
});

test('planRates: doubling up to max; a list ascending without repeats', () => {
  assert.deepEqual(planRates({ mode: 'doubling', start: 1000, max: 10_000 }), [1000, 2000, 4000, 8000]);
  assert.deepEqual(planRates({ mode: 'doubling', start: 1000, max: 1000 }), [1000]);
  assert.deepEqual(planRates({ mode: 'list', list: [5000, 1000, 5000, 2000] }), [1000, 2000, 5000]);
});
