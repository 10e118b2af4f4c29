// The benchmark studies kbench continues, as data: what each measured, with which clients, and the
// relative figures it published (throughput relative to kafka-python), printed beside ours.
import type { Acks, ScenarioId } from '../results/types.js';

/** Node clients added as rows to every study. */
export const NODE_ROWS = ['addon', 'addon-loop', 'node-rdkafka', 'confluent', 'kafkajs', 'platformatic', 'crab'];

export interface StudyVariant {
  /** Label of this variant in the output (e.g. "acks=all"). */
  label: string;
  scenarios: ScenarioId[];
  sizes: number[];
  messages: number;
  syncMessages?: number;
  repeat: number;
  acks?: Acks;
  partitions?: number;
  replication?: number;
}

export interface PublishedRatio {
  driver: string;
  scenario: ScenarioId;
  /** Throughput relative to kafka-python, as published. */
  ratio: number;
}

export interface Study {
  id: string;
  title: string;
  source: string;
  /** The study's own clients (kbench driver ids). */
  drivers: string[];
  baseline: string;
  variants: StudyVariant[];
  published: PublishedRatio[];
  notes: string[];
}

const pub = (driver: string, scenario: ScenarioId, ratio: number): PublishedRatio => ({ driver, scenario, ratio });

export const STUDIES: readonly Study[] = [
  {
    id: '2018',
    title: 'Python Kafka clients, 2018: sync producer, async producer, consumer; 100,000 messages; 5 runs',
    source: 'the 2018 Python client study (relative to kafka-python)',
    drivers: ['kafka-python', 'kafka-python-simple', 'pykafka', 'pykafka-rdkafka', 'py-confluent'],
    baseline: 'kafka-python',
    variants: [{ label: '100 B', scenarios: ['producer-sync', 'producer-async', 'consumer'], sizes: [100], messages: 100_000, syncMessages: 10_000, repeat: 5 }],
    published: [pub('py-confluent', 'consumer', 3.0), pub('pykafka', 'consumer', 0.68), pub('pykafka-rdkafka', 'consumer', 1.58), pub('py-confluent', 'producer-async', 49.55), pub('pykafka', 'producer-async', 0.99), pub('pykafka-rdkafka', 'producer-async', 12.97)],
    notes: ['producer-sync runs 10,000 messages per arm (each waits for its ack), not 100,000'],
  },
  {
    id: '2016',
    title: 'Python Kafka clients, 2016: 1,000,000 × 100 B, producer and consumer',
    source: 'the 2016 comparison the 2018 study cites (relative to kafka-python)',
    drivers: ['kafka-python', 'pykafka', 'pykafka-rdkafka', 'py-confluent'],
    baseline: 'kafka-python',
    variants: [{ label: '100 B', scenarios: ['producer-async', 'consumer'], sizes: [100], messages: 1_000_000, repeat: 3 }],
    published: [pub('py-confluent', 'consumer', 6.94), pub('pykafka', 'consumer', 0.9), pub('pykafka-rdkafka', 'consumer', 4.36), pub('py-confluent', 'producer-async', 12.45), pub('pykafka', 'producer-async', 1.18), pub('pykafka-rdkafka', 'producer-async', 4.32)],
    notes: [],
  },
  {
    id: 'beam',
    title: 'Apache Beam design doc: kafka-python vs pykafka at 10 B, 100 B and 1 KB, producer and consumer',
    source: 'the Beam Python Kafka IO design document (no relative figures to print)',
    drivers: ['kafka-python', 'pykafka'],
    baseline: 'kafka-python',
    variants: [{ label: '10 B / 100 B / 1 KB', scenarios: ['producer-async', 'consumer'], sizes: [10, 100, 1024], messages: 100_000, repeat: 3 }],
    published: [],
    notes: [],
  },
  {
    id: 'java-producer',
    title: 'Java, Jython and Python producers: acks 0 / 1 / all, 6 partitions, replication factor 3 (3-node cluster)',
    source: 'the Java/Jython/Python producer post (no relative figures to print)',
    drivers: ['java', 'jython', 'kafka-python', 'py-confluent'],
    baseline: 'kafka-python',
    variants: (['0', '1', 'all'] as const).map((acks) => ({ label: `acks=${acks}`, scenarios: ['producer-async'] as ScenarioId[], sizes: [100], messages: 200_000, repeat: 3, acks, partitions: 6, replication: 3 })),
    published: [],
    notes: ['runs on the embedded 3-node KRaft cluster'],
  },
];

/** The small version (`kbench seeds --quick`). */
export function quickVariant(v: StudyVariant): StudyVariant {
  return { ...v, messages: Math.min(v.messages, 10_000), syncMessages: Math.min(v.syncMessages ?? v.messages, 200), repeat: 1, sizes: v.sizes.length > 1 ? [v.sizes[0] as number, v.sizes[v.sizes.length - 1] as number] : v.sizes };
}
