// Latency objectives: what --slo takes, what it refuses (naming the option), and how a latency is judged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSlo, fmtLatencyUs, parseSlo } from '../../src/sweep/slo.js';
import { UsageError } from '../../src/util/errors.js';
import { latency } from './helpers.js';

test('parseSlo: percentiles and units', () => {
  const s = parseSlo('p99<20ms');
  assert.equal(s.basis, 'corrected');
  assert.deepEqual(s.terms, [{ percentile: 'p99', label: 'p99', limitUs: 20_000, text: 'p99<20ms' }]);
  assert.equal(s.text, 'p99<20ms');
  const many = parseSlo('p50 < 500us, p99.9<0.1s,p99.99<250ms,p90<2ms');
  assert.deepEqual(many.terms.map((t) => [t.percentile, t.limitUs]), [['p50', 500], ['p999', 100_000], ['p9999', 250_000], ['p90', 2000]]);
  assert.equal(many.text, 'p50<500us,p99.9<0.1s,p99.99<250ms,p90<2ms');
  assert.equal(parseSlo('p99<1.5MS').terms[0]?.limitUs, 1500);
  assert.equal(parseSlo('p999<30ms').terms[0]?.percentile, 'p999');
});

test('parseSlo: bad objectives are UsageErrors naming --slo', () => {
  for (const [value, why] of [
    ['p99<abc', /limit must be a number/],
    ['p99<20', /with a unit/],
    ['p97<20ms', /unknown percentile 'p97'/],
    ['p99>20ms', /not an objective/],
    ['99<20ms', /not an objective/],
    ['', /needs an objective/],
    ['p99<0ms', /at least 1 µs/],
    ['p99<20ms,p99<30ms', /given twice/],
  ] as const) {
    assert.throws(() => parseSlo(value), (e: unknown) => e instanceof UsageError && /^--slo/.test(e.message) && why.test(e.message), value);
  }
});

test('checkSlo: met, missed with the figure, weak when the sample count does not support the percentile', () => {
  const slo = parseSlo('p99<20ms');
  assert.deepEqual(checkSlo(latency(1000, 10_000), slo), { met: true, failures: [], weak: [] });
  const missed = checkSlo(latency(1000, 31_200), slo);
  assert.equal(missed.met, false);
  assert.match(missed.failures[0] ?? '', /^p99 31\.2 ms > 20 ms$/);
  const few = checkSlo(latency(1000, 10_000, 500), slo);
  assert.equal(few.met, true);
  assert.match(few.weak[0] ?? '', /p99 from only 500 samples/);
  assert.deepEqual(checkSlo(undefined, slo).failures, ['no latency measured']);
});

test('fmtLatencyUs', () => {
  assert.equal(fmtLatencyUs(850), '850 µs');
  assert.equal(fmtLatencyUs(20_000), '20 ms');
  assert.equal(fmtLatencyUs(1_090_000), '1.09 s');
});
