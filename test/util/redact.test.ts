import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REDACTED, redact, scrub } from '../../src/util/redact.js';

test('secret-looking keys are redacted at any depth; others are kept', () => {
  const r = redact({ 'sasl.password': 'hunter2', 'ssl.key.password': 'k', nested: { sasl: { username: 'u', password: 'p' } }, list: [{ apiKey: 'x' }], 'linger.ms': 5 });
  assert.equal(r['sasl.password'], REDACTED);
  assert.equal(r['ssl.key.password'], REDACTED);
  assert.equal(r.nested.sasl.password, REDACTED);
  assert.equal(r.nested.sasl.username, 'u');
  assert.equal(r.list[0]?.apiKey, REDACTED);
  assert.equal(r['linger.ms'], 5);
  assert.ok(!JSON.stringify(r).includes('hunter2'));
});

test('free text is scrubbed of known secrets', () => {
  assert.equal(scrub('auth failed for s3cr3t@host (s3cr3t)', ['s3cr3t']), `auth failed for ${REDACTED}@host (${REDACTED})`);
  assert.equal(scrub('nothing', ['']), 'nothing');
});
