// --client-config that a client refuses — an unknown key, or a bad value of a known one — fails the
// arm with a message naming the key, for every Node driver and `c`, producer and consumer. Clients
// that take no librdkafka settings (kafkajs, platformatic) say so, naming the key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRunSpec } from '../../src/cli/run.js';
import { runBenchmark } from '../../src/runner/run.js';
import { withBroker } from '../helpers/broker.js';
import { record } from '../helpers/results.js';

const DRIVERS = ['addon', 'addon-loop', 'node-rdkafka', 'confluent', 'kafkajs', 'platformatic', 'crab', 'c'];

test('invalid --client-config fails each arm naming the setting', async (t) => {
  const broker = await withBroker(t, { heap: '512m' });
  const cases: [string, string, RegExp][] = [
    ['nonsense.key', '1', /No such configuration property: "nonsense\.key"|takes no --client-config/],
    ['linger.ms', 'banana', /Invalid value|takes no --client-config/],
  ];
  for (const [key, value, detail] of cases) {
    await t.test(`${key}=${value}`, async () => {
      const { spec } = buildRunSpec({ drivers: DRIVERS.join(','), scenarios: 'producer-async,consumer', messages: '200', repeat: '1', brokerWarmup: '0', brokers: broker.bootstrap, clientConfig: { [key]: value }, timeout: '60' });
      const doc = await runBenchmark(spec);
      const messages: string[] = [];
      for (const driver of DRIVERS) {
        for (const scenario of ['producer-async', 'consumer']) {
          const r = record(doc, driver, scenario);
          const error = r.repetitions[0]?.error ?? '';
          assert.equal(r.verified, false, `${driver} ${scenario} must fail`);
          assert.ok(error.includes(`invalid --client-config ${key}`), `${driver} ${scenario}: ${error}`);
          assert.match(error, detail, `${driver} ${scenario}`);
          if (driver === 'kafkajs' || driver === 'platformatic') assert.match(error, /takes no --client-config settings \(they are librdkafka properties/);
          messages.push(`${driver} ${scenario}: ${error}`);
        }
      }
      t.diagnostic(messages.join('\n'));
    });
  }
});
