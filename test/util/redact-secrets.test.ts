import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REDACTED, registerSecret, scrubDeep, scrubKnown } from '../../src/util/redact.js';

test('a document is scrubbed of secrets in every string, keys included', () => {
  const doc = { a: 'x pw-9 y', list: [{ e: 'pw-9' }, 3, null], 'k-pw-9': true, n: 1 };
  const out = scrubDeep(doc, ['pw-9']);
  assert.deepEqual(out, { a: `x ${REDACTED} y`, list: [{ e: REDACTED }, 3, null], [`k-${REDACTED}`]: true, n: 1 });
  assert.equal(scrubDeep(doc, []), doc, 'nothing to scrub: the same object');
});

test('registered secrets are scrubbed from any text of this process', () => {
  assert.equal(scrubKnown('no secret here'), 'no secret here');
  registerSecret('s3cr3t-registered');
  registerSecret(undefined);
  assert.equal(scrubKnown('auth failed for s3cr3t-registered'), `auth failed for ${REDACTED}`);
});
