// py-confluent: confluent-kafka for Python (Producer / Consumer) on the librdkafka its wheel bundles,
// configured with exactly the librdkafka properties of every other librdkafka-based arm.
import { ALL_SCENARIOS, pythonDriver } from './python.js';
import { FULL_SECURITY } from './security.js';

export const driver = pythonDriver({
  id: 'py-confluent',
  client: 'confluent-kafka (Python)',
  env: 'confluent',
  security: FULL_SECURITY,
  scenarios: ALL_SCENARIOS,
  librdkafkaConfig: true,
  notes: [
    'produce() per message with a delivery callback, poll(0) every 100 messages; flush() at the end; producer-sync polls until its report',
    'consumer: assign() at OFFSET_BEGINNING, consume(n) batches; librdkafka from the wheel (pinned 2.12.0, as kbench’s own build)',
  ],
});
