// Time series from progress lines (src/runner/series.ts): binned per interval, counts carried forward
// through a silent interval (a stall shows as zero), summed over parts, backlog = done − acked/consumed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeriesRecorder, backlogTrend, binSeries } from '../../src/runner/series.js';

test('12 s of lines every 200 ms at 1000 msgs/s: 1 s intervals of 1000, a stall as zero, the backlog at each interval end', () => {
  const samples = [];
  let done = 0;
  for (let t = 0; t <= 12_000; t += 200) {
    // Seconds 5–6 without any progress line at all (the arm stalled).
    if (t > 5000 && t < 6000) continue;
    if (t > 0 && !(t > 5000 && t <= 6000)) done += 200;
    samples.push({ tMs: t, done, acked: Math.max(0, done - 100) });
  }
  const s = binSeries(samples);
  assert.ok(s);
  assert.equal(s.intervalMs, 1000);
  assert.equal(s.done.length, 12);
  assert.deepEqual(s.done.slice(0, 5), [1000, 1000, 1000, 1000, 1000]);
  assert.equal(s.done[5], 0, 'the stalled second');
  assert.deepEqual(s.acked?.slice(1, 5), [1000, 1000, 1000, 1000]);
  assert.equal(s.backlog?.[2], 100);
  assert.equal(s.consumed, undefined);
  assert.equal(s.done.reduce((a, b) => a + b, 0), done - (samples[0]?.done ?? 0));
});

test('short arms get finer intervals; fewer than two samples give no series', () => {
  assert.equal(binSeries([{ tMs: 0, done: 1 }]), undefined);
  assert.equal(binSeries([{ tMs: 0, done: 1 }, { tMs: 800, done: 9 }])?.intervalMs, 250);
  assert.equal(binSeries([{ tMs: 0, done: 1 }, { tMs: 3000, done: 9 }])?.intervalMs, 500);
});

test('the recorder sums parts (threads, processes) and starts at the first measured progress', () => {
  let now = 0;
  const r = new SeriesRecorder(() => now);
  r.record('a.0', { done: 0 });
  now = 100;
  r.record('a.0', { done: 10, consumed: 4 });
  now = 200;
  r.record('b.0', { done: 20, consumed: 10 });
  now = 1300;
  r.record('a.0', { done: 30, consumed: 30 });
  const s = r.finish();
  assert.ok(s);
  assert.equal(s.done.reduce((x, y) => x + y, 0), 50 - 10);
  assert.equal(s.backlog?.at(-1), 50 - 40);
  assert.ok(s.consumed);
});

test('a growing backlog is one that keeps growing, not one that holds', () => {
  const series = (backlog: number[]) => ({ intervalMs: 1000, done: [...backlog.map(() => 20_000), 0], backlog: [...backlog, 0] });
  const backlogGrowing = (s: ReturnType<typeof series>, rate: number): boolean => backlogTrend(s, rate)?.growing ?? false;
  assert.equal(backlogGrowing(series([2409, 3475, 4363, 5305, 8038, 9682, 11010, 12091, 14755, 15806]), 20_000), true);
  assert.equal(backlogGrowing(series([900, 1100, 950, 1200, 1000, 1050, 980, 1010, 990]), 20_000), false, 'steady');
  assert.equal(backlogGrowing(series([10, 20, 30, 40, 50, 60, 70]), 20_000), false, 'growing, but below 50 ms of the rate');
  assert.equal(backlogTrend(series([100, 2000]), 20_000)?.judged, false, 'too few intervals');
});
