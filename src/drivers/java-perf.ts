// java-perf: Apache Kafka's own benchmark tools, ProducerPerformance (producer-async) and
// ConsumerPerformance (consumer) from kafka-tools, run from the broker's resolved jars (Kafka 3.9.2, the
// same kafka-clients as the `java` driver) — the Java reference, as rdkafka_performance is the C one.
// They print their own summaries, parsed here, and time themselves (not the windows of
// src/contract/arm.ts). They cannot send or checksum kbench payloads: ProducerPerformance writes its own
// (random capital letters drawn per byte for every record; its --payload-file reads a UTF-8 text,
// splits it on a delimiter and sends a randomly chosen piece, so it cannot send the payload source's
// bytes with a sequence number either), and ConsumerPerformance reads the measured topic only, with no
// warm-up topic and no checksum. Both outcomes carry checksumUnavailable with the reason: counts (and
// consumed bytes) are verified, the content is not.
import fs from 'node:fs';
import path from 'node:path';
import { cachedKafkaJars, resolveKafkaJars, type KafkaJars } from '../broker/jars.js';
import { preflight } from '../broker/preflight.js';
import { DEFAULT_KAFKA_VERSION, parseKafkaVersion } from '../broker/versions.js';
import { projectRoot } from '../paths.js';
import type { ArmSpec, ScenarioOutcome } from '../scenarios/types.js';
import { DRIVER_JVM_FLAGS, javaRuntime } from '../setup/java.js';
import { errorMessage } from '../util/errors.js';
import type { ExternalCommand, ExternalDriver } from './external.js';
import { FULL_SECURITY, securityNote } from './security.js';
import type { ClientConfig, DriverDescription } from './types.js';
import { lastMatch } from '../util/text.js';

const PRODUCER_TOOL = 'org.apache.kafka.tools.ProducerPerformance';
const CONSUMER_TOOL = 'org.apache.kafka.tools.ConsumerPerformance';
/** The tools log through reload4j (Kafka 3.x): warnings to stderr, nothing else. */
const LOG4J = path.join(projectRoot, 'drivers', 'java', 'perf-tools-log4j.properties');
/** The same raised producer buffer as the `java` driver (drivers/java Configs.java BUFFER_MEMORY). */
const BUFFER_MEMORY = 512 * 1024 * 1024;
/** ConsumerPerformance's --timeout: longest gap between records, as kbench's consumers' stall limit. */
const STALL_MS = 30_000;

function jars(): KafkaJars | undefined {
  return cachedKafkaJars(parseKafkaVersion(DEFAULT_KAFKA_VERSION));
}

function security(spec: ArmSpec): ClientConfig {
  const c = spec.connection;
  const out: ClientConfig = {};
  const tls = c.ssl !== undefined && c.ssl !== false;
  if (c.sasl) {
    const mech = c.sasl.mechanism.toUpperCase();
    const module = mech === 'PLAIN' ? 'org.apache.kafka.common.security.plain.PlainLoginModule' : 'org.apache.kafka.common.security.scram.ScramLoginModule';
    const q = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    out['security.protocol'] = tls ? 'SASL_SSL' : 'SASL_PLAINTEXT';
    out['sasl.mechanism'] = mech;
    out['sasl.jaas.config'] = `${module} required username="${q(c.sasl.username)}" password="${q(c.sasl.password)}";`;
  } else if (tls) {
    out['security.protocol'] = 'SSL';
  }
  if (tls && typeof c.ssl === 'object') {
    if (c.ssl.ca) {
      out['ssl.truststore.type'] = 'PEM';
      out[c.ssl.ca.includes('-----BEGIN') ? 'ssl.truststore.certificates' : 'ssl.truststore.location'] = c.ssl.ca;
    }
    if (c.ssl.rejectUnauthorized === false) throw new Error('java-perf cannot turn TLS certificate verification off');
  }
  return out;
}

/** The client settings given to the tool (through a properties file: values such as JAAS need '='). */
export function toolConfig(spec: ArmSpec): ClientConfig {
  if (Object.keys(spec.extraConfig).length) throw new Error(`java-perf takes no --client-config (librdkafka settings): ${Object.keys(spec.extraConfig).join(', ')}`);
  const s = spec.settings;
  if (spec.scenario === 'producer-async') {
    return {
      'bootstrap.servers': spec.connection.brokers.join(','),
      'client.id': spec.clientId,
      acks: s.acks,
      'compression.type': s.compression,
      'linger.ms': s.lingerMs,
      'batch.size': s.batchSize,
      'enable.idempotence': s.idempotence,
      'buffer.memory': BUFFER_MEMORY,
      ...security(spec),
    };
  }
  if (spec.scenario === 'consumer') {
    if (spec.readPartitions && spec.readPartitions.length < spec.partitions) {
      throw new Error('ConsumerPerformance reads the whole topic through a consumer group; it cannot read a share of the partitions (--workers > 1)');
    }
    return { 'client.id': spec.clientId, 'enable.auto.commit': false, ...security(spec) };
  }
  throw new Error(`java-perf runs producer-async and consumer only, not ${spec.scenario}`);
}

/** What ConsumerPerformance sets itself on top of the file (kafka-tools 3.9 ConsumerPerfOptions.props()). */
const CONSUMER_TOOL_SETTINGS: ClientConfig = {
  'auto.offset.reset': 'earliest',
  'check.crcs': false,
  'receive.buffer.bytes': 2 * 1024 * 1024,
  'max.partition.fetch.bytes': 1024 * 1024,
};

function recordedConfig(spec: ArmSpec): ClientConfig {
  const c = toolConfig(spec);
  if (spec.scenario === 'consumer') return { 'bootstrap.servers': spec.connection.brokers.join(','), 'group.id': spec.groupId, ...c, ...CONSUMER_TOOL_SETTINGS };
  return c;
}

function propertiesText(config: ClientConfig): string {
  const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return Object.entries(config).map(([k, v]) => `${k}=${esc(String(v))}`).join('\n') + '\n';
}

export function commandFor(spec: ArmSpec, configFile: string, classpath: string, java: string): ExternalCommand {
  const jvm = [...DRIVER_JVM_FLAGS, `-Dlog4j.configuration=file:${LOG4J}`, '-cp', classpath];
  if (spec.scenario === 'producer-async') {
    const args = [
      PRODUCER_TOOL, '--topic', spec.topic, '--num-records', String(spec.warmup + spec.messages), '--record-size', String(spec.messageSize),
      '--throughput', spec.settings.rate > 0 ? String(spec.settings.rate) : '-1', '--producer.config', configFile,
    ];
    return { cmd: java, args: [...jvm, ...args] };
  }
  // The measured topic holds exactly spec.messages; the tool reads no warm-up topic.
  const args = [
    CONSUMER_TOOL, '--bootstrap-server', spec.connection.brokers.join(','), '--topic', spec.topic, '--group', spec.groupId,
    '--messages', String(spec.messages), '--timeout', String(Math.min(STALL_MS, spec.timeoutMs)), '--consumer.config', configFile,
  ];
  return { cmd: java, args: [...jvm, ...args] };
}

// ProducerPerformance's final line (kafka-tools 3.9 Stats.printTotal), printed with an English locale.
const PRODUCED = /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+|NaN) ms avg latency, ([\d.]+|NaN) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.$/gm;
// ConsumerPerformance's summary: start, end, MB, MB/s, messages, msgs/s, rebalance ms, fetch ms, fetch MB/s, fetch msgs/s.
const CONSUMED = /^([^,\n]+), ([^,\n]+), (\d+\.\d{4}), ([^,\n]+), (\d+), ([^,\n]+), (\d+), (-?\d+), ([^,\n]+), ([^,\n]+)$/gm;
// The first line of a printed stack trace: the exception's class name (ProducerPerformance prints one per failed record).
const EXCEPTION = /^((?:[a-z_][\w$]*\.)+([A-Z][\w$]*(?:Exception|Error)))(?::|$)/gm;

function exceptionCounts(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  EXCEPTION.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = EXCEPTION.exec(text)) !== null) out[m[2] as string] = (out[m[2] as string] ?? 0) + 1;
  return out;
}

const PROCESS_CPU = 'CPU and RSS of the whole JVM process (start-up, class loading and shutdown included: the tool is not instrumented)';

/** Why java-perf's producer payloads cannot be checked against the kbench payload. */
export const PRODUCER_PAYLOAD_UNAVAILABLE =
  'ProducerPerformance sends its own payloads (--record-size: random capital letters drawn per byte for every record), not the kbench payload: ' +
  'its --payload-file reads a UTF-8 text, splits it on a delimiter and sends a randomly chosen piece, so it cannot send the payload source with sequence numbers; ' +
  'the topic’s count is checked, not its content';
/** Why java-perf's consumer cannot checksum. */
export const CONSUMER_CHECKSUM_UNAVAILABLE = 'ConsumerPerformance does not checksum payloads (count checked exactly, bytes to the 4-decimal MB it prints)';

export function parseToolOutput(out: { stdout: string; stderr: string; exitCode: number | null }, spec: ArmSpec, config: ClientConfig): ScenarioOutcome {
  const now = Date.now() * 1000;
  const base = { startUs: now, endUs: now, config };
  const fail = (why: string): ScenarioOutcome => ({ ok: false, error: why, messages: 0, bytes: 0, elapsedNs: 0, ...base, notes: [] });
  const tool = spec.scenario === 'producer-async' ? 'ProducerPerformance' : 'ConsumerPerformance';
  if (out.exitCode !== 0) {
    return fail(`${tool} exited with code ${out.exitCode}: ${out.stderr.trim().split('\n').slice(-2).join(' | ') || out.stdout.trim().split('\n').slice(-2).join(' | ') || 'no output'}`);
  }
  if (spec.scenario === 'producer-async') {
    const total = spec.warmup + spec.messages;
    const m = lastMatch(PRODUCED, out.stdout);
    if (!m) return fail(`no summary line in ${tool}'s output`);
    const sent = Number(m[1]);
    const perSec = Number(m[2]);
    const failed = Math.max(0, total - sent);
    const errors = exceptionCounts(out.stderr);
    if (failed > 0 && Object.keys(errors).length === 0) errors['delivery failed'] = failed;
    return {
      ok: true,
      messages: sent,
      bytes: sent * spec.messageSize,
      elapsedNs: perSec > 0 ? Math.max(1, Math.round((sent / perSec) * 1e9)) : 1,
      ...base,
      delivered: sent,
      failed,
      errors: failed > 0 ? errors : {},
      checksumUnavailable: PRODUCER_PAYLOAD_UNAVAILABLE,
      notes: [
        `JVM flags ${DRIVER_JVM_FLAGS.join(' ')}; ProducerPerformance of Kafka ${DEFAULT_KAFKA_VERSION} (kafka-tools)`,
        'timing from ProducerPerformance itself, not kbench’s producer window: from before its first send() to after close() (ms clock), no warm-up; delivered = records it saw acknowledged',
        `its own send→ack latency: avg ${m[4]} ms, p50 ${m[6]} ms, p95 ${m[7]} ms, p99 ${m[8]} ms, p99.9 ${m[9]} ms, max ${m[5]} ms`,
        `payload: ProducerPerformance's own, --record-size ${spec.messageSize}: random capital letters drawn per byte for every record (that drawing is inside its timing), not the kbench payload (${spec.payload.kind} source); the topic’s count is checked, not its content`,
        PROCESS_CPU,
      ],
    };
  }
  const m = lastMatch(CONSUMED, out.stdout);
  if (!m) return fail(`no summary line in ${tool}'s output`);
  const mb = m[3] as string;
  const count = Number(m[5]);
  const rebalanceMs = Number(m[7]);
  const fetchMs = Number(m[8]);
  // The tool prints MB (2^20 bytes) with 4 decimals: the exact byte count is confirmed at that resolution.
  const expectedBytes = count * spec.messageSize;
  const bytes = (expectedBytes / 1048576).toFixed(4) === mb ? expectedBytes : Math.round(Number(mb) * 1048576);
  const notes = [
    `JVM flags ${DRIVER_JVM_FLAGS.join(' ')}; ConsumerPerformance of Kafka ${DEFAULT_KAFKA_VERSION} (kafka-tools), subscribe() with a fresh group`,
    `reads the measured topic only (no warm-up topic: the tool has none), ${spec.messages} messages from the beginning`,
    `timing: the tool's own fetch time (ms clock), not kbench’s consumer window: its group join (${rebalanceMs} ms) subtracted from its elapsed time; it sets check.crcs=false and checksums nothing`,
    PROCESS_CPU,
  ];
  if (/WARNING: Exiting before consuming the expected number of messages/.test(out.stdout)) notes.push(`ConsumerPerformance gave up after ${Math.min(STALL_MS, spec.timeoutMs)} ms without records`);
  return {
    ok: true,
    messages: count,
    bytes,
    elapsedNs: Math.max(1, fetchMs) * 1e6,
    ...base,
    consumed: count,
    consumedBytes: bytes,
    warmupConsumed: 0,
    checksumUnavailable: CONSUMER_CHECKSUM_UNAVAILABLE,
    notes,
  };
}

export const driver: ExternalDriver = {
  kind: 'external',
  id: 'java-perf',
  client: 'kafka-tools ProducerPerformance / ConsumerPerformance',
  async describe(): Promise<DriverDescription> {
    const rt = javaRuntime();
    const base = {
      id: 'java-perf', client: `Kafka's ProducerPerformance / ConsumerPerformance (kafka-tools ${DEFAULT_KAFKA_VERSION})`, runtime: rt.version ? `java ${rt.version}` : 'java',
      scenarios: ['producer-async', 'consumer'] as DriverDescription['scenarios'], workerThreads: false, supportsWarmup: false, timed: false, security: FULL_SECURITY,
      ownPayloads: 'ProducerPerformance sends random capital letters of its own (--record-size), not kbench payloads: its topic is checked by count and bytes only',
      notes: [
        'the Java reference: Apache Kafka’s own benchmark tools on kafka-clients, from the broker’s jars',
        'no warm-up, its own timing, its own payloads (random capital letters per record), no payload checksum (counts and bytes are verified); producer-sync and e2e-latency are not modes of the tools',
        `JVM flags ${DRIVER_JVM_FLAGS.join(' ')}; CPU and RSS of the whole JVM process, start-up included`,
        `${securityNote(FULL_SECURITY)}; the SASL JAAS configuration reaches the tools in a 0600 properties file`,
      ],
    };
    if (rt.problem) return { ...base, version: 'unknown', available: false, reason: rt.problem };
    let j = jars();
    if (!j) {
      // The broker resolves these very jars next anyway; resolving here only moves the wait earlier.
      try {
        // Minutes on a first use: said on stderr (describe runs in kbench's own process, before any table).
        j = await resolveKafkaJars(parseKafkaVersion(DEFAULT_KAFKA_VERSION), { mvn: preflight({ needMaven: true }).mvn as string, log: (m) => process.stderr.write(`kbench: java-perf: ${m}…\n`) });
      } catch (err) {
        return { ...base, version: DEFAULT_KAFKA_VERSION, available: false, reason: `the Kafka ${DEFAULT_KAFKA_VERSION} jars are not resolved (run \`kbench broker fetch\`): ${errorMessage(err)}` };
      }
    }
    return { ...base, version: j.version, available: true };
  },
  command(spec: ArmSpec, specFile: string): ExternalCommand {
    const j = jars();
    const java = javaRuntime().java;
    if (!j || !java) throw new Error(javaRuntime().problem ?? `the Kafka ${DEFAULT_KAFKA_VERSION} jars are not resolved (run \`kbench broker fetch\`)`);
    const file = path.join(path.dirname(specFile), `${spec.scenario}.properties`);
    // 0600: it may hold the SASL JAAS configuration (with the password).
    fs.writeFileSync(file, propertiesText(toolConfig(spec)), { mode: 0o600 });
    return commandFor(spec, file, j.classpath, java);
  },
  parse(out, spec) {
    let config: ClientConfig = {};
    try {
      config = recordedConfig(spec);
    } catch {
      // command() already reported why
    }
    return parseToolOutput(out, spec, config);
  },
};
