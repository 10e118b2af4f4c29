import assert from 'node:assert/strict';
import { test } from 'node:test';
import { combineOutcomes } from '../../src/runner/combine.js';
import { addChecksums } from '../../src/verify/payload.js';
import { splitSpec } from '../../src/runner/split.js';
import type { ArmSpec, ScenarioOutcome } from '../../src/scenarios/types.js';
import { Checksum, makePayload } from '../../src/verify/payload.js';
import { encodeHistogram, newHistogram, decodeHistogram } from '../../src/stats/latency.js';

const base: ArmSpec = {
  protocol: 2, payload: { kind: 'compressible', source: '/dev/null', stride: 0 }, armId: 'x', driver: 'kafkajs', scenario: 'producer-async', messageSize: 100, messages: 10, warmup: 3, firstSeq: 0,
  topic: 't', partitions: 4, connection: { brokers: ['127.0.0.1:1'] }, extraConfig: {}, timeoutMs: 1000, threads: 3, clientId: 'c', groupId: 'g', resultFile: '',
  settings: { acks: 'all', compression: 'none', lingerMs: 5, batchSize: 1, sendBatch: 1, idempotence: false, rate: 0 },
};

test('producer shares cover every message once, with disjoint sequence ranges', () => {
  const parts = splitSpec(base, 3);
  assert.deepEqual(parts.map((p) => p.messages), [4, 3, 3]);
  assert.deepEqual(parts.map((p) => p.warmup), [1, 1, 1]);
  assert.deepEqual(parts.map((p) => p.firstSeq), [0, 5, 9]);
  assert.ok(parts.every((p) => p.threads === 1));
  assert.equal(new Set(parts.map((p) => p.clientId)).size, 3);
});

test('consumer shares read disjoint partitions of the measured topic, exactly their messages, each after the whole warm-up topic', () => {
  const spec = { ...base, scenario: 'consumer' as const, messages: 110, warmup: 10, warmupTopic: 'w' };
  const parts = splitSpec(spec, 2, [30, 20, 40, 20]);
  assert.deepEqual(parts.map((p) => p.readPartitions), [[0, 2], [1, 3]]);
  assert.deepEqual(parts.map((p) => p.messages), [70, 40]);
  assert.deepEqual(parts.map((p) => [p.warmup, p.warmupTopic]), [[10, 'w'], [10, 'w']], 'every share warms up on the whole warm-up topic');
  assert.equal(new Set(parts.map((p) => p.groupId)).size, 2);
  assert.throws(() => splitSpec(spec, 2), /message count of every partition/);
  // The fill's partitioner put 4 messages in one partition: that share measures 4, the other the rest.
  const skewed = splitSpec({ ...spec, partitions: 2, messages: 11_000 }, 2, [4, 10_996]);
  assert.deepEqual(skewed.map((p) => p.messages), [4, 10_996]);
  assert.throws(() => splitSpec({ ...spec, partitions: 1 }, 2, [110]), /at least 2 partitions/);
});

function outcome(over: Partial<ScenarioOutcome>): ScenarioOutcome {
  return { ok: true, messages: 0, bytes: 0, elapsedNs: 0, startUs: 0, endUs: 0, config: {}, notes: [], ...over };
}

test('combined consumer shares: each read the whole warm-up topic, so the combined warm-up count is the least a measuring share read', () => {
  const parts = [outcome({ messages: 60, consumed: 60, warmupConsumed: 10 }), outcome({ messages: 40, consumed: 40, warmupConsumed: 10 }), outcome({ messages: 0, consumed: 0, warmupConsumed: 0 })];
  assert.equal(combineOutcomes(parts, 'threads').warmupConsumed, 10);
  assert.equal(combineOutcomes([parts[0] as ScenarioOutcome, outcome({ messages: 40, consumed: 40, warmupConsumed: 9 })], 'processes').warmupConsumed, 9, 'a share that skipped part of its warm-up shows');
});

test('combined outcomes: counts add, time spans the union, checksums add mod 2^64', () => {
  const a = new Checksum();
  const b = new Checksum();
  const all = new Checksum();
  for (let i = 0; i < 20; i++) {
    const p = makePayload(100, i);
    (i % 2 ? a : b).add(p);
    all.add(p);
  }
  const h1 = newHistogram();
  h1.recordValue(10);
  const h2 = newHistogram();
  h2.recordValue(1000);
  const parts = [
    outcome({ messages: 10, bytes: 1000, startUs: 100, endUs: 300, delivered: 10, failed: 0, checksum: a.hex(), cpuUserUs: 50, cpuSysUs: 5, rssPeakBytes: 10, latencyHistogram: encodeHistogram(h1), errors: { X: 1 } }),
    outcome({ messages: 5, bytes: 500, startUs: 200, endUs: 500, delivered: 5, failed: 1, checksum: b.hex(), cpuUserUs: 70, cpuSysUs: 3, rssPeakBytes: 20, latencyHistogram: encodeHistogram(h2), errors: { X: 2 } }),
  ];
  const threads = combineOutcomes(parts, 'threads');
  assert.equal(threads.messages, 15);
  assert.equal(threads.elapsedNs, 400_000);
  assert.equal(threads.checksum, all.hex());
  assert.equal(threads.delivered, 15);
  assert.equal(threads.failed, 1);
  assert.deepEqual(threads.errors, { X: 3 });
  assert.equal(threads.cpuUserUs, 70, 'threads share a process: CPU is not summed');
  assert.equal(decodeHistogram(threads.latencyHistogram as string).totalCount, 2);
  const procs = combineOutcomes(parts, 'processes');
  assert.equal(procs.cpuUserUs, 120);
  assert.equal(procs.rssPeakBytes, 30);
  const withFailure = combineOutcomes([parts[0] as ScenarioOutcome, outcome({ ok: false, error: 'boom' })], 'processes');
  assert.equal(withFailure.ok, false);
  assert.match(withFailure.error ?? '', /part 2: boom/);
});

test('addChecksums wraps at 2^64', () => {
  assert.equal(addChecksums(['ffffffffffffffff', '0000000000000002']), '0000000000000001');
});

test('a part that measured nothing (empty partitions, or only warm-up) does not stretch the measured interval', () => {
  const busy = outcome({ messages: 100, bytes: 10_000, startUs: 5_000, endUs: 6_000, consumed: 100, checksum: '0000000000000001' });
  const empty = outcome({ messages: 0, startUs: 1_000, endUs: 9_000, consumed: 0, checksum: '0000000000000000' });
  const c = combineOutcomes([busy, empty], 'processes');
  assert.equal(c.messages, 100);
  assert.equal(c.startUs, 5_000);
  assert.equal(c.endUs, 6_000);
  assert.equal(c.elapsedNs, 1_000_000);
  assert.equal(c.consumed, 100);
  // Nothing measured anywhere: the union of all parts, as before.
  const none = combineOutcomes([outcome({ startUs: 10, endUs: 20 }), outcome({ startUs: 5, endUs: 30 })], 'threads');
  assert.equal(none.startUs, 5);
  assert.equal(none.endUs, 30);
});
