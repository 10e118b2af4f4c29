import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScenarioOutcome } from '../../src/scenarios/types.js';
import { verifyOutcome } from '../../src/verify/verify.js';
import { expectedChecksum } from '../../src/verify/payload.js';

const ok = (over: Partial<ScenarioOutcome>): ScenarioOutcome => ({ ok: true, messages: 100, bytes: 10_000, elapsedNs: 1, startUs: 0, endUs: 1, config: {}, notes: [], ...over });

test('a producer arm verifies only with every message delivered and in the topic', () => {
  const e = { scenario: 'producer-async' as const, messages: 100, warmup: 10, messageSize: 100, topicMessages: 110 };
  assert.equal(verifyOutcome(ok({ delivered: 100, failed: 0 }), e).verified, true);
  const short = verifyOutcome(ok({ delivered: 99, failed: 1, errors: { ERR__MSG_TIMED_OUT: 1 } }), e);
  assert.equal(short.verified, false);
  assert.match(short.failures.join(' '), /delivered == 100: got 99/);
  assert.match(short.failures.join(' '), /ERR__MSG_TIMED_OUT/);
  assert.equal(verifyOutcome(ok({ delivered: 100, failed: 0 }), { ...e, topicMessages: 109 }).verified, false, 'a client claiming deliveries the topic does not hold fails');
  assert.equal(verifyOutcome(ok({ delivered: 100, failed: 0 }), { ...e, topicMessages: undefined }).verified, false);
  const nothingMeasured = verifyOutcome(ok({ messages: 0, delivered: 100, failed: 0 }), e);
  assert.equal(nothingMeasured.verified, false, 'an arm that measured nothing is not valid');
  assert.match(nothingMeasured.failures.join(' '), /measured 100 messages: got 0/);
});

test('a consumer arm verifies only with the exact count, bytes and checksum', () => {
  const sum = expectedChecksum(100, 0, 110);
  const e = { scenario: 'consumer' as const, messages: 100, warmup: 10, messageSize: 100, checksum: sum.hex };
  assert.equal(verifyOutcome(ok({ consumed: 110, consumedBytes: 11_000, checksum: sum.hex }), e).verified, true);
  const wrong = verifyOutcome(ok({ consumed: 110, consumedBytes: 11_000, checksum: '0000000000000000' }), e);
  assert.equal(wrong.verified, false);
  assert.match(wrong.failures[0] ?? '', /checksum/);
  assert.equal(verifyOutcome(ok({ consumed: 109, consumedBytes: 10_900, checksum: sum.hex }), e).verified, false);
  assert.equal(verifyOutcome(ok({ consumed: 110, consumedBytes: 11_000 }), e).verified, false, 'a missing checksum is a failure');
  const noSum = verifyOutcome(ok({ consumed: 110, consumedBytes: 11_000, checksumUnavailable: 'tool cannot' }), e);
  assert.equal(noSum.verified, true);
  assert.match(noSum.checks.join(' '), /tool cannot/);
});

test('an e2e arm needs every sequence number exactly once; a failed arm never verifies', () => {
  const e = { scenario: 'e2e-latency' as const, messages: 100, warmup: 10, messageSize: 100 };
  assert.equal(verifyOutcome(ok({ delivered: 100, failed: 0, consumed: 110, lost: 0, duplicated: 0 }), e).verified, true);
  assert.equal(verifyOutcome(ok({ delivered: 100, failed: 0, consumed: 109, lost: 1, duplicated: 0 }), e).verified, false);
  assert.equal(verifyOutcome(ok({ delivered: 100, failed: 0, consumed: 110, lost: 0, duplicated: 2 }), e).verified, false);
  const failed = verifyOutcome({ ...ok({}), ok: false, error: 'boom' }, e);
  assert.equal(failed.verified, false);
  assert.match(failed.failures[0] ?? '', /boom/);
});
