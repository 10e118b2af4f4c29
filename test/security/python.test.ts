// The Python drivers through SASL and TLS, as every other driver: a verified producer and consumer
// over SASL_PLAINTEXT (SCRAM-SHA-512, PLAIN) and SASL_SSL (SCRAM-SHA-512, CA file); pykafka (no SASL in
// 2.8) over TLS alone; the password nowhere in what the run reports. CI prepares the Python
// environments (`kbench setup python`): a driver that is not set up fails this test, it is not skipped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRunSpec } from '../../src/cli/run.js';
import type { Connection, SaslMechanism } from '../../src/results/types.js';
import { runBenchmark } from '../../src/runner/run.js';
import { securedConnection, withBroker } from '../helpers/broker.js';
import { assertVerified, record } from '../helpers/results.js';

const SASL_DRIVERS = ['py-confluent', 'kafka-python'];

test('Python drivers: SCRAM-SHA-512, PLAIN, SASL_SSL, and pykafka over TLS', async (t) => {
  const broker = await withBroker(t, { sasl: true, tls: true, heap: '512m' });
  const user = broker.saslUser!;
  const conn = (name: 'SASL_PLAINTEXT' | 'SASL_SSL', mechanism: SaslMechanism): Connection => securedConnection(broker, name, mechanism);
  const tlsListener = broker.listeners.find((l) => l.name === 'SSL');
  assert.ok(tlsListener, `the embedded broker has a TLS listener without SASL (listeners: ${broker.listeners.map((l) => l.name).join(', ')})`);
  const cases: [string, Connection, string[], string][] = [
    ['SCRAM-SHA-512', conn('SASL_PLAINTEXT', 'scram-sha-512'), SASL_DRIVERS, 'SASL_PLAINTEXT SCRAM-SHA-512'],
    ['PLAIN', conn('SASL_PLAINTEXT', 'plain'), SASL_DRIVERS, 'SASL_PLAINTEXT PLAIN'],
    ['SASL_SSL', conn('SASL_SSL', 'scram-sha-512'), SASL_DRIVERS, 'SASL_SSL SCRAM-SHA-512'],
    ['TLS', { brokers: tlsListener.bootstrap.split(','), ssl: { ca: broker.caFile! } }, ['pykafka', ...SASL_DRIVERS], 'SSL'],
  ];
  for (const [name, connection, drivers, label] of cases) {
    await t.test(name, async () => {
      const { spec } = buildRunSpec({ drivers: drivers.join(','), scenarios: 'producer-async,consumer', messages: '1000', repeat: '1', brokerWarmup: '0', brokers: connection.brokers.join(',') });
      spec.connection = connection;
      const doc = await runBenchmark(spec);
      assert.deepEqual(doc.skipped, []);
      assert.equal(doc.env.broker.security, label);
      for (const driver of drivers) for (const scenario of ['producer-async', 'consumer']) assertVerified(record(doc, driver, scenario));
      if (user.password) assert.equal(JSON.stringify(doc).includes(user.password), false, 'the password is nowhere in the results');
    });
  }
});
