// The decomposition arithmetic: each component a difference of measured medians.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildResult, summarize } from '../../src/overhead/summary.js';
import type { ArmRun, ArmVariant, OverheadDriver } from '../../src/overhead/types.js';

function run(driver: OverheadDriver, variant: ArmVariant, nsPerMsg: number, gcNsPerMsg = 0): ArmRun {
  return { driver, path: 'produce', variant, messageSize: 100, repetition: 0, messages: 1000, count: 1000, elapsedNs: nsPerMsg * 1000, nsPerMsg, cpuNsPerMsg: nsPerMsg, gcNsPerMsg, waitMs: 0, stalls: 0, librdkafka: '2.12.0' };
}

test('summarize: median, min, max (even and odd counts)', () => {
  assert.deepEqual(summarize([3, 1, 2]), { median: 2, min: 1, max: 3 });
  assert.deepEqual(summarize([4, 1, 2, 3]), { median: 2.5, min: 1, max: 4 });
  assert.ok(Number.isNaN(summarize([]).median));
});

test('buildResult splits ns/msg into librdkafka, crossing, client JS and GC', () => {
  const runs = [run('node-rdkafka', 'api', 1000, 100), run('node-rdkafka', 'api', 1100, 100), run('node-rdkafka', 'api', 900, 100), run('node-rdkafka', 'direct', 700, 50)];
  const r = buildResult({ driver: 'node-rdkafka', path: 'produce', messageSize: 100, messages: 1000, api: 'x', runs, crossings: { jsToNative: 1000, nativeToJs: 0, byFunction: {} }, notes: [] }, 300);
  assert.equal(r.nsPerMsg.median, 1000);
  assert.equal(r.ratioToC, 1000 / 300);
  assert.equal(r.crossingsPerMsg, 1);
  assert.deepEqual(r.breakdown, { librdkafka: 300, crossing: 650 - 300, js: 900 - 650, gc: 100 });
  const b = r.breakdown;
  assert.equal((b.librdkafka) + (b.crossing ?? 0) + (b.js ?? 0) + (b.gc ?? 0), 1000, 'the components add up to the median');
});

test('buildResult: C is all librdkafka; a failed driver keeps its error', () => {
  const c = buildResult({ driver: 'c', path: 'produce', messageSize: 100, messages: 1000, api: 'c', runs: [run('c', 'api', 300)], notes: [] }, 300);
  assert.deepEqual(c.breakdown, { librdkafka: 300 });
  assert.equal(c.crossingsPerMsg, 0);
  const f = buildResult({ driver: 'crab', path: 'produce', messageSize: 100, messages: 1000, api: '', runs: [], error: 'boom', notes: [] }, 300);
  assert.equal(f.error, 'boom');
  assert.equal(f.crossingsPerMsg, null);
});
