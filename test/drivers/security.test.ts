// Security helpers every driver shares, and the librdkafka configuration errors attributed to the
// --client-config key they are about (librdkafka names an alias's target, not the alias).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { commandFor as cCommandFor, secretsFileText as cSecretsFileText } from '../../src/drivers/c.js';
import { commandFor, secretsFileText } from '../../src/drivers/c-perf.js';
import { configError, librdkafkaProducerConfig } from '../../src/drivers/librdkafka-config.js';
import { FULL_SECURITY, nodeTlsOptions, securityLabel, securityNote, securityUnsupportedReason } from '../../src/drivers/security.js';
import type { Connection } from '../../src/results/types.js';
import { contextFor } from '../../src/scenarios/index.js';
import type { ArmSpec } from '../../src/scenarios/types.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-drivers-security-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const scram: Connection = { brokers: ['h:1'], sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'pw-secret' } };

test('labels, notes and the reason a driver cannot connect', () => {
  assert.equal(securityLabel({ brokers: [] }), 'PLAINTEXT');
  assert.equal(securityLabel({ brokers: [], ssl: true }), 'SSL');
  assert.equal(securityLabel({ ...scram, ssl: { ca: '/ca.pem' } }), 'SASL_SSL SCRAM-SHA-512');
  assert.equal(securityNote(FULL_SECURITY), 'security: SASL PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; TLS');
  assert.equal(securityUnsupportedReason({ id: 'x', security: FULL_SECURITY }, { ...scram, ssl: true }), undefined);
  assert.equal(securityUnsupportedReason({ id: 'x' }, scram), undefined, 'undeclared: runs (and fails clearly if it must)');
  assert.equal(
    securityUnsupportedReason({ id: 'old', security: { sasl: ['plain'], tls: true, note: 'client 1.0' } }, scram),
    'old cannot authenticate with SASL SCRAM-SHA-512 (it has PLAIN; client 1.0)',
  );
  assert.equal(securityUnsupportedReason({ id: 'none', security: { sasl: [], tls: false } }, { brokers: [], ssl: true }), 'none cannot connect over TLS');
  assert.match(securityUnsupportedReason({ id: 'none', security: { sasl: [], tls: false } }, scram) ?? '', /it has no SASL at all/);
});

test('Node clients get the CA file as PEM text', () => {
  const ca = path.join(tmp, 'ca.pem');
  fs.writeFileSync(ca, 'PEM');
  assert.deepEqual(nodeTlsOptions({ brokers: [], ssl: { ca } }), { ca: ['PEM'], rejectUnauthorized: true });
  assert.deepEqual(nodeTlsOptions({ brokers: [], ssl: true }), { rejectUnauthorized: true });
  assert.equal(nodeTlsOptions({ brokers: [] }), undefined);
  assert.throws(() => nodeTlsOptions({ brokers: [], ssl: { ca: path.join(tmp, 'missing.pem') } }), /cannot read the TLS CA file .*missing\.pem: ENOENT/);
});

test('librdkafka configuration errors name the --client-config key, aliases included, never the value', () => {
  const extra = { 'linger.ms': 'banana', 'socket.nagle.disable': 'true' };
  assert.equal(configError(new Error('Invalid value for configuration property "queue.buffering.max.ms"'), extra).message, 'invalid --client-config linger.ms: Invalid value for configuration property "queue.buffering.max.ms"');
  assert.equal(configError(new Error("config key 'nonsense.key': No such configuration property: \"nonsense.key\""), { 'nonsense.key': '1' }).message, "invalid --client-config nonsense.key: config key 'nonsense.key': No such configuration property: \"nonsense.key\"");
  assert.equal(configError(new Error('rdkafka_performance exited with code 1: % Invalid value "x" for configuration property "request.required.acks"'), { acks: 'x' }).message.startsWith('invalid --client-config acks: '), true);
  const other = new Error('connect: Local: Broker transport failure');
  assert.equal(configError(other, extra), other, 'not a configuration error: unchanged');
  const kbenchOwn = new Error('Invalid value for configuration property "compression.codec"');
  assert.equal(configError(kbenchOwn, extra), kbenchOwn, 'a setting the user did not give is not blamed on --client-config');
});

function armSpec(over: Partial<ArmSpec> = {}): ArmSpec {
  return {
    protocol: 2, payload: { kind: 'compressible', source: '/dev/null', stride: 0 }, armId: 'a', driver: 'c', scenario: 'producer-async', messageSize: 100, messages: 10, warmup: 0, firstSeq: 0, topic: 't', partitions: 1,
    connection: scram, settings: { acks: 'all', compression: 'none', lingerMs: 5, batchSize: 1000, sendBatch: 10, idempotence: false, rate: 0 },
    extraConfig: {}, timeoutMs: 1000, threads: 1, clientId: 'c', groupId: 'g', resultFile: '/r', ...over,
  };
}

test('c-perf: the SASL credentials go to a file (-X file=), never on the tool’s command line', () => {
  for (const scenario of ['producer-async', 'consumer'] as const) {
    const spec = armSpec({ scenario, driver: 'c-perf' });
    const { args, config } = commandFor(spec, contextFor(spec), '/bin/rdkafka_performance', '/arm/sasl.properties');
    assert.equal(args.join(' ').includes('pw-secret'), false);
    assert.equal(args.join(' ').includes('sasl.username'), false);
    assert.ok(args.includes('file=/arm/sasl.properties'));
    assert.ok(args.includes('security.protocol=sasl_plaintext') && args.includes('sasl.mechanisms=SCRAM-SHA-512'));
    assert.equal(secretsFileText(config), 'sasl.username=u\nsasl.password=pw-secret\n');
  }
  const plain = armSpec({ connection: { brokers: ['h:1'] } });
  assert.equal(commandFor(plain, contextFor(plain), '/t', '/f').args.some((a) => a.startsWith('file=')), false);
  assert.equal(secretsFileText(librdkafkaProducerConfig(contextFor(plain))), undefined);
});

test('c: the SASL credentials (and other secret settings) go to a file in the arm directory (-X file=), never on the command line', () => {
  for (const scenario of ['producer-async', 'producer-sync', 'consumer'] as const) {
    const spec = armSpec({ scenario, warmup: 0, extraConfig: { 'ssl.key.password': 'key-secret' } });
    const { args, config } = cCommandFor(spec, contextFor(spec), '/bin/kbench-arm', '/arm');
    const line = args.join(' ');
    for (const hidden of ['pw-secret', 'key-secret', 'sasl.username', 'sasl.password', 'ssl.key.password']) assert.equal(line.includes(hidden), false, `${scenario}: ${hidden}`);
    assert.ok(args.includes('file=/arm/sasl.properties'));
    assert.ok(args.includes('security.protocol=sasl_plaintext') && args.includes('sasl.mechanisms=SCRAM-SHA-512'));
    assert.ok(args.includes('bootstrap.servers=h:1'), 'the bootstrap servers are a -X setting too');
    assert.equal(cSecretsFileText(config), 'sasl.username=u\nsasl.password=pw-secret\nssl.key.password=key-secret\n');
  }
  const plain = armSpec({ connection: { brokers: ['h:1'] } });
  assert.equal(cCommandFor(plain, contextFor(plain), '/t', '/arm').args.some((a) => a.startsWith('file=')), false);
  assert.equal(cSecretsFileText(librdkafkaProducerConfig(contextFor(plain))), undefined);
  assert.throws(() => cSecretsFileText({ 'sasl.password': 'a\nb' }), /cannot contain line breaks/);
});
