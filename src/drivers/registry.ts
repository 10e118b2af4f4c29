// Every driver kbench knows, in report order. Adding a client = one file in src/drivers/ + one line here.
import type { ExternalDriver } from './external.js';
import type { NodeDriver } from './types.js';
import type { LibrdkafkaMode } from '../plan/plan.js';
import { parseDriverKey, type DriverVariant } from './variant.js';

export type AnyDriver = NodeDriver | ExternalDriver;

export interface DriverEntry {
  id: string;
  /** One line for `kbench drivers` and --help. */
  summary: string;
  /** 'node' drivers run inside kbench's arm process (src/runner/child.ts); 'external' ones are programs. */
  kind: 'node' | 'external';
  /** Part of the default suite (`kbench run` without --drivers)? */
  inDefault: boolean;
  /** The npm package of the client, for drivers that can run any published version of it (`confluent@1.6.0`). */
  package?: string;
  /** For a variant key (`confluent@1.6.0:node22`): the registered driver's id, and what the key asks for. */
  base?: string;
  variant?: DriverVariant;
  /** How this run builds the librdkafka-based bindings (set by the runner from --librdkafka; absent: kbench's shared build). */
  librdkafka?: LibrdkafkaMode;
  load(): Promise<AnyDriver>;
}

export const DRIVERS: readonly DriverEntry[] = [
  { id: 'addon', summary: 'kbench’s addon, batch API driven from TypeScript', kind: 'node', inDefault: true, load: async () => (await import('./addon.js')).driver },
  { id: 'addon-loop', summary: 'kbench’s addon, whole produce / consume loop in C++', kind: 'node', inDefault: true, load: async () => (await import('./addon.js')).loopDriver },
  { id: 'c', summary: 'kbench’s own C loop on librdkafka (native/cbench/arm.c), the C ceiling', kind: 'external', inDefault: true, load: async () => (await import('./c.js')).driver },
  { id: 'c-perf', summary: 'librdkafka’s rdkafka_performance: its own timing, no warm-up, no checksum, ignores --rate (a reference)', kind: 'external', inDefault: false, load: async () => (await import('./c-perf.js')).driver },
  { id: 'node-rdkafka', summary: 'node-rdkafka (Producer / KafkaConsumer)', kind: 'node', inDefault: true, package: 'node-rdkafka', load: async () => (await import('./node-rdkafka.js')).driver },
  { id: 'confluent', summary: '@confluentinc/kafka-javascript, KafkaJS-compatible API over librdkafka', kind: 'node', inDefault: true, package: '@confluentinc/kafka-javascript', load: async () => (await import('./confluent.js')).driver },
  { id: 'kafkajs', summary: 'kafkajs, pure JavaScript', kind: 'node', inDefault: true, package: 'kafkajs', load: async () => (await import('./kafkajs.js')).driver },
  { id: 'platformatic', summary: '@platformatic/kafka, pure TypeScript (1.35.0 on Node 20, which 2.x does not run on)', kind: 'node', inDefault: true, package: '@platformatic/kafka', load: async () => (await import('./platformatic.js')).driver },
  { id: 'crab', summary: 'kafka-crab-js, Rust (napi-rs) over a bundled static librdkafka', kind: 'node', inDefault: true, package: 'kafka-crab-js', load: async () => (await import('./crab.js')).driver },
  { id: 'java', summary: 'kafka-clients (Java) KafkaProducer / KafkaConsumer, kbench’s own Java driver', kind: 'external', inDefault: false, load: async () => (await import('./java.js')).driver },
  { id: 'java-perf', summary: 'Kafka’s ProducerPerformance / ConsumerPerformance, the Java reference', kind: 'external', inDefault: false, load: async () => (await import('./java-perf.js')).driver },
  { id: 'jython', summary: 'kafka-clients’ Java producer driven from Jython 2.7', kind: 'external', inDefault: false, load: async () => (await import('./jython.js')).driver },
  { id: 'py-confluent', summary: 'confluent-kafka (Python) Producer / Consumer over librdkafka', kind: 'external', inDefault: false, load: async () => (await import('./py-confluent.js')).driver },
  { id: 'kafka-python', summary: 'kafka-python KafkaProducer / KafkaConsumer, pure Python', kind: 'external', inDefault: false, load: async () => (await import('./kafka-python.js')).driver },
  { id: 'kafka-python-simple', summary: 'kafka-python 1.4 legacy SimpleProducer / SimpleConsumer (Kafka 3.x only)', kind: 'external', inDefault: false, load: async () => (await import('./kafka-python-simple.js')).driver },
  { id: 'pykafka', summary: 'pykafka, pure Python (Kafka 3.x only)', kind: 'external', inDefault: false, load: async () => (await import('./pykafka.js')).driver },
  { id: 'pykafka-rdkafka', summary: 'pykafka with its librdkafka C extension', kind: 'external', inDefault: false, load: async () => (await import('./pykafka-rdkafka.js')).driver },
];

/** Why a key cannot be run (unknown driver, a version of a driver without an npm package …), or undefined. */
export function driverKeyProblem(key: string): string | undefined {
  if (DRIVERS.some((d) => d.id === key)) return undefined;
  const p = parseDriverKey(key);
  const base = p ? DRIVERS.find((d) => d.id === p.base) : undefined;
  if (!p || !base) return `unknown driver '${key}'`;
  if (p.variant.version && !base.package) return `'${key}': ${base.id} has no npm package to take another version of (versions: ${DRIVERS.filter((d) => d.package).map((d) => d.id).join(', ')})`;
  if (p.variant.node && base.kind !== 'node') return `'${key}': ${base.id} is not a Node driver, it has no Node runtime to choose`;
  return undefined;
}

/** The entry for a driver id or a variant key (`confluent@1.6.0`, `kafkajs:node24`): the base driver, id = the key. */
export function driverEntry(key: string): DriverEntry | undefined {
  const direct = DRIVERS.find((d) => d.id === key);
  if (direct) return direct;
  if (driverKeyProblem(key)) return undefined;
  const p = parseDriverKey(key);
  const base = DRIVERS.find((d) => d.id === p?.base);
  return p && base ? { ...base, id: key, base: base.id, variant: p.variant } : undefined;
}

/** The registered driver's id for a key (`confluent@1.6.0:node22` → `confluent`). */
export function baseDriverId(key: string): string {
  return driverEntry(key)?.base ?? parseDriverKey(key)?.base ?? key;
}

export function driverIds(): string[] {
  return DRIVERS.map((d) => d.id);
}
