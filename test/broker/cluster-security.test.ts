// The embedded broker with SASL and TLS against real JVMs: every listener and mechanism accepts the
// user, wrong credentials are refused, hostname verification passes with the broker's CA, and the
// password never shows in a process's arguments or a file other than the (0600) broker settings.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import kafkajs from 'kafkajs';
import { createTopic, describeCluster, kafkajsClient, startBroker, type BrokerHandle, type KafkaConnection } from '../../src/broker/index.js';
import { UsageError } from '../../src/util/errors.js';
import { withBroker } from '../helpers/broker.js';
import { filesContaining, processesWithSecretInArgs } from '../helpers/secrets.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-cluster-security-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Every character the embedded broker accepts in a password, so each escaping layer is exercised. */
const PASSWORD = 'Sec.9_-~!#$%&()*+/:;<>?@^{|}-r3t';
const quick = { retries: 0, connectionTimeoutMs: 3000, requestTimeoutMs: 10_000 };

function withPassword(conn: KafkaConnection, password: string, username?: string): KafkaConnection {
  return { ...conn, sasl: { ...conn.sasl, password, ...(username ? { username } : {}) } as KafkaConnection['sasl'] };
}

async function refused(conn: KafkaConnection, secrets: readonly string[]): Promise<string> {
  const err = await describeCluster(conn, quick).then(
    () => assert.fail('wrong credentials were accepted'),
    (e: unknown) => e as Error,
  );
  for (const s of secrets) assert.equal(err.message.includes(s), false, `the error quotes a password: ${err.message}`);
  return err.message;
}

async function roundTrip(conn: KafkaConnection, topic: string): Promise<void> {
  await createTopic(conn, { topic, partitions: 1, replication: 1 });
  const producer = kafkajsClient(conn, 'kbench-test').producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ value: 'hello over TLS and SASL' }] });
  } finally {
    await producer.disconnect();
  }
  const offsets = await kafkajsClient(conn).admin();
  await offsets.connect();
  try {
    assert.equal(Number((await offsets.fetchTopicOffsets(topic))[0]?.high), 1);
  } finally {
    await offsets.disconnect();
  }
}

function checkListeners(broker: BrokerHandle): void {
  assert.deepEqual(broker.listeners.map((l) => `${l.name}:${l.securityProtocol}${l.internal ? ':internal' : ''}`), [
    'SASL_SSL:SASL_SSL', 'SASL_PLAINTEXT:SASL_PLAINTEXT', 'SSL:SSL', 'PLAINTEXT:PLAINTEXT:internal',
  ]);
  assert.equal(broker.bootstrap, broker.listeners[0]?.bootstrap, 'bootstrap is the SASL_SSL listener');
  assert.deepEqual(broker.listeners[0]?.saslMechanisms, ['scram-sha-512', 'scram-sha-256', 'plain']);
  assert.ok(broker.caFile && fs.readFileSync(broker.caFile, 'utf8').includes('-----BEGIN CERTIFICATE-----'));
}

describe('SASL and TLS listeners', () => {
  test(`SCRAM-SHA-512/256 and PLAIN over SASL_PLAINTEXT and SASL_SSL, TLS with hostname verification; wrong credentials refused`, async (t) => {
    const broker = await withBroker(t, { sasl: { username: 'alice', password: PASSWORD }, tls: true, heap: '512m', runRoot: tmp });
    checkListeners(broker);
    assert.deepEqual(broker.saslUser, { username: 'alice', password: PASSWORD });
    assert.deepEqual(broker.connection.sasl, { mechanism: 'scram-sha-512', username: 'alice', password: PASSWORD });

    for (const l of broker.listeners) {
      for (const mechanism of l.saslMechanisms.length ? l.saslMechanisms : [undefined]) {
        const info = await describeCluster(broker.connectionFor(l.name, mechanism), quick);
        assert.equal(info.clusterId, broker.clusterId, `${l.name} ${mechanism ?? ''}`);
      }
    }
    await roundTrip(broker.connection, 'secured-round-trip');

    // Hostname verification: the certificate names 127.0.0.1 and localhost; without the CA it is untrusted.
    const ssl = broker.connectionFor('SSL');
    await describeCluster({ ...ssl, ssl: { ca: (ssl.ssl as { ca: string[] }).ca, servername: 'localhost' } }, quick);
    assert.match(await refused({ ...ssl, ssl: true }, []), /certificate/i);

    const scram = broker.connectionFor('SASL_PLAINTEXT', 'scram-sha-512');
    const wrong = 'Wrong.password-42';
    assert.match(await refused(withPassword(scram, wrong), [wrong, PASSWORD]), /authentication failed/i);
    assert.match(await refused(withPassword(broker.connectionFor('SASL_SSL', 'plain'), wrong), [wrong, PASSWORD]), /authentication failed/i);
    assert.match(await refused(withPassword(scram, PASSWORD, 'mallory'), [PASSWORD]), /authentication failed/i);

    assert.deepEqual(processesWithSecretInArgs(PASSWORD).filter((p) => p !== process.pid), [], 'no process has the password in its arguments');
    // The broker's own settings hold the PLAIN user's password (0600); nothing else in the run directory does.
    const props = broker.nodes.map((n) => path.join(n.dir, 'server.properties'));
    for (const p of props) assert.equal(fs.statSync(p).mode & 0o777, 0o600);
    assert.deepEqual(filesContaining(broker.runDir, PASSWORD, (f) => props.includes(f)), [], 'no log, key store or left-over argument file holds the password');
    assert.ok(fs.readFileSync(broker.nodes[0]!.logFile, 'utf8').includes('Failed authentication'), 'the broker logged the refused logins');
  });

  test('Kafka 4: SCRAM over SASL_SSL and PLAIN over SASL_PLAINTEXT, generated user', async (t) => {
    const broker = await startBroker({ kafkaVersion: '4', sasl: true, tls: true, heap: '512m', runRoot: tmp, log: (m) => t.diagnostic(m) });
    t.after(() => broker.stop());
    checkListeners(broker);
    assert.equal(broker.saslUser?.username, 'kbench');
    const password = broker.saslUser?.password ?? '';
    assert.match(password, /^[A-Za-z0-9_-]{24}$/);
    await roundTrip(broker.connection, 'secured-kafka-4');
    await describeCluster(broker.connectionFor('SASL_PLAINTEXT', 'plain'), quick);
    await refused(withPassword(broker.connectionFor('SASL_SSL', 'scram-sha-512'), 'nope-nope'), [password]);
  });

  test('listeners and sasl/tls are exclusive', async () => {
    await assert.rejects(startBroker({ sasl: true, listeners: [{ name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT' }], runRoot: tmp }), UsageError);
    await assert.rejects(startBroker({ sasl: { password: 'bad password' }, runRoot: tmp }), (e: unknown) => e instanceof UsageError && !e.message.includes('bad password'));
  });
});
