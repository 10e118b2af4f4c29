// Where SASL credentials come from: the environment or a secrets file, never an option; errors name
// the file, never its content.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { buildRunSpec } from '../../src/cli/run.js';
import { parseSecretsText, readSecretsFile, resolveCredentials } from '../../src/cli/secrets.js';
import { UsageError } from '../../src/util/errors.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-secrets-unit-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string, mode = 0o600): string {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, text, { mode });
  fs.chmodSync(f, mode);
  return f;
}

test('secrets files: JSON (flat, under "sasl", or kbench broker credentials) and key=value', () => {
  assert.deepEqual(parseSecretsText('{"username":"u","password":"p"}', 'f'), { username: 'u', password: 'p' });
  assert.deepEqual(parseSecretsText('{"sasl":{"username":"u","password":"p"}}', 'f'), { username: 'u', password: 'p' });
  assert.deepEqual(parseSecretsText('{"format":"kbench.broker-credentials/1","username":"kbench","password":"p=1","bootstrap":"x"}', 'f'), { username: 'kbench', password: 'p=1' });
  assert.deepEqual(parseSecretsText('# comment\nsasl.username=u\nsasl.password = a=b:c \n', 'f'), { username: 'u', password: 'a=b:c' });
  assert.deepEqual(parseSecretsText('password=only', 'f'), { password: 'only' });
});

test('a bad secrets file is a UsageError naming the file, never quoting it', () => {
  const cases: [string, RegExp][] = [
    ['{"password": "hunter2-json",', /not valid JSON/],
    ['{"username": "u"}', /no password/],
    ['hunter2-line', /line 1 is not key=value/],
    ['{"password": 5}', /'password' must be a non-empty string/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseSecretsText(text, '/x/secrets'), (e: unknown) => e instanceof UsageError && re.test(e.message) && e.message.includes('/x/secrets') && !e.message.includes('hunter2'));
  }
  assert.throws(() => readSecretsFile(path.join(tmp, 'missing')), /cannot read it \(ENOENT\)/);
});

test('a secrets file others can read gets a warning', () => {
  assert.deepEqual(readSecretsFile(file('ok.json', '{"password":"p"}')).warnings, []);
  assert.match(readSecretsFile(file('open.json', '{"password":"p"}', 0o644)).warnings[0] ?? '', /can be read by other users \(mode 0644\); chmod 600/);
});

test('precedence: --sasl-username, then the file, then the environment; the file before KBENCH_SASL_PASSWORD', () => {
  const f = file('c.json', '{"username":"file-user","password":"file-pw"}');
  const env = { KBENCH_SASL_USERNAME: 'env-user', KBENCH_SASL_PASSWORD: 'env-pw' };
  assert.deepEqual(resolveCredentials({ env }), { username: 'env-user', password: 'env-pw', passwordSource: 'KBENCH_SASL_PASSWORD', warnings: [] });
  assert.equal(resolveCredentials({ env, secretsFile: f }).password, 'file-pw');
  assert.equal(resolveCredentials({ env, secretsFile: f }).username, 'file-user');
  assert.equal(resolveCredentials({ env, secretsFile: f, username: 'opt' }).username, 'opt');
  assert.deepEqual(resolveCredentials({ env: {} }), { warnings: [] });
});

test('kbench run: SASL and TLS options become the connection (external) or the embedded broker’s security', () => {
  const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', 0o644);
  const env = { KBENCH_SASL_PASSWORD: 'env-pw' };
  const ext = buildRunSpec({ brokers: 'h:9093', saslMechanism: 'PLAIN', saslUsername: 'alice', tlsCa: ca }, env).spec;
  assert.deepEqual(ext.connection, { brokers: ['h:9093'], sasl: { mechanism: 'plain', username: 'alice', password: 'env-pw' }, ssl: { ca } });
  assert.equal(JSON.stringify(ext.options).includes('env-pw'), false, 'the password is not among the recorded options');
  assert.deepEqual(buildRunSpec({ brokers: 'h:9093', tls: true }, {}).spec.connection, { brokers: ['h:9093'], ssl: true });
  const emb = buildRunSpec({ sasl: true, tls: true }, {}).spec;
  assert.deepEqual(emb.embeddedSecurity, { tls: true, sasl: { mechanism: 'scram-sha-512' } }, 'the embedded broker generates the password');
  assert.deepEqual(buildRunSpec({ sasl: true }, env).spec.embeddedSecurity, { tls: false, sasl: { mechanism: 'scram-sha-512', password: 'env-pw' } });
  assert.equal(buildRunSpec({}, env).spec.embeddedSecurity, undefined);
});

test('kbench run: missing or misplaced security options are UsageErrors, and secrets are never taken as options', () => {
  const ca = file('notpem.txt', 'hello');
  const cases: [Parameters<typeof buildRunSpec>[0], NodeJS.ProcessEnv, RegExp][] = [
    [{ brokers: 'h:1', sasl: true, saslUsername: 'u' }, {}, /no password; set KBENCH_SASL_PASSWORD or pass --secrets-file/],
    [{ brokers: 'h:1', sasl: true }, { KBENCH_SASL_PASSWORD: 'x' }, /no username; pass --sasl-username, set KBENCH_SASL_USERNAME/],
    [{ brokers: 'h:1', saslMechanism: 'gssapi' }, {}, /--sasl-mechanism must be one of plain, scram-sha-256, scram-sha-512/],
    [{ saslUsername: 'u' }, {}, /need --sasl/],
    [{ brokers: 'h:1', tlsCa: ca }, {}, /--tls-ca .*no PEM certificate/],
    [{ brokers: 'h:1', tlsCa: path.join(tmp, 'nope.pem') }, {}, /--tls-ca .*cannot read it \(ENOENT\)/],
    [{ tlsCa: file('ca2.pem', '-----BEGIN CERTIFICATE-----\n') }, {}, /--tls-ca is for --brokers/],
    [{ clientConfig: { 'sasl.password': 'hunter2' } }, {}, /--client-config sasl.password: secrets are not taken on the command line/],
    [{ clientConfig: { 'sasl.jaas.config': 'x' } }, {}, /--client-config sasl.jaas.config/],
    // The one rule (util/redact isSecretKey): keys the results redacted are refused here too, and .pem still is.
    [{ clientConfig: { 'ssl.key.pem': 'x' } }, {}, /--client-config ssl.key.pem: secrets are not taken/],
    [{ clientConfig: { 'sasl.oauthbearer.client.credentials': 'x', 'linger.ms': '5' } }, {}, /--client-config sasl.oauthbearer.client.credentials: secrets/],
    [{ clientConfig: { 'private.key': 'x' } }, {}, /--client-config private.key: secrets/],
    [{ sasl: true }, { KBENCH_SASL_PASSWORD: 'has space' }, /KBENCH_SASL_PASSWORD: the password for the embedded broker must be/],
  ];
  for (const [o, env, re] of cases) {
    assert.throws(() => buildRunSpec(o, env), (e: unknown) => e instanceof UsageError && re.test(e.message) && !e.message.includes('hunter2') && !e.message.includes('has space'), JSON.stringify(o));
  }
});
