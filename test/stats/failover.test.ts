// The failover accounting (src/stats/failover.ts) and the ledger it reads (src/scenarios/ledger.ts):
// every measured message classified from what the client said and what the topic holds; the ack
// gap and the time to full rate from the acknowledgement times; the ledger's round trip.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FailoverFault } from '../../src/results/types.js';
import { DeliveryLedger } from '../../src/scenarios/ledger.js';
import { failoverReport, recoveryMs } from '../../src/stats/failover.js';

const fault = (atMs: number): FailoverFault => ({ mode: 'kill', node: 2, partitionsLed: [2, 5], atMessage: 0, atMs, downMs: 5000 });

test('ledger: first acknowledgement kept, failures flagged once, warm-up ignored; encode/decode round trip', () => {
  const l = new DeliveryLedger(100, 5, 1_000_000);
  l.settle(99, true, 1_000_500); // warm-up: outside the ledger
  l.settle(100, true, 1_002_000);
  l.settle(100, true, 1_009_000); // a second report does not move the first
  l.settle(101, false, 1_003_000);
  l.settle(101, false, 1_003_000);
  l.settleRange(103, 2, true);
  assert.equal(l.ackAtMs[0], 2);
  assert.equal(l.failures, 1);
  assert.equal(l.settled, 4);
  assert.equal(l.acked(), 3);
  const back = DeliveryLedger.decode(l.encode());
  assert.deepEqual([...back.failed], [...l.failed]);
  assert.deepEqual([...back.ackAtMs].map(String), [...l.ackAtMs].map(String));
  assert.equal(back.settled, 4);
  assert.equal(back.failures, 1);
  assert.throws(() => DeliveryLedger.decode({ ...l.encode(), count: 6 }), /ledger of 6 messages/);
  assert.throws(() => new DeliveryLedger(0, -1), /non-negative integer/);
});

test('failoverReport: acked-but-lost, duplicates, failed-but-present, unacked-present, unsettled, foreign', () => {
  // 10 measured messages, seq 2..11 (2 warm-up messages before them), rate 1000/s: message i due at i ms.
  const l = new DeliveryLedger(2, 10, 0);
  for (let i = 0; i < 10; i++) if (i !== 3 && i !== 4 && i !== 5) l.settle(2 + i, true, (i + 1) * 1000);
  l.settle(2 + 3, false, 4000); // failed, not written
  l.settle(2 + 4, false, 4000); // failed, yet written
  // i = 5: no outcome at all, yet written
  const seen = new Uint8Array(14);
  seen[0] = 1; // warm-up
  seen[1] = 1;
  for (let i = 0; i < 10; i++) seen[2 + i] = 1;
  seen[2 + 3] = 0;
  seen[2 + 7] = 0; // acknowledged, then lost
  seen[2 + 8] = 3; // two extra copies
  seen[13] = 1; // beyond the arm: foreign
  const r = failoverReport(l, seen, 0, fault(0), 1000);
  assert.equal(r.sent, 10);
  assert.equal(r.acked, 7);
  assert.equal(r.ackedLost, 1);
  assert.deepEqual(r.ackedLostSample, [9]);
  assert.equal(r.duplicates, 2);
  assert.equal(r.failed, 2);
  assert.equal(r.failedPresent, 1);
  assert.equal(r.unackedPresent, 2, 'the failed-but-written one and the unsettled-but-written one');
  assert.equal(r.unsettled, 1);
  assert.equal(r.foreignRecords, 1);
  // Corrected latency: acknowledgement (i + 1 ms) − due (i ms) = 1 ms for every acknowledged message.
  assert.equal(r.latencyAll?.p50Us, 1000);
  assert.equal(r.latencyAll?.count, 7);
});

test('failoverReport: the ack gap counts from the fault; the gap before it is kept apart', () => {
  const l = new DeliveryLedger(0, 6, 0);
  [10, 20, 50, 400, 410, 420].forEach((ms, i) => l.settle(i, true, ms * 1000));
  const seen = new Uint8Array(6).fill(1);
  const r = failoverReport(l, seen, 0, fault(100), 10);
  assert.equal(r.ackGapMs, 300, 'from the fault (100 ms) to the next acknowledgement (400 ms)');
  assert.equal(r.ackGapBeforeMs, 30);
  assert.equal(r.ackedLost, 0);
  assert.equal(failoverReport(l, seen, 0, fault(100), 10, 6, 900).ackGapMs, 480, 'to the end of the arm when that is the longest silence');
  // A client that acknowledged nothing after the fault: its gap runs from the fault to the end of the arm.
  const none = new DeliveryLedger(0, 6, 0);
  [10, 20, 50].forEach((ms, i) => none.settle(i, true, ms * 1000));
  [3, 4, 5].forEach((i) => none.settle(i, false, 5_000_000));
  assert.equal(failoverReport(none, seen, 0, fault(100), 10, 6, 5000).ackGapMs, 4900);
  assert.equal(failoverReport(none, seen, 0, fault(100), 10).ackGapMs, 0, 'without the end, nothing to measure to');
});

test('recoveryMs: the first 1 s from the fault with acknowledgements at 90 % of the rate; undefined when none', () => {
  // 100 msgs/s: 90 acknowledgements in a second is full rate. Nothing from 0 to 2 s, then one per 10 ms.
  const acks = Array.from({ length: 300 }, (_, k) => 2000 + k * 10);
  assert.equal(recoveryMs(acks, 0, 100, 5000), 2000);
  assert.equal(recoveryMs(acks.filter((_, k) => k % 2 === 0), 0, 100, 5000), undefined, 'half the rate is never full rate');
  assert.equal(recoveryMs([], 0, 100, 5000), undefined);
});
