// --duration / --warmup-duration: parsing, and the run spec they give.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from '../../src/cli/parse.js';
import { buildRunSpec } from '../../src/cli/run.js';
import { UsageError } from '../../src/util/errors.js';

test('durations: 30s, 2m, 500ms, 1.5h, bare seconds; anything else names the option', () => {
  assert.equal(parseDuration('30s', '--duration'), 30_000);
  assert.equal(parseDuration('2m', '--duration'), 120_000);
  assert.equal(parseDuration('500ms', '--duration'), 500);
  assert.equal(parseDuration('1.5h', '--duration'), 5_400_000);
  assert.equal(parseDuration('20', '--duration'), 20_000);
  for (const bad of ['', '0s', '-1s', 'soon', '3 days', '25h']) assert.throws(() => parseDuration(bad, '--duration'), (e: unknown) => e instanceof UsageError && /--duration/.test(e.message), bad);
});

test('--duration and --warmup-duration reach the spec; an unpaced warm-up duration, or both warm-ups, are UsageErrors', () => {
  const { spec } = buildRunSpec({ scenarios: 'e2e-latency', rate: '20000', duration: '20s', warmupDuration: '5s' }, {});
  assert.equal(spec.durationMs, 20_000);
  assert.equal(spec.warmupDurationMs, 5000);
  assert.equal(spec.settings.rate, 20_000);
  assert.throws(() => buildRunSpec({ scenarios: 'producer-async', warmupDuration: '5s' }, {}), /--warmup-duration needs --rate for producer-async/);
  assert.throws(() => buildRunSpec({ scenarios: 'e2e-latency', warmup: '10', warmupDuration: '5s' }, {}), /--warmup and --warmup-duration exclude each other/);
  assert.throws(() => buildRunSpec({ duration: 'forever' }, {}), /--duration must be a duration/);
});
