// kafka-python-simple: kafka-python 1.4's legacy SimpleClient + SimpleProducer / SimpleConsumer, as in
// the 2018 study; its own environment (the API was removed in 2.0). It speaks Produce/Fetch/ListOffsets/
// Metadata v0 only, which Kafka 4.0 removed: such arms are skipped on a 4.x embedded broker, and the
// program checks an external broker's versions before it runs.
import { ALL_SCENARIOS, GZIP_ONLY, pythonDriver } from './python.js';

export const driver = pythonDriver({
  id: 'kafka-python-simple',
  client: 'kafka-python 1.4 SimpleProducer / SimpleConsumer',
  env: 'kafka-python-1.4',
  security: { sasl: [], tls: false, note: 'SimpleClient has neither' },
  scenarios: ALL_SCENARIOS,
  compressions: GZIP_ONLY,
  brokerLimit: { maxMajor: 3, scenarios: ALL_SCENARIOS, reason: 'kafka-python 1.4’s SimpleClient speaks only Produce v0, Fetch v0, ListOffsets v0 and Metadata v0, which Kafka 4.0 removed (KIP-896): use a Kafka 3.x broker (the default 3.9.2)' },
  notes: [
    'producer-sync: SimpleProducer(async_send=False).send_messages() per message; producer-async: async_send=True (a thread batches batch.size/size messages or linger.ms), deliveries counted from the broker’s produce responses',
    'consumer: SimpleConsumer without a group, get_messages() batches, fetch buffer 1 MiB (its 4 KiB default stalls on Kafka 3.x: down-converted batches that do not fit come back empty)',
  ],
});
