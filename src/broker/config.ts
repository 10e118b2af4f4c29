// server.properties for one KRaft node, as a pure function of its inputs (unit-tested without a broker).
// Listeners are data ({name, securityProtocol, port, config}) so SASL / TLS listeners are additions to a
// list, not new code paths: per-listener settings become `listener.name.<name>.<key>` entries.
import { randomBytes } from 'node:crypto';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';

/** The KRaft controller listener; every node has one, and clients never see it. */
export const CONTROLLER_LISTENER = 'CONTROLLER';

export interface ListenerSpec {
  /** Listener name, e.g. PLAINTEXT or SASL_SCRAM (upper case; CONTROLLER is reserved). */
  name: string;
  securityProtocol: SecurityProtocol;
  port: number;
  /**
   * Settings for this listener only, written as `listener.name.<name lower case>.<key>`:
   * e.g. `{ 'scram-sha-512.sasl.jaas.config': '...' }` or `{ 'ssl.keystore.location': '...' }`.
   */
  config?: Readonly<Record<string, string>>;
}

export interface QuorumVoter {
  id: number;
  host: string;
  port: number;
}

export interface NodeConfigInput {
  nodeId: number;
  /** Address the node binds to and advertises (kbench always uses 127.0.0.1). */
  host: string;
  /** Client-facing listeners of this node. */
  listeners: readonly ListenerSpec[];
  /** Listener the brokers replicate over; defaults to the first of `listeners`. */
  interBrokerListener?: string;
  controllerPort: number;
  /** All controllers of the cluster (every node is broker + controller). */
  voters: readonly QuorumVoter[];
  /** Kafka data directory (log.dirs) of this node. */
  dataDir: string;
  /** Number of nodes in the cluster: caps the replication of the internal topics. */
  clusterSize: number;
  kafkaMajor: number;
  /** Kafka minor version (default 9): settings that older lines do not know are left out. */
  kafkaMinor?: number;
  /** Any broker setting, applied last (e.g. sasl.enabled.mechanisms, or a benchmark's tuning). */
  overrides?: Readonly<Record<string, string | number | boolean>>;
}

const LISTENER_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * Broker settings that keep the broker's own background work out of a benchmark's measuring windows.
 * Every node gets them (callers' `overrides` still win); they are exported so results can record them.
 */
export const BENCHMARK_BROKER_SETTINGS: Readonly<Record<string, string>> = {
  // 1 GiB (Kafka's default, pinned): a segment roll (new files, index resizing, a flush of the old
  // segment) does not happen inside an arm of ordinary size. log.roll.ms stays at its 7 days.
  'log.segment.bytes': String(1024 ** 3),
  // No retention at all: no segment is deleted under a running benchmark for its age or size...
  'log.retention.ms': '-1',
  'log.retention.bytes': '-1',
  // ...and the check for it (every 5 min by default) repeats only after 2^31-1 ms, ~24.8 days. Not
  // Long.MAX_VALUE: the JDK scheduler adds the period, in nanoseconds, to the last run time as a long,
  // and that sum would overflow.
  'log.retention.check.interval.ms': String(2 ** 31 - 1),
  // No compaction: benchmarks use no compacted topics. The internal compacted topics (__consumer_offsets,
  // __transaction_state) then are not compacted and grow by the session's commits, which is harmless for a
  // broker that lives one session (compaction only reclaims space; readers use the latest record per key
  // either way). It also spares the heap the cleaner's dedupe buffer (log.cleaner.dedupe.buffer.size,
  // 128 MiB, allocated when the cleaner starts) and the broker its 15 s wake-ups.
  // Kafka 4.1 deprecates the setting (warns; 5.0 will always run the cleaner).
  'log.cleaner.enable': 'false',
  // A deleted topic's files are removed within 100 ms of the deletion instead of 60 s, i.e. before the
  // next arm, not inside it. The broker-level name of the topic setting file.delete.delay.ms is
  // log.segment.delete.delay.ms (a `file.delete.delay.ms` line in server.properties is ignored); it is
  // also LogManager's delay for removing deleted topics' directories. Kafka accepts 0 (atLeast(0)), but
  // then its delete task re-runs every 1 ms while nothing is to be deleted (measured with 3.9.2: ~2,600
  // wake-ups/s, ~4 % of a core, idle); at 100 ms the broker's idle CPU is the same as at the default.
  'log.segment.delete.delay.ms': '100',
  // log.flush.* stay at their defaults: the OS page cache decides when data reaches the device.
};

/**
 * Kafka 3.8+ (an internal setting, "for testing"): LogManager's periodic tasks (retention check,
 * checkpoints, and the task that removes deleted topics' files) start at once instead of 30 s after
 * start-up, so the one retention check runs during start-up, not inside the first arm, and a topic
 * deleted in the first 30 s does not keep its files until then.
 */
export const INITIAL_TASK_DELAY_SETTING: Readonly<Record<string, string>> = { 'log.initial.task.delay.ms': '0' };

/** The settings of one node, in a stable order. Throws on inconsistent input (a programming error). */
export function nodeProperties(input: NodeConfigInput): Record<string, string> {
  const { nodeId, host, listeners, voters, clusterSize } = input;
  if (listeners.length === 0) throw new Error('a broker needs at least one client listener');
  const names = new Set<string>();
  for (const l of listeners) {
    if (!LISTENER_NAME.test(l.name)) throw new Error(`listener name '${l.name}' must be upper case letters, digits and _`);
    if (l.name === CONTROLLER_LISTENER) throw new Error(`listener name ${CONTROLLER_LISTENER} is reserved for KRaft`);
    if (names.has(l.name)) throw new Error(`duplicate listener name ${l.name}`);
    names.add(l.name);
  }
  const interBroker = input.interBrokerListener ?? listeners[0]!.name;
  if (!names.has(interBroker)) throw new Error(`inter-broker listener ${interBroker} is not one of the listeners`);
  if (!voters.some((v) => v.id === nodeId)) throw new Error(`node ${nodeId} is not in the controller quorum`);

  const internalRf = Math.min(3, clusterSize);
  const all = [...listeners.map((l) => ({ name: l.name, protocol: l.securityProtocol, port: l.port })),
    { name: CONTROLLER_LISTENER, protocol: 'PLAINTEXT' as SecurityProtocol, port: input.controllerPort }];

  const props: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': String(nodeId),
    'controller.quorum.voters': voters.map((v) => `${v.id}@${v.host}:${v.port}`).join(','),
    'controller.listener.names': CONTROLLER_LISTENER,
    listeners: all.map((l) => `${l.name}://${host}:${l.port}`).join(','),
    'advertised.listeners': listeners.map((l) => `${l.name}://${host}:${l.port}`).join(','),
    'listener.security.protocol.map': all.map((l) => `${l.name}:${l.protocol}`).join(','),
    'inter.broker.listener.name': interBroker,
    'log.dirs': input.dataDir,

    // Benchmarks create their topics explicitly; a typo must fail, not silently make a 1-partition topic.
    'auto.create.topics.enable': 'false',
    'num.partitions': '1',
    'default.replication.factor': String(internalRf),
    'offsets.topic.replication.factor': String(internalRf),
    // 50 offsets partitions (the default) make the first consumer group of a run pay for creating them.
    'offsets.topic.num.partitions': '10',
    'transaction.state.log.replication.factor': String(internalRf),
    'transaction.state.log.min.isr': String(Math.min(2, internalRf)),
    // Consumers of a benchmark join at once; waiting 3 s for stragglers would be measured as latency.
    'group.initial.rebalance.delay.ms': '0',
    // Sized for a small machine (clients and brokers share a few cores).
    'num.network.threads': '2',
    'num.io.threads': '2',
    'num.recovery.threads.per.data.dir': '1',
    'background.threads': '4',
    'log.cleaner.threads': '1',
    ...BENCHMARK_BROKER_SETTINGS,
    ...(input.kafkaMajor > 3 || (input.kafkaMinor ?? 9) >= 8 ? INITIAL_TASK_DELAY_SETTING : {}),
  };
  if (input.kafkaMajor >= 4) {
    // Share groups' state topic (Kafka 4) defaults to replication 3, which a single node cannot host.
    props['share.coordinator.state.topic.replication.factor'] = String(internalRf);
    props['share.coordinator.state.topic.min.isr'] = String(Math.min(2, internalRf));
  }
  for (const l of listeners) {
    for (const [k, v] of Object.entries(l.config ?? {})) props[`listener.name.${l.name.toLowerCase()}.${k}`] = v;
  }
  for (const [k, v] of Object.entries(input.overrides ?? {})) props[k] = String(v);
  return props;
}

/** Escapes a key or value for a Java .properties file. */
function escapeProperty(s: string, isKey: boolean): string {
  let out = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  if (isKey) out = out.replace(/([=: #!])/g, '\\$1');
  else out = out.replace(/^([ #!])/, '\\$1');
  return out;
}

/** Renders settings as a Java .properties file. */
export function renderProperties(props: Readonly<Record<string, string>>, header?: string): string {
  const lines = header ? header.split('\n').map((h) => `# ${h}`) : [];
  for (const [k, v] of Object.entries(props)) lines.push(`${escapeProperty(k, true)}=${escapeProperty(v, false)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * A new KRaft cluster id: 16 random bytes as 22 characters of unpadded base64url, as Kafka's
 * Uuid.toString(). Like Uuid.randomUuid(), never one starting with '-', which the
 * StorageTool's argument parser would take for an option.
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-') && !/^A{21}[AQ]$/.test(id)) return id;
  }
}

export function isClusterId(s: string): boolean {
  return /^[A-Za-z0-9_-]{21}[AQgw]$/.test(s) && !s.startsWith('-');
}
