// The failover scenario's arm side (src/scenarios/failover.ts) with a client of our own making: the
// fault line comes exactly once, right after message faultAt is handed over (a batch never spans
// it); every acknowledgement and failure lands in the ledger by sequence number; the warm-up is
// outside it; a failover arm without a rate or a fault message is refused.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ArmSpec } from '../../src/contract/arm.js';
import type { DeliveryCounts, DriverContext, NodeDriver, ProducerPort } from '../../src/drivers/types.js';
import { RUN_DEFAULTS } from '../../src/plan/spec.js';
import { failover } from '../../src/scenarios/failover.js';
import { DeliveryLedger } from '../../src/scenarios/ledger.js';
import { contextFor } from '../../src/scenarios/index.js';
import type { OutBatch } from '../../src/scenarios/batch.js';
import type { ProgressCounts } from '../../src/scenarios/types.js';
import { payloadSpec } from '../../src/verify/payload.js';

/** A client that acknowledges every message at once, except the sequence numbers in `fail`. */
function fakeDriver(fail: ReadonlySet<number>, sent: number[][]): NodeDriver {
  return {
    kind: 'node', id: 'fake', client: 'fake',
    describe: async () => { throw new Error('not used'); },
    createConsumer: async () => { throw new Error('not used'); },
    async createProducer(ctx: DriverContext): Promise<ProducerPort> {
      const counts: DeliveryCounts = { delivered: 0, failed: 0, errors: {} };
      return {
        config: {},
        async send(b: OutBatch) {
          sent.push([b.firstSeq, b.count]);
          for (let i = 0; i < b.count; i++) {
            const ok = !fail.has(b.firstSeq + i);
            ctx.ledger?.settle(b.firstSeq + i, ok);
            if (ok) counts.delivered++;
            else {
              counts.failed++;
              counts.errors.FAKE = (counts.errors.FAKE ?? 0) + 1;
            }
          }
        },
        async sendAndWait() { throw new Error('not used'); },
        snapshot: () => ({ ...counts, errors: { ...counts.errors } }),
        flush: async () => ({ ...counts, errors: { ...counts.errors } }),
        close: async () => undefined,
      };
    },
  };
}

function spec(dir: string, over: Partial<ArmSpec> = {}): ArmSpec {
  return {
    protocol: 2, armId: 't', driver: 'fake', scenario: 'failover', messageSize: 100, messages: 3000, warmup: 200, firstSeq: 0,
    topic: 't', partitions: 6, payload: payloadSpec('compressible', 100, dir), connection: { brokers: ['127.0.0.1:1'] },
    settings: { ...RUN_DEFAULTS.settings, acks: 'all', idempotence: true, rate: 100_000, sendBatch: 64 }, extraConfig: {}, timeoutMs: 10_000, threads: 1,
    clientId: 'c', groupId: 'g', resultFile: '', failover: { faultAt: 1234 }, ...over,
  };
}

test('failover arm: one fault line, right after message faultAt; the ledger holds every measured message, the warm-up outside it', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-fo-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const s = spec(dir);
  const lines: { done: number; more?: ProgressCounts }[] = [];
  const sent: number[][] = [];
  const failed = new Set([200 + 5, 200 + 2999]); // measured messages 5 and 2999
  const out = await failover(fakeDriver(failed, sent), contextFor(s), { spec: s, progress: (done, more) => void lines.push({ done, ...(more ? { more } : {}) }) });
  const faults = lines.filter((l) => l.more?.fault);
  assert.equal(faults.length, 1, 'exactly one fault line');
  assert.equal(faults[0]?.done, 1234, 'the fault line follows message 1234 exactly');
  // The batches: the warm-up (seq 0..199) first, then measured ones; none spans the fault message.
  const measured = sent.filter(([first]) => (first as number) >= 200);
  assert.ok(measured.some(([first, n]) => (first as number) + (n as number) === 200 + 1234), 'a batch ends at the fault message');
  assert.equal(measured.reduce((a, [, n]) => a + (n as number), 0), 3000);
  assert.equal(out.ok, true);
  assert.equal(out.messages, 3000);
  assert.equal(out.delivered, 2998);
  assert.equal(out.failed, 2);
  assert.ok(out.ledger);
  const l = DeliveryLedger.decode(out.ledger);
  assert.equal(l.firstSeq, 200, 'the warm-up is outside the ledger');
  assert.equal(l.count, 3000);
  assert.equal(l.acked(), 2998);
  assert.equal(l.failures, 2);
  assert.equal(l.settled, 3000);
  assert.equal(l.failed[5], 1);
  assert.equal(l.failed[2999], 1);
  assert.ok(Number.isNaN(l.ackAtMs[5] as number), 'a failed message has no acknowledgement time');
  assert.ok((l.ackAtMs[6] as number) >= 0, 'acknowledgement times count from the schedule start');
  assert.ok(lines.at(-1)?.more?.final, 'the last line is final');
});

test('failover arm: refused without a fault message or a rate, naming what is missing', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-fo-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const noop = { progress: () => undefined };
  const { failover: _drop, ...without } = spec(dir);
  await assert.rejects(failover(fakeDriver(new Set(), []), contextFor(without as ArmSpec), { ...noop, spec: without as ArmSpec }), /spec\.failover/);
  const unpaced = spec(dir, { settings: { ...RUN_DEFAULTS.settings, rate: 0 } });
  await assert.rejects(failover(fakeDriver(new Set(), []), contextFor(unpaced), { ...noop, spec: unpaced }), /needs a rate/);
});

test('failover arm: a client that holds messages back until flush (the pure-JS clients’ last request) is flushed at once, not at the deadline', { timeout: 30_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-fo-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  // A 10-minute arm timeout: waiting for its deadline (90 % of it) would run past this test's own 30 s.
  const s = spec(dir, { timeoutMs: 600_000, warmup: 0 });
  const held: number[] = [];
  const driver: NodeDriver = {
    ...fakeDriver(new Set(), []),
    async createProducer(ctx: DriverContext): Promise<ProducerPort> {
      return {
        config: {},
        async send(b: OutBatch) {
          for (let i = 0; i < b.count; i++) held.push(b.firstSeq + i);
        },
        async sendAndWait() { throw new Error('not used'); },
        async flush() {
          for (const seq of held) ctx.ledger?.settle(seq, true);
          return { delivered: held.length, failed: 0, errors: {} };
        },
        close: async () => undefined,
      };
    },
  };
  const out = await failover(driver, contextFor(s), { spec: s, progress: () => undefined });
  assert.equal(out.delivered, 3000);
  assert.equal(DeliveryLedger.decode(out.ledger as NonNullable<typeof out.ledger>).settled, 3000);
});
