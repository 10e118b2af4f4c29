// kafka-python: the current release's KafkaProducer / KafkaConsumer, pure Python.
import { ALL_SCENARIOS, GZIP_ONLY, pythonDriver } from './python.js';
import { FULL_SECURITY } from './security.js';

export const driver = pythonDriver({
  id: 'kafka-python',
  client: 'kafka-python',
  env: 'kafka-python',
  security: FULL_SECURITY,
  scenarios: ALL_SCENARIOS,
  compressions: GZIP_ONLY,
  notes: [
    'pure Python; nearest equivalents: acks, compression_type, linger_ms, batch_size, enable_idempotence (off unless --idempotence)',
    'producer-async: send() per message with a callback and an errback, flush(); producer-sync: send().get(); consumer: assign() + seek_to_beginning(), poll()',
  ],
});
