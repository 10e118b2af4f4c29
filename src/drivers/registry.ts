// Every driver kbench knows, in report order. Adding a client = one file in src/drivers/ + one line here.
import type { ExternalDriver } from './external.js';
import type { NodeDriver } from './types.js';

export type AnyDriver = NodeDriver | ExternalDriver;

export interface DriverEntry {
  id: string;
  /** One line for `kbench drivers` and --help. */
  summary: string;
  /** 'node' drivers run inside kbench's arm process (src/runner/child.ts); 'external' ones are programs. */
  kind: 'node' | 'external';
  /** Part of the default suite (`kbench run` without --drivers)? */
  inDefault: boolean;
  load(): Promise<AnyDriver>;
}

export const DRIVERS: readonly DriverEntry[] = [
  { id: 'addon', summary: 'kbench’s addon, batch API driven from TypeScript', kind: 'node', inDefault: true, load: async () => (await import('./addon.js')).driver },
  { id: 'addon-loop', summary: 'kbench’s addon, whole produce / consume loop in C++', kind: 'node', inDefault: true, load: async () => (await import('./addon.js')).loopDriver },
  { id: 'c', summary: 'kbench’s own C loop on librdkafka (native/cbench/arm.c), the C ceiling', kind: 'external', inDefault: true, load: async () => (await import('./c.js')).driver },
  { id: 'c-perf', summary: 'librdkafka’s rdkafka_performance: its own timing, no warm-up, no checksum, ignores --rate (a reference)', kind: 'external', inDefault: false, load: async () => (await import('./c-perf.js')).driver },
  { id: 'node-rdkafka', summary: 'node-rdkafka (Producer / KafkaConsumer)', kind: 'node', inDefault: true, load: async () => (await import('./node-rdkafka.js')).driver },
  { id: 'confluent', summary: '@confluentinc/kafka-javascript, KafkaJS-compatible API over librdkafka', kind: 'node', inDefault: true, load: async () => (await import('./confluent.js')).driver },
  { id: 'kafkajs', summary: 'kafkajs, pure JavaScript', kind: 'node', inDefault: true, load: async () => (await import('./kafkajs.js')).driver },
  { id: 'platformatic', summary: '@platformatic/kafka 1.x, pure TypeScript', kind: 'node', inDefault: true, load: async () => (await import('./platformatic.js')).driver },
  { id: 'crab', summary: 'kafka-crab-js, Rust (napi-rs) over a bundled static librdkafka', kind: 'node', inDefault: true, load: async () => (await import('./crab.js')).driver },
  { id: 'java', summary: 'kafka-clients (Java) KafkaProducer / KafkaConsumer, kbench’s own Java driver', kind: 'external', inDefault: false, load: async () => (await import('./java.js')).driver },
  { id: 'java-perf', summary: 'Kafka’s ProducerPerformance / ConsumerPerformance, the Java reference', kind: 'external', inDefault: false, load: async () => (await import('./java-perf.js')).driver },
  { id: 'jython', summary: 'kafka-clients’ Java producer driven from Jython 2.7', kind: 'external', inDefault: false, load: async () => (await import('./jython.js')).driver },
  { id: 'py-confluent', summary: 'confluent-kafka (Python) Producer / Consumer over librdkafka', kind: 'external', inDefault: false, load: async () => (await import('./py-confluent.js')).driver },
  { id: 'kafka-python', summary: 'kafka-python KafkaProducer / KafkaConsumer, pure Python', kind: 'external', inDefault: false, load: async () => (await import('./kafka-python.js')).driver },
  { id: 'kafka-python-simple', summary: 'kafka-python 1.4 legacy SimpleProducer / SimpleConsumer (Kafka 3.x only)', kind: 'external', inDefault: false, load: async () => (await import('./kafka-python-simple.js')).driver },
  { id: 'pykafka', summary: 'pykafka, pure Python (Kafka 3.x only)', kind: 'external', inDefault: false, load: async () => (await import('./pykafka.js')).driver },
  { id: 'pykafka-rdkafka', summary: 'pykafka with its librdkafka C extension', kind: 'external', inDefault: false, load: async () => (await import('./pykafka-rdkafka.js')).driver },
];

export function driverEntry(id: string): DriverEntry | undefined {
  return DRIVERS.find((d) => d.id === id);
}

export function driverIds(): string[] {
  return DRIVERS.map((d) => d.id);
}
