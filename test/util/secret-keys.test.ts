// One rule for what counts as a secret key (src/util/redact.ts isSecretKey), used by the runner's
// redact(), the views' redactConfig / redactDeep and --client-config's refusal. It is the union of
// the three patterns those used to keep apart: every key any of them redacted or refused still is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REDACTED, isSecretKey, redact } from '../../src/util/redact.js';
import { isSecretKey as viewIsSecretKey, redactConfig, redactDeep } from '../../src/report/format.js';
import { secretClientConfigKeys } from '../../src/cli/secrets.js';

// The three former patterns, as they were, to show that nothing they matched is let through now.
const FORMER = {
  'util/redact.ts (results)': /pass(word)?|secret|token|jaas|ssl\.key|private|api[._-]?key|credential/i,
  'report/format.ts (views)': /password|secret|token|sasl\.jaas|ssl\.key|api[._-]?key/i,
  'cli/secrets.ts (--client-config)': /password|secret|jaas|token|\.pem$/i,
};

/** Keys each former pattern matched (some by one pattern only), in the spellings clients use. */
const SECRET_KEYS = [
  // results pattern
  'sasl.password', 'ssl.key.password', 'ssl.keystore.password', 'ssl.key.location', 'ssl.key.pem', 'pass', 'sasl_pass', 'private.key', 'ssl.private.key',
  'sasl.jaas.config', 'jaas', 'api.key', 'apiKey', 'api-key', 'api_key', 'API_KEY', 'credentials', 'sasl.oauthbearer.client.credentials', 'token', 'sasl.oauthbearer.token',
  'client.secret', 'sasl.oauthbearer.client.secret', 'PASSWORD', 'SSL.KEY.PASSWORD',
  // views pattern
  'password', 'sasl.jaas', 'secret',
  // command-line pattern: .pem at the end
  'ssl.certificate.pem', 'ssl.ca.pem', 'client.pem', 'KEY.PEM',
];
const PLAIN_KEYS = ['linger.ms', 'acks', 'bootstrap.servers', 'sasl.username', 'sasl.mechanisms', 'security.protocol', 'client.id', 'compression.codec', 'batch.size', 'ssl.ca.location', 'pemfile.dir', 'username'];

test('every key any former pattern matched is a secret key now; the view and the command line use the same rule', () => {
  for (const [where, re] of Object.entries(FORMER))
    for (const k of [...SECRET_KEYS, ...PLAIN_KEYS]) if (re.test(k)) assert.equal(isSecretKey(k), true, `${k} (matched by ${where})`);
  for (const k of SECRET_KEYS) {
    assert.ok(Object.values(FORMER).some((re) => re.test(k)), `${k} is in the list because a former pattern matched it`);
    assert.equal(isSecretKey(k), true, k);
  }
  for (const k of PLAIN_KEYS) {
    assert.equal(isSecretKey(k), false, k);
    assert.ok(!Object.values(FORMER).some((re) => re.test(k)), `${k} was not secret before either`);
  }
  assert.equal(viewIsSecretKey, isSecretKey, 'report/format re-exports the one rule');
});

test('keys only one former pattern matched: each now redacted by results, views and refused on the command line', () => {
  // Only the results pattern: pass, private, credential, jaas without "sasl.", ssl.key.location.
  // Only the command-line pattern: .pem. Only the views pattern: none (it was a subset of the results one).
  const only = ['sasl_pass', 'private.key', 'credentials', 'jaas', 'ssl.key.location', 'ssl.certificate.pem', 'client.pem'];
  const config = Object.fromEntries(only.map((k) => [k, `value-of-${k}`]));
  const viaResults = redact(config);
  const viaViews = redactConfig(config);
  const viaDeep = redactDeep({ nested: config }) as { nested: Record<string, string> };
  for (const k of only) {
    assert.equal(viaResults[k], REDACTED, `results: ${k}`);
    assert.equal(viaViews[k], REDACTED, `views: ${k}`);
    assert.equal(viaDeep.nested[k], REDACTED, `views (deep): ${k}`);
  }
  // A *.location key names a file (mutual TLS's ssl.key.location): redacted in output, but not refused.
  assert.deepEqual(secretClientConfigKeys(config), only.filter((k) => k !== 'ssl.key.location'));
  assert.deepEqual(secretClientConfigKeys({ 'linger.ms': '5', 'socket.nagle.disable': 'true', 'ssl.ca.location': '/ca.pem.d/x' }), []);
});

test('all of SECRET_KEYS are redacted everywhere and refused on the command line; plain keys are not', () => {
  const config = Object.fromEntries([...SECRET_KEYS, ...PLAIN_KEYS].map((k) => [k, `v-${k}`]));
  const out = redactConfig(config);
  const res = redact(config);
  for (const k of SECRET_KEYS) assert.ok(out[k] === REDACTED && res[k] === REDACTED, k);
  for (const k of PLAIN_KEYS) assert.ok(out[k] === `v-${k}` && res[k] === `v-${k}`, k);
  assert.deepEqual(new Set(secretClientConfigKeys(config)), new Set(SECRET_KEYS.filter((k) => !k.endsWith('.location'))));
});
