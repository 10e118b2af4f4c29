import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_E2E_RATE, TIMED_MESSAGE_CAP, planArms, type RunSpec } from '../../src/plan/plan.js';

function spec(over: Partial<RunSpec> = {}): RunSpec {
  return {
    drivers: ['a', 'b', 'c'], scenarios: ['producer-async', 'producer-sync'], sizes: [10, 100], messages: 1000, syncMessages: 50, e2eMessages: 100,
    repeat: 2, partitions: 1, replication: 1, workers: 1, lingerExplicit: false, extraConfig: {}, timeoutMs: 1000, brokerWarmup: { messages: 0, maxRounds: 1, tolerance: 0.05 }, baseline: 'a', nodes: 1, options: {},
    payload: { kind: 'random' }, cpus: 'none', brokerStorage: 'disk', aa: false,
    settings: { acks: 'all', compression: 'none', lingerMs: 5, batchSize: 1_000_000, sendBatch: 1000, idempotence: false, rate: 0 },
    ...over,
  };
}

test('arms interleave repetitions across drivers, the driver order rotated per repetition (A B C, B C A, …)', () => {
  const arms = planArms(spec());
  assert.equal(arms.length, 3 * 2 * 2 * 2);
  assert.deepEqual(arms.slice(0, 6).map((a) => a.driver), ['a', 'b', 'c', 'a', 'b', 'c']);
  assert.deepEqual(arms.slice(12, 18).map((a) => a.driver), ['b', 'c', 'a', 'b', 'c', 'a'], 'repetition 2 starts with the second driver');
  const third = planArms(spec({ repeat: 3 })).filter((a) => a.repetition === 3).slice(0, 3).map((a) => a.driver);
  assert.deepEqual(third, ['c', 'a', 'b']);
  assert.deepEqual(arms.slice(0, 3).map((a) => [a.scenario, a.messageSize, a.repetition]), [['producer-async', 10, 1], ['producer-async', 10, 1], ['producer-async', 10, 1]]);
  const firstRep2 = arms.findIndex((a) => a.repetition === 2);
  assert.equal(firstRep2, 12, 'every arm of repetition 1 comes before any of repetition 2');
  assert.deepEqual(arms.map((a) => a.index), arms.map((_, i) => i));
});

test('per-scenario message counts, warm-up and settings', () => {
  const arms = planArms(spec());
  const sync = arms.find((a) => a.scenario === 'producer-sync');
  const asyncArm = arms.find((a) => a.scenario === 'producer-async');
  assert.equal(sync?.messages, 50);
  assert.equal(sync?.warmup, 5);
  assert.equal(sync?.settings.lingerMs, 0, 'sync producer does not linger unless asked');
  assert.equal(sync?.settings.sendBatch, 1);
  assert.equal(asyncArm?.messages, 1000);
  assert.equal(asyncArm?.warmup, 100);
  assert.equal(asyncArm?.settings.lingerMs, 5);
  const explicit = planArms(spec({ lingerExplicit: true, warmup: 7 }));
  assert.equal(explicit.find((a) => a.scenario === 'producer-sync')?.settings.lingerMs, 5);
  assert.ok(explicit.every((a) => a.warmup === 7));
});

test('--aa plans twice the repetitions, alternately in group A and B, each driver equally often first', () => {
  const arms = planArms(spec({ aa: true, repeat: 3 }));
  assert.equal(arms.length, 3 * 2 * 2 * 6);
  for (const a of arms) assert.equal(a.aaGroup, a.repetition % 2 === 1 ? 'A' : 'B');
  const key = (g: 'A' | 'B') => arms.filter((a) => a.aaGroup === g && a.driver === 'b' && a.scenario === 'producer-async' && a.messageSize === 10).length;
  assert.equal(key('A'), 3);
  assert.equal(key('B'), 3);
  assert.equal(planArms(spec()).some((a) => a.aaGroup !== undefined), false, 'no groups without --aa');
});

test('timed arms: at a rate rate × duration messages (e2e at its default rate), unpaced producers send for the duration up to a cap, consumers keep their count', () => {
  const base = spec({ drivers: ['a'], sizes: [100], repeat: 1, durationMs: 10_000 });
  const arms = planArms({ ...base, scenarios: ['producer-async', 'producer-sync', 'consumer', 'e2e-latency'] });
  const by = (s: string) => arms.find((a) => a.scenario === s);
  assert.equal(by('e2e-latency')?.messages, DEFAULT_E2E_RATE * 10);
  assert.equal(by('e2e-latency')?.settings.rate, DEFAULT_E2E_RATE);
  assert.equal(by('e2e-latency')?.durationMs, undefined, 'a paced arm keeps its schedule, not a clock');
  assert.equal(by('producer-async')?.durationMs, 10_000);
  assert.equal(by('producer-async')?.messages, TIMED_MESSAGE_CAP);
  assert.equal(by('consumer')?.messages, base.messages);
  assert.equal(by('consumer')?.durationMs, undefined);
  const paced = planArms({ ...base, scenarios: ['producer-async', 'consumer'], settings: { ...base.settings, rate: 3000 }, warmupDurationMs: 2000 });
  assert.equal(paced[0]?.messages, 30_000);
  assert.equal(paced[0]?.warmup, 6000);
  assert.equal(paced[0]?.durationMs, undefined);
  assert.equal(paced[1]?.messages, 30_000, 'the consumer reads what the rate fills in the duration');
  assert.equal(paced[1]?.settings.rate, 0, 'a consumer is never paced');
});
