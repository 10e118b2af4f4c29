// The open-loop schedule (src/scenarios/schedule.ts): due times, due counts, the achieved rate and the
// shortfall note from recorded hand-overs; waiting never ends before a message is due.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wallClockUs } from '../../src/scenarios/batch.js';
import { Schedule, shortfallNote } from '../../src/scenarios/schedule.js';

test('due times are t0 + k / rate; the due count includes message 0 at t0', () => {
  const s = new Schedule(1000, 5_000_000);
  assert.equal(s.dueUs(0), 5_000_000);
  assert.equal(s.dueUs(250), 5_250_000);
  assert.equal(s.dueCount(4_999_999), 0);
  assert.equal(s.dueCount(5_000_000), 1);
  assert.equal(s.dueCount(5_000_999), 1);
  assert.equal(s.dueCount(5_001_000), 2);
  assert.throws(() => new Schedule(0), RangeError);
});

test('until() never resolves before the message is due', async () => {
  const s = new Schedule(2000);
  for (const k of [0, 1, 5, 20]) {
    await s.until(k);
    assert.ok(wallClockUs() >= s.dueUs(k), `message ${k}`);
  }
});

test('the achieved rate counts hand-overs against the schedule; lateness is hand-over − due', async () => {
  const s = new Schedule(1000);
  for (let k = 0; k < 20; k++) {
    await s.until(k);
    s.handOver(1);
  }
  // 20 messages on time at 1000/s: (last hand-over − t0 + 1 ms) ≥ 20 ms, so the rate is at most 1000.
  assert.ok(s.achievedRate() <= 1000 && s.achievedRate() > 0);
  assert.ok(s.lateness().meanUs >= 0 && s.lateness().maxUs >= s.lateness().meanUs);
  assert.match(s.latenessNote(), /^schedule: messages handed over on average \d+ µs after their due time \(max \d+ µs/);
  // A sender that falls behind: 10 messages handed over 100 ms into a 1000/s schedule achieve about 100/s.
  const slow = new Schedule(1000, wallClockUs() - 100_000);
  slow.handOver(10);
  assert.ok(slow.achievedRate() < 110, String(slow.achievedRate()));
  assert.ok(slow.lateness().maxUs >= 99_000);
});

test('the shortfall note only below 99 % of the rate, with the shortfall in per cent', () => {
  assert.equal(shortfallNote(20_000, 19_900), undefined);
  assert.equal(shortfallNote(0, 5), undefined);
  assert.equal(shortfallNote(20_000, 15_000), 'rate shortfall: achieved 15,000 msgs/s of 20,000 requested (−25.0 %)');
});
