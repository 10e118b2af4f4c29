// pykafka: pure Python (use_rdkafka=False). It sends Produce v0, Fetch v1 and ListOffsets v0, which
// Kafka 4.0 removed: its arms are skipped on a 4.x embedded broker (checked by the program otherwise).
import { ALL_SCENARIOS, GZIP_ONLY, pythonDriver } from './python.js';

export const driver = pythonDriver({
  id: 'pykafka',
  client: 'pykafka',
  env: 'pykafka',
  security: { sasl: [], tls: true, note: 'pykafka 2.8 has no SASL' },
  scenarios: ALL_SCENARIOS,
  compressions: GZIP_ONLY,
  brokerLimit: { maxMajor: 3, scenarios: ALL_SCENARIOS, reason: 'pykafka sends Produce v0, Fetch v1 and ListOffsets v0, which Kafka 4.0 removed (KIP-896): use a Kafka 3.x broker (the default 3.9.2)' },
  notes: [
    'pure Python; nearest equivalents: required_acks, linger_ms, min_queued_messages = batch.size / message size; producer workers wait 1 s for a message when idle (pykafka’s default 0 spins and starves the producing thread)',
    'producer-async: produce() per message, delivery reports drained from the producing thread; producer-sync: sync=True; consumer: SimpleConsumer without a group, consume() per message',
  ],
});
