// Every Node driver and `c` against one broker with SASL and TLS: a small verified producer and
// consumer benchmark over SASL_PLAINTEXT with SCRAM-SHA-512, over SASL_PLAINTEXT with PLAIN, and over
// SASL_SSL (SCRAM-SHA-512, CA file, hostname verification). Verified counts prove the clients
// authenticated: the SASL listeners refuse anything else (test/broker/cluster-security.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRunSpec } from '../../src/cli/run.js';
import type { Connection, SaslMechanism } from '../../src/results/types.js';
import { runBenchmark } from '../../src/runner/run.js';
import { securedConnection, withBroker } from '../helpers/broker.js';
import { assertVerified, record } from '../helpers/results.js';

const DRIVERS = ['addon', 'addon-loop', 'node-rdkafka', 'confluent', 'kafkajs', 'platformatic', 'crab', 'c'];
const LIBRDKAFKA = new Set(['addon', 'addon-loop', 'node-rdkafka', 'confluent', 'crab', 'c']);

test('every Node driver and c: SCRAM-SHA-512, PLAIN and SASL_SSL', async (t) => {
  const broker = await withBroker(t, { sasl: true, tls: true, heap: '512m' });
  const user = broker.saslUser!;
  const conn = (name: 'SASL_PLAINTEXT' | 'SASL_SSL', mechanism: SaslMechanism): Connection => securedConnection(broker, name, mechanism);
  const cases: [string, Connection, string][] = [
    ['SCRAM-SHA-512', conn('SASL_PLAINTEXT', 'scram-sha-512'), 'SASL_PLAINTEXT SCRAM-SHA-512'],
    ['PLAIN', conn('SASL_PLAINTEXT', 'plain'), 'SASL_PLAINTEXT PLAIN'],
    ['SASL_SSL', conn('SASL_SSL', 'scram-sha-512'), 'SASL_SSL SCRAM-SHA-512'],
  ];
  for (const [name, connection, label] of cases) {
    await t.test(name, async () => {
      const { spec } = buildRunSpec({ drivers: DRIVERS.join(','), scenarios: 'producer-async,consumer', messages: '1000', repeat: '1', brokerWarmup: '0', brokers: connection.brokers.join(',') });
      // As --sasl-mechanism / --tls-ca with KBENCH_SASL_PASSWORD would make it (test/cli/secrets.test.ts).
      spec.connection = connection;
      const doc = await runBenchmark(spec);
      assert.deepEqual(doc.skipped, []);
      assert.equal(doc.env.broker.security, label);
      for (const driver of DRIVERS) {
        for (const scenario of ['producer-async', 'consumer']) {
          const r = record(doc, driver, scenario);
          assertVerified(r);
          if (LIBRDKAFKA.has(driver)) {
            assert.equal(r.config['sasl.mechanisms'], connection.sasl?.mechanism.toUpperCase(), `${driver} ${scenario}`);
            assert.equal(r.config['security.protocol'], label.startsWith('SASL_SSL') ? 'sasl_ssl' : 'sasl_plaintext');
            assert.equal(r.config['sasl.password'], '***', 'recorded redacted');
          } else {
            assert.equal(r.config['security'], label, `${driver} ${scenario}`);
          }
        }
      }
      assert.equal(JSON.stringify(doc).includes(user.password), false, 'the password is nowhere in the results');
    });
  }
});
