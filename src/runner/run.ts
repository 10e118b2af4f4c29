// `kbench run` as data flowing through: RunSpec → describe drivers → broker → arms (each a fresh
// process, a fresh topic, verified) → results document. Views are rendered from the document.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KafkaConnection } from '../broker/admin.js';
import { createTopic, deleteTopicAndWait, describeCluster, partitionLeaders, rotatedAssignment, withAdmin } from '../broker/admin.js';
import { driverEntry, type DriverEntry } from '../drivers/registry.js';
import type { DriverDescription } from '../drivers/types.js';
import { armLabel, planArms, type PlannedArm, type RunSpec } from '../plan/plan.js';
import {
  RESULTS_SCHEMA,
  type Connection,
  type Repetition,
  type ResultsDocument,
  type RunEnv,
  type RunRecord,
  type ScenarioId,
  type WorkloadSettings,
  type ArmRuntime,
} from '../results/types.js';
import type { ArmSpec, ScenarioOutcome } from '../scenarios/types.js';
import type { PayloadSpec, ProgressLine } from '../contract/arm.js';
import { DeliveryLedger } from '../scenarios/ledger.js';
import { failoverReport } from '../stats/failover.js';
import { FAILOVER_TOPIC, FaultInjector, type FaultControl } from './failover.js';
import { LATENCY_HEADER_BYTES, expectedChecksum, loadPayload, payloadSpec } from '../verify/payload.js';
import { verifyOutcome, type Expectation } from '../verify/verify.js';
import { decodeHistogram, mergeHistograms, percentiles } from '../stats/latency.js';
import { shortfallNote } from '../scenarios/schedule.js';
import { backlogTrend } from './series.js';
import { captureWarnings } from './warnings.js';
import { SHORT_WINDOW_NS, summarize, usableValues } from '../stats/summary.js';
import { aaReport } from '../stats/significance.js';
import { EnvironmentError, UsageError, errorMessage } from '../util/errors.js';
import { redact, registerSecret, scrub, scrubDeep } from '../util/redact.js';
import { readCaPem, securityLabel, securityUnsupportedReason } from '../drivers/security.js';
import { kbenchVersion } from '../paths.js';
import { parseKafkaVersion } from '../broker/versions.js';
import { plannedRepetitions } from '../plan/plan.js';
import { prepareDriver, setPrepareLog } from '../runtime/prepare.js';
import { describeDriver, runArmProcess, runArmProcesses, type ArmPlacement, type ArmProcessResult } from './arm.js';
import { HELPER_DRIVERS, SEQ_READER, fillTopic, readBackSeqCounts, readBackTopic, warmBroker, warmBrokerLatency, LATENCY_WARMUP, type Helper, type WarmupReport } from './helpers.js';
import { resolvePlacement, type Placement } from './placement.js';

export interface RunEvents {
  info(message: string): void;
  armStart(arm: PlannedArm, total: number): void;
  armProgress(arm: PlannedArm, done: number): void;
  armEnd(arm: PlannedArm, rep: Repetition): void;
}

/**
 * How a caller stops a run and sees where it stands: `signal` aborted (kbench run on SIGINT/SIGTERM)
 * stops the arm that is running (its partial outcome kept, marked failed), runs no later arm and
 * returns the document so far; `phase` is what the run is doing at each moment, for the message that
 * says where it was interrupted.
 */
export interface RunControl {
  signal?: AbortSignal;
  phase: string;
}

export const silentEvents: RunEvents = { info: () => undefined, armStart: () => undefined, armProgress: () => undefined, armEnd: () => undefined };


export interface BrokerInfo {
  connection: Connection;
  kind: 'embedded' | 'external';
  version?: string;
  nodes: number;
  /** False once every node of the embedded broker has died (an external cluster is assumed alive). */
  alive(): boolean;
  /** Where the embedded broker keeps its logs (undefined for an external cluster). */
  storage?: 'tmpfs' | 'disk';
  /** Deletes a topic and returns once the deletion has finished (the next arm must not share the broker with it). */
  deleteTopic(topic: string): Promise<void>;
  stop(): Promise<void>;
  /** The embedded cluster's node controls, for failover arms (an external cluster has none). */
  faults?: FaultControl;
}

/** How long `--brokers` may take to answer a metadata request before the run gives up. */
export const REACH_TIMEOUT_MS = 12_000;

/** Proves an existing cluster answers (metadata round trip), or fails naming the address. */
export async function checkReachable(conn: Connection, timeoutMs = REACH_TIMEOUT_MS): Promise<void> {
  const where = conn.brokers.join(',');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    await Promise.race([describeCluster(adminConn(conn), { connectionTimeoutMs: 3000, requestTimeoutMs: 5000, retries: 1 }), timeout]);
  } catch (err) {
    throw new EnvironmentError(`cannot reach Kafka at ${where}: ${errorMessage(err)}`);
  } finally {
    clearTimeout(timer);
  }
}

function adminConn(c: Connection): KafkaConnection {
  const out: KafkaConnection = { brokers: c.brokers };
  const ca = readCaPem(c);
  if (c.ssl !== undefined) out.ssl = c.ssl === true ? true : c.ssl === false ? false : { ...(ca ? { ca: [ca] } : {}), rejectUnauthorized: c.ssl.rejectUnauthorized ?? true };
  if (c.sasl) out.sasl = { mechanism: c.sasl.mechanism, username: c.sasl.username, password: c.sasl.password } as KafkaConnection['sasl'];
  return out;
}

async function partitionCounts(conn: Connection, topic: string): Promise<number[]> {
  return withAdmin(adminConn(conn), async (admin) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    const counts: number[] = [];
    for (const o of offsets) counts[o.partition] = Number(o.high) - Number(o.low);
    return counts;
  });
}

/**
 * Messages in the topic, read until they reach `target` or 10 s pass: with acks 0/1 and replicas,
 * the high watermark moves only once followers catch up, a moment after the producer is done.
 * More than `target` returns at once (duplicates must fail the arm). undefined when unreadable.
 */
async function topicCountReaching(conn: Connection, topic: string, target: number, waitMs = 10_000): Promise<number | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const count = await partitionCounts(conn, topic).then((c) => c.reduce((s, v) => s + v, 0)).catch(() => undefined);
    if (count === undefined || count >= target || Date.now() > deadline) return count;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `ownSignals`: the caller handles SIGINT/SIGTERM itself (kbench run stops the arm and writes what finished), so the broker does not exit the process on them. */
export async function openBroker(spec: RunSpec, ev: RunEvents, placement: Placement, ownSignals = false): Promise<BrokerInfo> {
  if (spec.connection) {
    const conn = spec.connection;
    return { connection: conn, kind: 'external', nodes: 0, alive: () => true, deleteTopic: async (t) => void (await deleteTopicAndWait(adminConn(conn), t)), stop: async () => undefined };
  }
  const { startBroker } = await import('../broker/index.js');
  const sec = spec.embeddedSecurity;
  ev.info(`starting the embedded Kafka broker (${spec.nodes} node${spec.nodes > 1 ? 's' : ''}${sec?.sasl ? ', SASL' : ''}${sec?.tls ? ', TLS' : ''})…`);
  const b = await startBroker({
    nodes: spec.nodes,
    ...(spec.kafkaVersion ? { kafkaVersion: spec.kafkaVersion } : {}),
    ...(spec.heap ? { heap: spec.heap } : {}),
    ...(sec?.sasl ? { sasl: { ...(sec.sasl.username ? { username: sec.sasl.username } : {}), ...(sec.sasl.password ? { password: sec.sasl.password } : {}) } } : {}),
    ...(sec?.tls ? { tls: true } : {}),
    storage: spec.brokerStorage,
    ...(ownSignals ? { handleSignals: false } : {}),
    ...(placement.broker ? { cpus: placement.broker } : {}),
    // A first use of a Kafka version resolves its jars from Maven Central (a minute or more): said, not silent.
    log: (m) => {
      if (/^resolv/.test(m)) ev.info(m);
    },
  });
  const connection: Connection = { brokers: b.bootstrap.split(',') };
  const user = b.saslUser;
  if (sec?.sasl && user) connection.sasl = { mechanism: sec.sasl.mechanism, username: user.username, password: user.password };
  if (b.caFile) connection.ssl = { ca: b.caFile };
  ev.info(`broker ready at ${b.bootstrap} (Kafka ${b.kafkaVersion}, ${securityLabel(connection)}${user ? ` as ${user.username}` : ''}, logs on ${b.storage.kind}${b.storage.reason ? ` (${b.storage.reason})` : ''}, ${placement.note}, started in ${(b.startupMs / 1000).toFixed(1)} s)`);
  return {
    connection,
    kind: 'embedded',
    version: b.kafkaVersion,
    nodes: b.nodes.length,
    alive: () => b.nodes.some((n) => n.running),
    storage: b.storage.kind,
    deleteTopic: async (t) => void (await deleteTopicAndWait(adminConn(connection), t, { dataDirs: b.dataDirs })),
    stop: () => b.stop(),
    faults: {
      nodes: b.nodes.length,
      killNode: (id) => b.killNode(id),
      stopNode: (id) => b.stopNode(id),
      restartNode: (id) => b.restartNode(id),
      pauseNode: (id) => b.pauseNode(id),
      resumeNode: (id) => b.resumeNode(id),
    },
  };
}

/** "checking 4 drivers (and addon-loop, kafkajs to warm the broker up, fill and read back topics)…": what the user asked for, then what kbench adds. */
export function checkingLine(asked: readonly string[], described: readonly string[]): string {
  const n = new Set(asked).size;
  const added = described.filter((d) => !asked.includes(d));
  return `checking ${n} driver${n === 1 ? '' : 's'}${added.length ? ` (and ${added.join(', ')} to warm the broker up, fill and read back topics)` : ''}…`;
}

/** The test-only faults of --inject-fault, as the arm's spec carries them. */
function faultsFor(spec: RunSpec, driver: string): Pick<ArmSpec, 'faults'> {
  const f = spec.fault;
  if (!f || (f.driver && f.driver !== driver)) return {};
  if (f.kind === 'drop-one') return { faults: { dropOne: true } };
  if (f.kind === 'throw') return { faults: { throwIn: 'scenario' } };
  if (f.kind === 'warn') return { faults: { warn: true } };
  return { faults: { crash: true } };
}

/** Why an arm cannot run with this driver, or undefined when it can (`durationMs`: the arm's own duration, PlannedArm.durationMs). */
export function unsupportedReason(d: DriverDescription, scenario: ScenarioId, size: number, settings: WorkloadSettings, brokerVersion?: string, durationMs?: number): string | undefined {
  if (!d.available) return d.reason ?? 'driver unavailable';
  if (!d.scenarios.includes(scenario)) return `${d.id} does not run ${scenario}`;
  if (durationMs !== undefined && d.timed === false) return `${d.id} cannot stop after a duration (--duration without --rate): it sends a message count`;
  const lim = d.brokerLimit;
  if (lim && brokerVersion && lim.scenarios.includes(scenario) && Number(brokerVersion.split('.')[0]) > lim.maxMajor) return `Kafka ${brokerVersion}: ${lim.reason}`;
  if (scenario === 'e2e-latency' && size < LATENCY_HEADER_BYTES) return `e2e-latency needs messages of at least ${LATENCY_HEADER_BYTES} bytes`;
  if (scenario === 'failover' && !d.ledger) return `failover needs per-message delivery reports by sequence number, which kbench's ${d.id} driver does not record yet`;
  if (scenario === 'failover' && size < 8) return 'failover needs messages of at least 8 bytes (the sequence number)';
  const codecs = d.compressions;
  if (codecs && !codecs.includes(settings.compression)) return `${d.id} has no ${settings.compression} compression (has: ${codecs.join(', ')})`;
  return undefined;
}

/** A measured interval under 10 ms (e.g. one batch that arrived at once) gives a rate that means nothing. */
const tooShort = (o: ScenarioOutcome): boolean => o.ok && o.messages > 0 && o.elapsedNs < SHORT_WINDOW_NS;

/** Measured messages the arm was to send: the plan's count, or, for a timed unpaced arm, what it reports it sent (at most the cap). */
export function expectedMessages(arm: PlannedArm, o: ScenarioOutcome): number {
  if (arm.durationMs === undefined || !o.ok) return arm.messages;
  return o.messages > 0 && o.messages <= arm.messages ? o.messages : arm.messages;
}

function repetitionFrom(arm: PlannedArm, res: ArmProcessResult, expectedTopic: Omit<Expectation, 'scenario' | 'messages' | 'warmup' | 'messageSize'>, workers: number): Repetition {
  const o: ScenarioOutcome = res.outcome;
  const verification = verifyOutcome(o, { scenario: arm.scenario, messages: expectedMessages(arm, o), warmup: arm.warmup, messageSize: arm.messageSize, ...expectedTopic });
  const secs = o.elapsedNs / 1e9;
  const interval = o.cpuUserUs !== undefined && o.cpuSysUs !== undefined;
  const cpuUs = interval ? (o.cpuUserUs as number) + (o.cpuSysUs as number) : res.rusage ? res.rusage.userUs + res.rusage.sysUs : NaN;
  const rep: Repetition = {
    repetition: arm.repetition,
    ok: o.ok && verification.verified,
    messages: o.messages,
    bytes: o.bytes,
    elapsedNs: o.elapsedNs,
    msgsPerSec: o.ok && secs > 0 ? o.messages / secs : NaN,
    mbPerSec: o.ok && secs > 0 ? o.bytes / 1e6 / secs : NaN,
    cpuUsPerMsg: o.ok && o.messages > 0 ? cpuUs / o.messages : NaN,
    cpuSource: interval ? 'interval' : 'process',
    rssPeakBytes: res.rusage ? res.rusage.maxRssKb * 1024 : (o.rssPeakBytes ?? NaN),
    verification,
    workers,
    notes: o.notes,
  };
  if (tooShort(o)) {
    rep.shortWindow = true;
    rep.notes = [...(rep.notes ?? []), `the measured part lasted ${(o.elapsedNs / 1e6).toFixed(3)} ms: too short for a meaningful rate; use more --messages`];
  }
  if (arm.aaGroup) rep.aaGroup = arm.aaGroup;
  if (o.error) rep.error = o.error;
  for (const k of ['delivered', 'failed', 'errors', 'consumed', 'checksum'] as const) {
    if (o[k] !== undefined) (rep as unknown as Record<string, unknown>)[k] = o[k];
  }
  if (o.latencyHistogram) {
    rep.latencyHistogram = o.latencyHistogram;
    rep.latencyUs = percentiles(decodeHistogram(o.latencyHistogram));
  }
  if (o.serviceHistogram) {
    rep.serviceHistogram = o.serviceHistogram;
    rep.serviceTimeUs = percentiles(decodeHistogram(o.serviceHistogram));
  }
  // Paced arms: the rate asked and the rate held. A program that does not report it is measured by its window.
  if (arm.settings.rate > 0 && o.ok) {
    rep.requestedRate = o.requestedRate ?? arm.settings.rate;
    rep.achievedRate = o.achievedRate ?? (secs > 0 ? o.messages / secs : 0);
    if (o.achievedRate === undefined) rep.notes = [...(rep.notes ?? []), 'achieved rate: measured over the window (the program does not report its schedule)'];
    const short = shortfallNote(rep.requestedRate, rep.achievedRate);
    if (short && !(rep.notes ?? []).includes(short)) rep.notes = [...(rep.notes ?? []), short];
  }
  if (res.series) {
    rep.series = res.series;
    if (arm.settings.rate > 0 && o.ok && backlogTrend(res.series, arm.settings.rate)?.growing) {
      rep.notes = [...(rep.notes ?? []), `backlog growing: ${(res.series.backlog ?? []).slice(-2, -1)[0] ?? 0} messages not yet ${arm.scenario === 'e2e-latency' ? 'received' : 'acknowledged'} at the end of sending, and rising — the rate is not sustained end to end`];
    }
  }
  if (res.rusage) rep.process = res.rusage;
  if (expectedTopic.failover?.result) rep.failover = expectedTopic.failover.result;
  return rep;
}

function failedRepetition(arm: PlannedArm, error: string, workers: number): Repetition {
  return {
    repetition: arm.repetition, ok: false, error, messages: 0, bytes: 0, elapsedNs: 0, msgsPerSec: NaN, mbPerSec: NaN,
    cpuUsPerMsg: NaN, cpuSource: 'process', rssPeakBytes: NaN, workers,
    verification: { verified: false, checks: [], failures: [error] },
  };
}

export function buildRecords(spec: RunSpec, arms: readonly PlannedArm[], reps: ReadonlyMap<number, Repetition>, configs: ReadonlyMap<number, Record<string, string | number | boolean>>): RunRecord[] {
  const groups = new Map<string, PlannedArm[]>();
  for (const a of arms) {
    if (!reps.has(a.index)) continue;
    const key = `${a.driver}\u0000${a.scenario}\u0000${a.messageSize}`;
    const g = groups.get(key) ?? [];
    g.push(a);
    groups.set(key, g);
  }
  const records: RunRecord[] = [];
  for (const g of groups.values()) {
    const first = g[0] as PlannedArm;
    const repetitions = g.map((a) => reps.get(a.index) as Repetition);
    const ok = repetitions.filter((r) => r.ok);
    const latency = mergeHistograms(ok.map((r) => r.latencyHistogram));
    const service = mergeHistograms(ok.map((r) => r.serviceHistogram));
    const config = g.map((a) => configs.get(a.index)).find((c) => c && Object.keys(c).length > 0) ?? {};
    records.push({
      driver: first.driver,
      scenario: first.scenario,
      messageSize: first.messageSize,
      messages: first.messages,
      warmup: first.warmup,
      partitions: spec.partitions,
      replication: first.scenario === 'failover' ? FAILOVER_TOPIC.replication : spec.replication,
      workers: spec.workers,
      settings: first.settings,
      config: redact(config),
      verified: repetitions.every((r) => r.ok),
      repetitions,
      summary: {
        // A window under 10 ms gives a rate that means nothing: it stays out of the summaries.
        msgsPerSec: summarize(usableValues(repetitions, 'msgsPerSec')),
        mbPerSec: summarize(usableValues(repetitions, 'mbPerSec')),
        cpuUsPerMsg: summarize(usableValues(repetitions, 'cpuUsPerMsg')),
        rssPeakBytes: summarize(ok.map((r) => r.rssPeakBytes)),
        ...(latency ? { latencyUs: percentiles(latency) } : {}),
        ...(service ? { serviceTimeUs: percentiles(service) } : {}),
      },
      ...(first.durationMs !== undefined ? { durationMs: first.durationMs } : {}),
    });
  }
  return records;
}

/**
 * Runs the benchmark. Process warnings raised in kbench's own process meanwhile (its kafkajs admin
 * client: e.g. kafkajs's TimeoutNegativeWarning on Node 24) are recorded in env.method.ownWarnings —
 * they say nothing about a measured client, so they are neither printed nor run warnings; the arms'
 * own are their arms' notes (src/runner/warnings.ts).
 */
export async function runBenchmark(spec: RunSpec, ev: RunEvents = silentEvents, control: RunControl = { phase: '' }): Promise<ResultsDocument> {
  const captured = captureWarnings();
  try {
    const doc = await runBenchmarkInner(spec, ev, control);
    const own = captured.notes();
    if (own.length) doc.env.method = { ...doc.env.method, ownWarnings: own };
    return doc;
  } finally {
    captured.restore();
  }
}

async function runBenchmarkInner(spec: RunSpec, ev: RunEvents, control: RunControl): Promise<ResultsDocument> {
  const startedAt = new Date().toISOString();
  const phase = (p: string): void => void (control.phase = p);
  const interrupted = (): boolean => control.signal?.aborted === true;
  phase(spec.connection ? `checking that ${spec.connection.brokers.join(',')} answers` : 'starting');
  if (spec.connection) await checkReachable(spec.connection);
  // Every password this run knows (given, or generated for the embedded broker): scrubbed from all it reports.
  const secrets = [spec.connection?.sasl?.password, spec.embeddedSecurity?.sasl?.password].filter((s): s is string => Boolean(s));
  secrets.forEach(registerSecret);
  const clean = (s: string): string => scrub(s, secrets);
  setPrepareLog((line) => ev.info(clean(line)));
  const entries = new Map<string, DriverEntry>();
  for (const id of spec.drivers) {
    const e = driverEntry(id);
    if (!e) throw new Error(`unknown driver '${id}'`);
    entries.set(id, { ...e, librdkafka: spec.librdkafka ?? 'bundled' });
  }
  // Runtimes and client installs first (fetched and built once, with progress lines): a version or a
  // Node the registry does not have stops the run here; a build that fails leaves the driver unavailable.
  for (const e of entries.values()) {
    phase(`preparing ${e.id} (its runtime and client install)`);
    await prepareDriver(e, e.librdkafka ?? 'shared').catch((err: unknown) => {
      if (err instanceof UsageError) throw err;
    });
  }
  // Prefill candidates are described too, so consumer arms can be prepared without the user asking for them.
  const toDescribe = new Set([...spec.drivers, ...HELPER_DRIVERS.filter((d) => driverEntry(d))]);
  ev.info(checkingLine(spec.drivers, [...toDescribe]));
  phase(`checking the drivers (${[...toDescribe].join(', ')})`);
  const descriptions = new Map<string, DriverDescription>();
  const ids = [...toDescribe];
  for (let i = 0; i < ids.length; i += 2) {
    const batch = ids.slice(i, i + 2);
    const ds = await Promise.all(batch.map((id) => describeDriver(entries.get(id) ?? (driverEntry(id) as DriverEntry))));
    batch.forEach((id, k) => descriptions.set(id, ds[k] as DriverDescription));
  }
  const helperDriver = HELPER_DRIVERS.find((d) => descriptions.get(d)?.available);

  const doc: ResultsDocument = {
    schema: RESULTS_SCHEMA,
    env: envOf(descriptions, spec, startedAt),
    options: redact(spec.options),
    baseline: spec.baseline,
    runs: [],
    skipped: [],
    warnings: [],
  };
  const eol = endOfLifeWarning(process.versions.node, spec.drivers);
  if (eol) doc.warnings.push(eol);
  const arms = planArms(spec);
  // The embedded broker's version is known before it starts (an external one's is not: drivers check it themselves).
  const brokerVersion = spec.connection ? undefined : parseKafkaVersion(spec.kafkaVersion).version;
  const runnable: PlannedArm[] = [];
  const skippedKeys = new Set<string>();
  for (const arm of arms) {
    const d = descriptions.get(arm.driver) as DriverDescription;
    const why = unsupportedReason(d, arm.scenario, arm.messageSize, arm.settings, brokerVersion, arm.durationMs) ?? securityUnsupportedReason(d, plannedConnection(spec))
      ?? (arm.scenario === 'failover' && spec.connection ? 'failover needs the embedded cluster (kbench kills, pauses and restarts its nodes): faulting a --brokers cluster is not built yet' : undefined);
    if (why) {
      const key = `${arm.driver}/${arm.scenario}/${arm.messageSize}`;
      if (!skippedKeys.has(key)) doc.skipped.push({ driver: arm.driver, scenario: arm.scenario, messageSize: arm.messageSize, reason: why });
      skippedKeys.add(key);
      continue;
    }
    if (arm.scenario === 'consumer' && !helperDriver) {
      doc.skipped.push({ driver: arm.driver, scenario: arm.scenario, messageSize: arm.messageSize, reason: 'no driver available to pre-fill the topic' });
      continue;
    }
    if (d.supportsWarmup === false && arm.warmup > 0) arm.warmup = 0;
    runnable.push(arm);
  }
  for (const d of descriptions.values()) {
    if (spec.drivers.includes(d.id) && d.available && spec.workers > 1 && !d.workerThreads) {
      doc.warnings.push(`${d.id} cannot load in several worker threads of one process: --workers ${spec.workers} runs ${spec.workers} processes instead`);
    }
  }

  const placement = resolvePlacement(spec.cpus, os.cpus().length, !spec.connection);
  const armPlacement: ArmPlacement = placement.arms ? { cpus: placement.arms } : {};
  const payloadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-payload-'));
  const payloads = new Map<number, PayloadSpec>();
  const payloadFor = (size: number): PayloadSpec => {
    let p = payloads.get(size);
    if (!p) payloads.set(size, (p = payloadSpec(spec.payload.kind, size, payloadDir, spec.payload.file)));
    return p;
  };
  // Expected checksums of seq 0 .. count − 1, computed once per size and count.
  const checksums = new Map<string, string>();
  const expectedFor = (size: number, count: number): string => {
    const key = `${size}/${count}`;
    let c = checksums.get(key);
    if (c === undefined) checksums.set(key, (c = expectedChecksum(size, 0, count, loadPayload(payloadFor(size))).hex));
    return c;
  };
  let broker: BrokerInfo;
  phase(spec.connection ? 'connecting to the cluster' : 'starting the embedded broker');
  try {
    broker = await openBroker(spec, ev, placement, control.signal !== undefined);
  } catch (err) {
    fs.rmSync(payloadDir, { recursive: true, force: true });
    throw err;
  }
  const brokerPassword = broker.connection.sasl?.password;
  if (brokerPassword && !secrets.includes(brokerPassword)) {
    secrets.push(brokerPassword);
    registerSecret(brokerPassword);
  }
  const reps = new Map<number, Repetition>();
  const configs = new Map<number, Record<string, string | number | boolean>>();
  const runtimes = new Map<string, ArmRuntime>();
  const runId = crypto.randomBytes(4).toString('hex');
  let warmup: WarmupReport | undefined;
  let latencyWarmup: { rounds: { p50Us: number }[]; steady: boolean } | undefined;
  try {
    const security = securityLabel(broker.connection);
    doc.env.broker = { kind: broker.kind, nodes: broker.nodes, bootstrap: broker.connection.brokers.join(','), ...(broker.version ? { version: broker.version } : {}), ...(security !== 'PLAINTEXT' ? { security } : {}) };
    const conn = broker.connection;
    const helper: Helper | undefined = helperDriver ? { conn, driver: helperDriver, timeoutMs: spec.timeoutMs, placement: armPlacement } : undefined;
    const dropTopic = (topic: string): Promise<void> => broker.deleteTopic(topic).catch((err: unknown) => void doc.warnings.push(`deleting ${topic}: ${errorMessage(err)}`));
    if (spec.brokerWarmup.messages > 0 && helper && runnable.length > 0 && !interrupted()) {
      phase(`warming the broker up (${helper.driver})`);
      const topic = `kbench-${runId}-broker-warmup`;
      await createTopic(adminConn(conn), { topic, partitions: 1, replication: 1 });
      const t0 = Date.now();
      try {
        warmup = await warmBroker(helper, spec.brokerWarmup, topic, payloadFor(100), `${runId}-warmup`, (m) => ev.info(m));
      } finally {
        await dropTopic(topic);
      }
      ev.info(`broker warm-up: ${warmup.rounds.length} write and ${warmup.reads.length} read rounds of ${spec.brokerWarmup.messages.toLocaleString('en-US')} messages in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${warmup.steady ? `steady (last two within ${spec.brokerWarmup.tolerance * 100} %)` : `NOT steady after ${spec.brokerWarmup.maxRounds} rounds`}`);
      if (!warmup.steady) doc.warnings.push(`the broker warm-up did not settle within ${spec.brokerWarmup.maxRounds} rounds (last rates ${warmup.rounds.slice(-2).map((r) => Math.round(r.msgsPerSec)).join(', ')} msgs/s): early arms may still see a warming broker`);
    }
    // Latency arms: the broker's per-message path warmed too, until the median settles.
    if (spec.brokerWarmup.messages > 0 && helper && !interrupted() && runnable.some((a) => a.scenario === 'e2e-latency' || a.scenario === 'producer-sync')) {
      phase(`warming the broker's latency path up (${helper.driver})`);
      const made: string[] = [];
      try {
        const lw = await warmBrokerLatency(helper, LATENCY_WARMUP, async (r) => {
          const t = `kbench-${runId}-latency-warmup-${r}`;
          await createTopic(adminConn(conn), { topic: t, partitions: 1, replication: 1 });
          made.push(t);
          return t;
        }, payloadFor(100), `${runId}-lwarm`, (m) => ev.info(m));
        latencyWarmup = lw;
        if (!lw.steady) doc.warnings.push(`the broker's latency warm-up did not settle within ${LATENCY_WARMUP.maxRounds} rounds (p50 ${lw.rounds.slice(-2).map((x) => (x.p50Us / 1000).toFixed(2)).join(', ')} ms): early latency arms may still see a warming broker`);
      } finally {
        for (const t of made) await dropTopic(t);
      }
    }
    let brokerDied = false;
    for (const [i, arm] of runnable.entries()) {
      if (brokerDied || interrupted()) {
        doc.skipped.push({ driver: arm.driver, scenario: arm.scenario, messageSize: arm.messageSize, reason: `repetition ${arm.repetition} not run: ${brokerDied ? 'the broker died' : 'the run was interrupted'}` });
        continue;
      }
      const label = `arm ${i + 1}/${runnable.length} (${armLabel(arm)})`;
      phase(`${label}: creating its topic`);
      ev.armStart(arm, runnable.length);
      const abort = new AbortController();
      const onInterrupt = (): void => abort.abort(`interrupted (${String(control.signal?.reason ?? 'aborted')})`);
      control.signal?.addEventListener('abort', onInterrupt, { once: true });
      const watch = setInterval(() => {
        if (!broker.alive()) {
          brokerDied = true;
          abort.abort('the broker died during the arm');
        }
      }, 250);
      const topic = `kbench-${runId}-${arm.index}-${arm.driver}-${arm.scenario}`.replace(/[^A-Za-z0-9._-]/g, '_');
      const topics = [topic];
      const desc = descriptions.get(arm.driver) as DriverDescription;
      const entry = entries.get(arm.driver) as DriverEntry;
      const payload = payloadFor(arm.messageSize);
      let rep: Repetition;
      const fo = arm.scenario === 'failover' && spec.failover && broker.faults ? { plan: spec.failover, control: broker.faults } : undefined;
      const injector = fo ? new FaultInjector(fo.control, fo.plan, (m) => ev.info(`  ${m}`)) : undefined;
      let led: number[] = [];
      try {
        if (fo) {
          // Partition p led by node p mod nodes: the faulted node leads the same partitions in every arm.
          await createTopic(adminConn(conn), { topic, partitions: spec.partitions, replication: FAILOVER_TOPIC.replication, configs: FAILOVER_TOPIC.configs, assignment: rotatedAssignment(spec.partitions, FAILOVER_TOPIC.replication, fo.control.nodes) });
          const leaders = await partitionLeaders(adminConn(conn), topic);
          led = leaders.flatMap((l, p) => (l === fo.plan.node ? [p] : []));
          if (!led.length) throw new Error(`node ${fo.plan.node} leads no partition of ${topic} (leaders ${leaders.join(',')}): the fault would not touch the arm`);
        } else await createTopic(adminConn(conn), { topic, partitions: spec.partitions, replication: spec.replication });
        const base: ArmSpec = {
          protocol: 2,
          armId: `${runId}-${arm.index}`,
          driver: arm.driver,
          scenario: arm.scenario,
          messageSize: arm.messageSize,
          messages: arm.messages,
          ...(arm.durationMs !== undefined ? { durationMs: arm.durationMs } : {}),
          warmup: arm.warmup,
          firstSeq: 0,
          topic,
          partitions: spec.partitions,
          payload,
          connection: conn,
          settings: arm.settings,
          extraConfig: spec.extraConfig,
          timeoutMs: spec.timeoutMs,
          threads: 1,
          clientId: `kbench-${arm.driver}-${arm.index}`,
          groupId: `kbench-${runId}-${arm.index}`,
          resultFile: '',
          ...faultsFor(spec, arm.driver),
          ...(spec.armLaunch ? { launch: spec.armLaunch } : {}),
          ...(fo ? { failover: { faultAt: fo.plan.atMessage } } : {}),
        };
        const expected: Omit<Expectation, 'scenario' | 'messages' | 'warmup' | 'messageSize'> = {};
        if (arm.scenario === 'consumer') {
          // The measured topic holds exactly the measured messages; the warm-up topic the client's own warm-up data.
          const h = helper as Helper;
          phase(`${label}: filling its topic (${h.driver})`);
          await fillTopic(h, topic, spec.partitions, arm.messageSize, arm.messages, payload, arm.settings.compression, `${runId}-fill-${arm.index}`);
          if (arm.warmup > 0) {
            const warmTopic = `${topic}-warmup`;
            topics.push(warmTopic);
            await createTopic(adminConn(conn), { topic: warmTopic, partitions: 1, replication: spec.replication });
            await fillTopic(h, warmTopic, 1, arm.messageSize, arm.warmup, payload, arm.settings.compression, `${runId}-fillw-${arm.index}`);
            base.warmupTopic = warmTopic;
          }
          expected.checksum = expectedFor(arm.messageSize, arm.messages);
          base.partitionCounts = await partitionCounts(conn, topic);
        }
        const threads = spec.workers > 1 && desc.workerThreads ? spec.workers : 1;
        const procs = spec.workers > 1 && !desc.workerThreads ? spec.workers : 1;
        base.threads = threads;
        phase(`${label}: running`);
        const progress = (done: number): void => {
          phase(`${label}: running, ${done.toLocaleString('en-US')} messages done`);
          ev.armProgress(arm, done);
        };
        const onLine = injector ? (l: ProgressLine): void => {
          if (l.fault) injector.trigger();
        } : undefined;
        const res = procs > 1 ? await runArmProcesses(base, procs, entry, progress, abort.signal, armPlacement) : await runArmProcess(base, entry, progress, abort.signal, armPlacement, undefined, onLine);
        if (res.outcome.error) res.outcome.error = clean(res.outcome.error);
        if (injector && fo) {
          phase(`${label}: waiting for node ${fo.plan.node} to come back`);
          if (interrupted()) injector.resume();
          await injector.settle();
          const ledger = res.outcome.ledger;
          delete res.outcome.ledger; // a float per message: weighed here, not carried into the results
          if (ledger && res.outcome.ok && !interrupted()) {
            phase(`${label}: reading its topic back (every sequence number counted)`);
            const records = (await partitionCounts(conn, topic)).reduce((a, b) => a + b, 0);
            const reader: Helper = { conn, driver: SEQ_READER, timeoutMs: spec.timeoutMs, placement: armPlacement };
            const rb = await readBackSeqCounts(reader, topic, spec.partitions, arm.messageSize, records, arm.warmup + arm.messages, payload, `${runId}-read-${arm.index}`);
            const l = DeliveryLedger.decode(ledger);
            expected.failover = {
              result: failoverReport(l, rb.seen, rb.foreign, injector.fault(l.t0Us, led), arm.settings.rate, res.outcome.messages, (res.outcome.endUs - l.t0Us) / 1000),
              topicRecords: records,
              readRecords: rb.consumed,
              ...(rb.error ? { readError: clean(rb.error) } : {}),
            };
          }
        }
        if (arm.scenario === 'producer-async' || arm.scenario === 'producer-sync') {
          const total = arm.warmup + expectedMessages(arm, res.outcome);
          phase(`${label}: counting and reading back its topic`);
          // A failed arm's count is read once: waiting for messages it never sent would only cost 10 s.
          const count = await topicCountReaching(conn, topic, total, res.outcome.ok ? 10_000 : 0);
          if (count !== undefined) expected.topicMessages = count;
          if (res.outcome.ok && count === total && helper && !brokerDied && !interrupted()) {
            expected.readBack = await readBackTopic(helper, topic, spec.partitions, arm.messageSize, total, payload, `${runId}-read-${arm.index}`);
            if (desc.ownPayloads) expected.ownPayloads = desc.ownPayloads;
            else expected.readBackChecksum = expectedFor(arm.messageSize, total);
          }
        }
        configs.set(arm.index, res.outcome.config);
        if (res.runtime) runtimes.set(arm.driver, res.runtime);
        rep = repetitionFrom(arm, res, expected, spec.workers);
      } catch (err) {
        rep = failedRepetition(arm, clean(errorMessage(err)), spec.workers);
      } finally {
        clearInterval(watch);
        control.signal?.removeEventListener('abort', onInterrupt);
        injector?.resume();
      }
      if (!broker.alive()) brokerDied = true;
      reps.set(arm.index, rep);
      ev.armEnd(arm, rep);
      // The next arm starts only once this arm's topics are gone (deletion is broker work too).
      phase(`${label}: deleting its topics`);
      if (!brokerDied) for (const t of topics) await dropTopic(t);
    }
    if (brokerDied) doc.warnings.push('the broker died during the run: the interrupted arm is marked failed and later arms were not run');
    if (interrupted()) doc.warnings.push(`the run was interrupted (${String(control.signal?.reason ?? 'aborted')}): the arm running then is marked failed, later arms were not run`);
  } finally {
    phase(broker.kind === 'embedded' ? 'stopping the embedded broker' : 'finishing');
    await broker.stop().catch((err: unknown) => doc.warnings.push(`stopping the broker: ${errorMessage(err)}`));
    fs.rmSync(payloadDir, { recursive: true, force: true });
  }
  doc.runs = buildRecords(spec, runnable, reps, configs);
  for (const r of doc.runs) {
    const rt = runtimes.get(r.driver);
    if (rt) r.runtime = rt;
  }
  doc.env.method = {
    brokerStorage: broker.storage,
    placement: { ...(placement.broker ? { broker: placement.broker } : {}), ...(placement.arms ? { arms: placement.arms } : {}), note: placement.note },
    ...(warmup ? { brokerWarmup: { rounds: warmup.rounds, reads: warmup.reads, steady: warmup.steady, tolerance: warmup.tolerance, ...(latencyWarmup ? { latency: latencyWarmup.rounds, latencySteady: latencyWarmup.steady } : {}) } } : {}),
    order: 'repetitions interleaved across drivers; the driver order rotates by one per repetition',
    repetitions: plannedRepetitions(spec),
    payload: spec.payload.kind,
  };
  if (spec.aa) doc.aa = aaReport(doc.runs);
  doc.env.finishedAt = new Date().toISOString();
  // Configs are redacted by key and errors scrubbed where they arise; this catches whatever else a client echoed.
  return scrubDeep(doc, secrets);
}

/**
 * Node before 22 is past its end of life (Node 20: April 2026): said once per run when a Node driver
 * runs on it (the running Node, for keys that do not name a runtime).
 */
export function endOfLifeWarning(running: string, keys: readonly string[]): string | undefined {
  if (Number(running.split('.')[0]) >= 22) return undefined;
  const onIt = keys.filter((k) => {
    const e = driverEntry(k);
    return e?.kind === 'node' && (!e.variant?.node || e.variant.node === 'current');
  });
  if (!onIt.length) return undefined;
  return `Node ${running} is past its end of life (Node 20: April 2026) and ${onIt.join(', ')} ran on it: today's clients target Node 24 and 22 (@platformatic/kafka 2.x needs ≥ 22.22); run kbench on Node 24, or give --node 24`;
}

/** How the arms will connect (the embedded broker's address is not known yet): for the drivers' security check. */
function plannedConnection(spec: RunSpec): Connection {
  if (spec.connection) return spec.connection;
  const sec = spec.embeddedSecurity;
  return {
    brokers: [],
    ...(sec?.sasl ? { sasl: { mechanism: sec.sasl.mechanism, username: '', password: '' } } : {}),
    ...(sec?.tls ? { ssl: true } : {}),
  };
}

function envOf(descriptions: ReadonlyMap<string, DriverDescription>, spec: RunSpec, startedAt: string): RunEnv {
  const drivers: RunEnv['drivers'] = {};
  for (const d of descriptions.values()) {
    if (!spec.drivers.includes(d.id)) continue;
    drivers[d.id] = { version: d.version, runtime: d.runtime, client: d.client, ...(d.librdkafka ? { librdkafka: d.librdkafka } : {}) };
  }
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.versions.node,
    broker: { kind: spec.connection ? 'external' : 'embedded', nodes: spec.nodes, bootstrap: '' },
    drivers,
    kbench: kbenchVersion(),
    startedAt,
  };
}
