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
    'consumer: the warm-up topic read first, then the measured topic\'s metadata (list_topics(topic), on the same client), then the window opens just before assign() of the measured partitions at OFFSET_BEGINNING; consume(n) batches; prefetch fetch.queue.backoff.ms 10, queued.min.messages 100000 as every librdkafka consumer (--client-config overrides them)',
    'librdkafka from the wheel (confluent-kafka pinned at 2.12.0; its wheel carries its own librdkafka, whose version is reported)',
  ],
});
