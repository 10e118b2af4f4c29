import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScenarioOutcome } from '../../src/scenarios/types.js';
import { verifyOutcome } from '../../src/verify/verify.js';
import { expectedChecksum } from '../../src/verify/payload.js';

const ok = (over: Partial<ScenarioOutcome>): ScenarioOutcome => ({ ok: true, messages: 100, bytes: 10_000, elapsedNs: 1, startUs: 0, endUs: 1, config: {}, notes: [], ...over });

test('a producer arm verifies only with every message delivered, in the topic, and read back with the checksum of what it was told to send', () => {
  const sum = expectedChecksum(100, 0, 110).hex;
  const readBack = { consumed: 110, bytes: 11_000, checksum: sum };
  const e = { scenario: 'producer-async' as const, messages: 100, warmup: 10, messageSize: 100, topicMessages: 110, readBack, readBackChecksum: sum };
  const good = verifyOutcome(ok({ delivered: 100, failed: 0 }), e);
  assert.equal(good.verified, true);
  assert.equal(good.method, 'read-back');
  const short = verifyOutcome(ok({ delivered: 99, failed: 1, errors: { ERR__MSG_TIMED_OUT: 1 } }), e);
  assert.equal(short.verified, false);
  assert.match(short.failures.join(' '), /delivered == 100: got 99/);
  assert.match(short.failures.join(' '), /ERR__MSG_TIMED_OUT/);
  assert.equal(verifyOutcome(ok({ delivered: 100, failed: 0 }), { ...e, topicMessages: 109 }).verified, false, 'a client claiming deliveries the topic does not hold fails');
  assert.equal(verifyOutcome(ok({ delivered: 100, failed: 0 }), { ...e, topicMessages: undefined }).verified, false);
  const nothingMeasured = verifyOutcome(ok({ messages: 0, delivered: 100, failed: 0 }), e);
  assert.equal(nothingMeasured.verified, false, 'an arm that measured nothing is not valid');
  assert.match(nothingMeasured.failures.join(' '), /measured 100 messages: got 0/);
  // Read-back: other bytes than the payloads asked for, or fewer of them, or no read-back at all, fail.
  const corrupt = verifyOutcome(ok({ delivered: 100, failed: 0 }), { ...e, readBack: { ...readBack, checksum: '0000000000000000' } });
  assert.equal(corrupt.verified, false);
  assert.match(corrupt.failures.join(' '), /read-back checksum/);
  assert.equal(verifyOutcome(ok({ delivered: 100, failed: 0 }), { ...e, readBack: { ...readBack, consumed: 109, bytes: 10_900 } }).verified, false);
  assert.match(verifyOutcome(ok({ delivered: 100, failed: 0 }), { ...e, readBack: undefined }).failures.join(' '), /not read back/);
  assert.match(verifyOutcome(ok({ delivered: 100, failed: 0 }), { ...e, readBack: { ...readBack, error: 'timed out' } }).failures.join(' '), /timed out/);
  // A program that sends payloads of its own is checked by count only, and says so.
  const own = verifyOutcome(ok({ delivered: 100, failed: 0 }), { ...e, readBackChecksum: undefined, readBack: { consumed: 110, bytes: 11_000, checksum: 'ffffffffffffffff' }, ownPayloads: 'constant payload' });
  assert.equal(own.verified, true);
  assert.equal(own.method, 'count-only');
  assert.match(own.checks.join(' '), /constant payload/);
});

test('a consumer arm verifies only with the exact count, bytes and checksum of the measured topic, after its warm-up', () => {
  const sum = expectedChecksum(100, 0, 100);
  const e = { scenario: 'consumer' as const, messages: 100, warmup: 10, messageSize: 100, checksum: sum.hex };
  const good = verifyOutcome(ok({ consumed: 100, consumedBytes: 10_000, checksum: sum.hex, warmupConsumed: 10 }), e);
  assert.equal(good.verified, true);
  assert.equal(good.method, 'checksum');
  const wrong = verifyOutcome(ok({ consumed: 100, consumedBytes: 10_000, checksum: '0000000000000000', warmupConsumed: 10 }), e);
  assert.equal(wrong.verified, false);
  assert.match(wrong.failures[0] ?? '', /checksum/);
  assert.equal(verifyOutcome(ok({ consumed: 99, consumedBytes: 9_900, checksum: sum.hex, warmupConsumed: 10 }), e).verified, false);
  assert.equal(verifyOutcome(ok({ consumed: 100, consumedBytes: 10_000, checksum: sum.hex, warmupConsumed: 9 }), e).verified, false, 'the warm-up topic must be read to its end first');
  assert.equal(verifyOutcome(ok({ consumed: 100, consumedBytes: 10_000, warmupConsumed: 10 }), e).verified, false, 'a missing checksum is a failure');
  const noSum = verifyOutcome(ok({ consumed: 100, consumedBytes: 10_000, checksumUnavailable: 'tool cannot' }), { ...e, warmup: 0 });
  assert.equal(noSum.verified, true);
  assert.equal(noSum.method, 'count-only');
  assert.match(noSum.checks.join(' '), /tool cannot/);
});

test('an e2e arm needs every sequence number exactly once; a failed arm never verifies', () => {
  const e = { scenario: 'e2e-latency' as const, messages: 100, warmup: 10, messageSize: 100 };
  const good = verifyOutcome(ok({ delivered: 100, failed: 0, consumed: 110, lost: 0, duplicated: 0 }), e);
  assert.equal(good.verified, true);
  assert.equal(good.method, 'sequence');
  assert.equal(verifyOutcome(ok({ delivered: 100, failed: 0, consumed: 109, lost: 1, duplicated: 0 }), e).verified, false);
  assert.equal(verifyOutcome(ok({ delivered: 100, failed: 0, consumed: 110, lost: 0, duplicated: 2 }), e).verified, false);
  const failed = verifyOutcome({ ...ok({}), ok: false, error: 'boom' }, e);
  assert.equal(failed.verified, false);
  assert.match(failed.failures[0] ?? '', /boom/);
});
