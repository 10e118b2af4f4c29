// pykafka-rdkafka: pykafka with use_rdkafka=True, its C extension built by `kbench setup python` against
// kbench's own librdkafka (CFLAGS/LDFLAGS + rpath to .kbench/librdkafka-*). librdkafka produces and
// fetches, so producing works on Kafka 4; pykafka still resets consumer offsets with ListOffsets v0.
import { pythonDriver } from './python.js';

export const driver = pythonDriver({
  id: 'pykafka-rdkafka',
  client: 'pykafka (rdkafka C extension)',
  env: 'pykafka',
  security: { sasl: [], tls: true, note: 'pykafka 2.8 has no SASL' },
  scenarios: ['producer-sync', 'producer-async', 'consumer', 'e2e-latency'],
  compressions: ['none', 'gzip', 'snappy', 'lz4'],
  needsExtension: true,
  brokerLimit: { maxMajor: 3, scenarios: ['consumer', 'e2e-latency'], reason: 'pykafka resets consumer offsets with ListOffsets v0, which Kafka 4.0 removed (KIP-896): use a Kafka 3.x broker (the default 3.9.2)' },
  notes: [
    'the same pykafka options as the pure driver, turned into librdkafka properties by pykafka itself',
    'consumer: the measured topic\'s metadata cannot be fetched on its librdkafka handle before the window: pykafka creates that handle (one per topic) inside the window, and its extension has no metadata call',
    'consumer: two properties pykafka 2.8 sets out of librdkafka 2.x’s bounds are fixed by kbench (queued.max.messages.kbytes clamped to 2097151; fetch.max.bytes = receive.message.max.bytes − 512)',
  ],
});
