// `kbench run` as data flowing through: RunSpec → describe drivers → broker → arms (each a fresh
// process, a fresh topic, verified) → results document. Views are rendered from the document.
import crypto from 'node:crypto';
import os from 'node:os';
import type { KafkaConnection } from '../broker/admin.js';
import { createTopic, deleteTopic, describeCluster, withAdmin } from '../broker/admin.js';
import { driverEntry, type DriverEntry } from '../drivers/registry.js';
import type { DriverDescription } from '../drivers/types.js';
import { planArms, type PlannedArm, type RunSpec } from '../plan/plan.js';
import {
  RESULTS_SCHEMA,
  type Connection,
  type Repetition,
  type ResultsDocument,
  type RunEnv,
  type RunRecord,
  type ScenarioId,
  type WorkloadSettings,
} from '../results/types.js';
import type { ArmSpec, ScenarioOutcome } from '../scenarios/types.js';
import { LATENCY_HEADER_BYTES, expectedChecksum, payloadSpec } from '../verify/payload.js';
import { verifyOutcome } from '../verify/verify.js';
import { decodeHistogram, mergeHistograms, percentiles } from '../stats/latency.js';
import { summarize } from '../stats/summary.js';
import { EnvironmentError, errorMessage } from '../util/errors.js';
import { redact, registerSecret, scrub, scrubDeep } from '../util/redact.js';
import { readCaPem, securityLabel, securityUnsupportedReason } from '../drivers/security.js';
import { kbenchVersion } from '../paths.js';
import { parseKafkaVersion } from '../broker/versions.js';
import { describeDriver, runArmProcess, runArmProcesses, type ArmProcessResult } from './arm.js';

export interface RunEvents {
  info(message: string): void;
  armStart(arm: PlannedArm, total: number): void;
  armProgress(arm: PlannedArm, done: number): void;
  armEnd(arm: PlannedArm, rep: Repetition): void;
}

export const silentEvents: RunEvents = { info: () => undefined, armStart: () => undefined, armProgress: () => undefined, armEnd: () => undefined };

/** Drivers used to pre-fill consumer topics, best first (the addon's C++ loop is the fastest writer). */
const PREFILL_DRIVERS = ['addon-loop', 'node-rdkafka', 'kafkajs'];
const LIBRDKAFKA_PREFILL = new Set(['addon-loop', 'node-rdkafka']);

export interface BrokerInfo {
  connection: Connection;
  kind: 'embedded' | 'external';
  version?: string;
  nodes: number;
  /** False once every node of the embedded broker has died (an external cluster is assumed alive). */
  alive(): boolean;
  stop(): Promise<void>;
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

async function openBroker(spec: RunSpec, ev: RunEvents): Promise<BrokerInfo> {
  if (spec.connection) {
    return { connection: spec.connection, kind: 'external', nodes: 0, alive: () => true, stop: async () => undefined };
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
  });
  const connection: Connection = { brokers: b.bootstrap.split(',') };
  const user = b.saslUser;
  if (sec?.sasl && user) connection.sasl = { mechanism: sec.sasl.mechanism, username: user.username, password: user.password };
  if (b.caFile) connection.ssl = { ca: b.caFile };
  ev.info(`broker ready at ${b.bootstrap} (Kafka ${b.kafkaVersion}, ${securityLabel(connection)}${user ? ` as ${user.username}` : ''}, started in ${(b.startupMs / 1000).toFixed(1)} s)`);
  return {
    connection,
    kind: 'embedded',
    version: b.kafkaVersion,
    nodes: b.nodes.length,
    alive: () => b.nodes.some((n) => n.running),
    stop: () => b.stop(),
  };
}

/** The test-only faults of --inject-fault, as the arm's spec carries them. */
function faultsFor(spec: RunSpec, driver: string): Pick<ArmSpec, 'faults'> {
  const f = spec.fault;
  if (!f || (f.driver && f.driver !== driver)) return {};
  if (f.kind === 'drop-one') return { faults: { dropOne: true } };
  if (f.kind === 'throw') return { faults: { throwIn: 'scenario' } };
  return { faults: { crash: true } };
}

/** Why an arm cannot run with this driver, or undefined when it can. */
export function unsupportedReason(d: DriverDescription, scenario: ScenarioId, size: number, settings: WorkloadSettings, brokerVersion?: string): string | undefined {
  if (!d.available) return d.reason ?? 'driver unavailable';
  if (!d.scenarios.includes(scenario)) return `${d.id} does not run ${scenario}`;
  const lim = d.brokerLimit;
  if (lim && brokerVersion && lim.scenarios.includes(scenario) && Number(brokerVersion.split('.')[0]) > lim.maxMajor) return `Kafka ${brokerVersion}: ${lim.reason}`;
  if (scenario === 'e2e-latency' && size < LATENCY_HEADER_BYTES) return `e2e-latency needs messages of at least ${LATENCY_HEADER_BYTES} bytes`;
  const codecs = d.compressions;
  if (codecs && !codecs.includes(settings.compression)) return `${d.id} has no ${settings.compression} compression (has: ${codecs.join(', ')})`;
  return undefined;
}

/** A measured interval under 10 ms (e.g. one batch that arrived at once) gives a rate that means nothing. */
const MIN_MEANINGFUL_NS = 10_000_000;
const tooShort = (o: ScenarioOutcome): boolean => o.ok && o.messages > 0 && o.elapsedNs < MIN_MEANINGFUL_NS;

function repetitionFrom(arm: PlannedArm, res: ArmProcessResult, expectedTopic: { checksum?: string; topicMessages?: number }, workers: number): Repetition {
  const o: ScenarioOutcome = res.outcome;
  const verification = verifyOutcome(o, { scenario: arm.scenario, messages: arm.messages, warmup: arm.warmup, messageSize: arm.messageSize, ...expectedTopic });
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
  if (tooShort(o)) rep.notes = [...(rep.notes ?? []), `the measured part lasted ${(o.elapsedNs / 1e6).toFixed(3)} ms: too short for a meaningful rate; use more --messages`];
  if (o.error) rep.error = o.error;
  for (const k of ['delivered', 'failed', 'errors', 'consumed', 'checksum'] as const) {
    if (o[k] !== undefined) (rep as unknown as Record<string, unknown>)[k] = o[k];
  }
  if (o.latencyHistogram) {
    rep.latencyHistogram = o.latencyHistogram;
    rep.latencyUs = percentiles(decodeHistogram(o.latencyHistogram));
  }
  if (res.rusage) rep.process = res.rusage;
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
    const config = g.map((a) => configs.get(a.index)).find((c) => c && Object.keys(c).length > 0) ?? {};
    records.push({
      driver: first.driver,
      scenario: first.scenario,
      messageSize: first.messageSize,
      messages: first.messages,
      warmup: first.warmup,
      partitions: spec.partitions,
      replication: spec.replication,
      workers: spec.workers,
      settings: first.settings,
      config: redact(config),
      verified: repetitions.every((r) => r.ok),
      repetitions,
      summary: {
        msgsPerSec: summarize(ok.map((r) => r.msgsPerSec)),
        mbPerSec: summarize(ok.map((r) => r.mbPerSec)),
        cpuUsPerMsg: summarize(ok.map((r) => r.cpuUsPerMsg)),
        rssPeakBytes: summarize(ok.map((r) => r.rssPeakBytes)),
        ...(latency ? { latencyUs: percentiles(latency) } : {}),
      },
    });
  }
  return records;
}

export async function runBenchmark(spec: RunSpec, ev: RunEvents = silentEvents): Promise<ResultsDocument> {
  const startedAt = new Date().toISOString();
  if (spec.connection) await checkReachable(spec.connection);
  // Every password this run knows (given, or generated for the embedded broker): scrubbed from all it reports.
  const secrets = [spec.connection?.sasl?.password, spec.embeddedSecurity?.sasl?.password].filter((s): s is string => Boolean(s));
  secrets.forEach(registerSecret);
  const clean = (s: string): string => scrub(s, secrets);
  const entries = new Map<string, DriverEntry>();
  for (const id of spec.drivers) {
    const e = driverEntry(id);
    if (!e) throw new Error(`unknown driver '${id}'`);
    entries.set(id, e);
  }
  // Prefill candidates are described too, so consumer arms can be prepared without the user asking for them.
  const toDescribe = new Set([...spec.drivers, ...PREFILL_DRIVERS.filter((d) => driverEntry(d))]);
  ev.info(`checking ${toDescribe.size} driver${toDescribe.size > 1 ? 's' : ''}…`);
  const descriptions = new Map<string, DriverDescription>();
  const ids = [...toDescribe];
  for (let i = 0; i < ids.length; i += 2) {
    const batch = ids.slice(i, i + 2);
    const ds = await Promise.all(batch.map((id) => describeDriver(driverEntry(id) as DriverEntry)));
    batch.forEach((id, k) => descriptions.set(id, ds[k] as DriverDescription));
  }
  const prefillDriver = PREFILL_DRIVERS.find((d) => descriptions.get(d)?.available);

  const doc: ResultsDocument = {
    schema: RESULTS_SCHEMA,
    env: envOf(descriptions, spec, startedAt),
    options: redact(spec.options),
    baseline: spec.baseline,
    runs: [],
    skipped: [],
    warnings: [],
  };
  const arms = planArms(spec);
  // The embedded broker's version is known before it starts (an external one's is not: drivers check it themselves).
  const brokerVersion = spec.connection ? undefined : parseKafkaVersion(spec.kafkaVersion).version;
  const runnable: PlannedArm[] = [];
  const skippedKeys = new Set<string>();
  for (const arm of arms) {
    const d = descriptions.get(arm.driver) as DriverDescription;
    const why = unsupportedReason(d, arm.scenario, arm.messageSize, arm.settings, brokerVersion) ?? securityUnsupportedReason(d, plannedConnection(spec));
    if (why) {
      const key = `${arm.driver}/${arm.scenario}/${arm.messageSize}`;
      if (!skippedKeys.has(key)) doc.skipped.push({ driver: arm.driver, scenario: arm.scenario, messageSize: arm.messageSize, reason: why });
      skippedKeys.add(key);
      continue;
    }
    if (arm.scenario === 'consumer' && !prefillDriver) {
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

  const broker = await openBroker(spec, ev);
  const brokerPassword = broker.connection.sasl?.password;
  if (brokerPassword && !secrets.includes(brokerPassword)) {
    secrets.push(brokerPassword);
    registerSecret(brokerPassword);
  }
  const reps = new Map<number, Repetition>();
  const configs = new Map<number, Record<string, string | number | boolean>>();
  const runId = crypto.randomBytes(4).toString('hex');
  try {
    const security = securityLabel(broker.connection);
    doc.env.broker = { kind: broker.kind, nodes: broker.nodes, bootstrap: broker.connection.brokers.join(','), ...(broker.version ? { version: broker.version } : {}), ...(security !== 'PLAINTEXT' ? { security } : {}) };
    const conn = broker.connection;
    if (spec.brokerWarmup > 0 && prefillDriver && runnable.length > 0) {
      ev.info(await warmBroker(conn, prefillDriver, spec.brokerWarmup, spec.timeoutMs, runId));
    }
    let brokerDied = false;
    for (const arm of runnable) {
      if (brokerDied) {
        doc.skipped.push({ driver: arm.driver, scenario: arm.scenario, messageSize: arm.messageSize, reason: `repetition ${arm.repetition} not run: the broker died` });
        continue;
      }
      ev.armStart(arm, runnable.length);
      const abort = new AbortController();
      const watch = setInterval(() => {
        if (!broker.alive()) {
          brokerDied = true;
          abort.abort('the broker died during the arm');
        }
      }, 250);
      const topic = `kbench-${runId}-${arm.index}-${arm.driver}-${arm.scenario}`.replace(/[^A-Za-z0-9._-]/g, '_');
      const desc = descriptions.get(arm.driver) as DriverDescription;
      const entry = entries.get(arm.driver) as DriverEntry;
      let rep: Repetition;
      try {
        await createTopic(adminConn(conn), { topic, partitions: spec.partitions, replication: spec.replication });
        const base: ArmSpec = {
          protocol: 2,
          armId: `${runId}-${arm.index}`,
          driver: arm.driver,
          scenario: arm.scenario,
          messageSize: arm.messageSize,
          messages: arm.messages,
          warmup: arm.warmup,
          firstSeq: 0,
          topic,
          partitions: spec.partitions,
          connection: conn,
          settings: arm.settings,
          extraConfig: spec.extraConfig,
          timeoutMs: spec.timeoutMs,
          threads: 1,
          clientId: `kbench-${arm.driver}-${arm.index}`,
          groupId: `kbench-${runId}-${arm.index}`,
          resultFile: '',
          payload: payloadSpec('compressible', arm.messageSize, os.tmpdir()),
          ...faultsFor(spec, arm.driver),
          ...(spec.armLaunch ? { launch: spec.armLaunch } : {}),
        };
        const expected: { checksum?: string; topicMessages?: number } = {};
        if (arm.scenario === 'consumer') {
          const total = arm.warmup + arm.messages;
          await prefill(conn, topic, arm, spec.partitions, total, prefillDriver as string, spec.timeoutMs);
          expected.checksum = expectedChecksum(arm.messageSize, 0, total).hex;
          base.partitionCounts = await partitionCounts(conn, topic);
        }
        const threads = spec.workers > 1 && desc.workerThreads ? spec.workers : 1;
        const procs = spec.workers > 1 && !desc.workerThreads ? spec.workers : 1;
        base.threads = threads;
        const progress = (done: number): void => ev.armProgress(arm, done);
        const res = procs > 1 ? await runArmProcesses(base, procs, entry, progress, abort.signal) : await runArmProcess(base, entry, progress, abort.signal);
        if (res.outcome.error) res.outcome.error = clean(res.outcome.error);
        if (arm.scenario === 'producer-async' || arm.scenario === 'producer-sync') {
          // A failed arm's count is read once: waiting for messages it never sent would only cost 10 s.
          const count = await topicCountReaching(conn, topic, arm.warmup + arm.messages, res.outcome.ok ? 10_000 : 0);
          if (count !== undefined) expected.topicMessages = count;
        }
        configs.set(arm.index, res.outcome.config);
        rep = repetitionFrom(arm, res, expected, spec.workers);
      } catch (err) {
        rep = failedRepetition(arm, clean(errorMessage(err)), spec.workers);
      } finally {
        clearInterval(watch);
      }
      if (!broker.alive()) brokerDied = true;
      reps.set(arm.index, rep);
      ev.armEnd(arm, rep);
      if (!brokerDied) await deleteTopic(adminConn(conn), topic).catch(() => undefined);
    }
    if (brokerDied) doc.warnings.push('the broker died during the run: the interrupted arm is marked failed and later arms were not run');
  } finally {
    await broker.stop().catch((err: unknown) => doc.warnings.push(`stopping the broker: ${errorMessage(err)}`));
  }
  doc.runs = buildRecords(spec, runnable, reps, configs);
  doc.env.finishedAt = new Date().toISOString();
  // Configs are redacted by key and errors scrubbed where they arise; this catches whatever else a client echoed.
  return scrubDeep(doc, secrets);
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

/** Runs a helper arm (pre-fill or broker warm-up) with a writer driver, outside any measurement. */
async function helperArm(
  conn: Connection,
  topic: string,
  driver: string,
  scenario: 'producer-async' | 'consumer',
  size: number,
  total: number,
  timeoutMs: number,
  tag: string,
  extraConfig: Record<string, string> = {},
): Promise<ScenarioOutcome> {
  const entry = driverEntry(driver) as DriverEntry;
  const spec: ArmSpec = {
    protocol: 2,
    armId: tag,
    driver,
    scenario,
    messageSize: size,
    messages: total,
    warmup: 0,
    firstSeq: 0,
    topic,
    partitions: 1,
    connection: conn,
    settings: { acks: 'all', compression: 'none', lingerMs: 5, batchSize: 1_000_000, sendBatch: 10_000, idempotence: false, rate: 0 },
    extraConfig,
    timeoutMs,
    threads: 1,
    clientId: `kbench-${tag}`,
    groupId: `kbench-${tag}`,
    resultFile: '',
    payload: payloadSpec('compressible', size, os.tmpdir()),
  };
  return (await runArmProcess(spec, entry)).outcome;
}

async function prefill(conn: Connection, topic: string, arm: PlannedArm, partitions: number, total: number, driver: string, timeoutMs: number): Promise<void> {
  // librdkafka's sticky partitioner would put a whole pre-fill into one or two partitions; without it,
  // keyless messages spread over every partition, so consumer workers each get a share to read.
  const spread: Record<string, string> = partitions > 1 && LIBRDKAFKA_PREFILL.has(driver) ? { 'sticky.partitioning.linger.ms': '0' } : {};
  const o = await helperArm(conn, topic, driver, 'producer-async', arm.messageSize, total, timeoutMs, `prefill-${arm.index}`, spread);
  if (!o.ok || o.delivered !== total || (o.failed ?? 0) > 0) {
    throw new Error(`pre-filling the topic with ${driver} failed: ${o.error ?? `delivered ${o.delivered} of ${total}, failed ${o.failed}`}`);
  }
}

/**
 * Warms the broker up (JIT, page cache, log segment creation) with a write and a read of a scratch
 * topic, so that the first measured arm does not pay for a cold JVM.
 */
async function warmBroker(conn: Connection, driver: string, messages: number, timeoutMs: number, runId: string): Promise<string> {
  const topic = `kbench-${runId}-broker-warmup`;
  await createTopic(adminConn(conn), { topic, partitions: 1, replication: 1 });
  try {
    const t0 = Date.now();
    const w = await helperArm(conn, topic, driver, 'producer-async', 100, messages, timeoutMs, `${runId}-warmup-w`);
    if (!w.ok) throw new Error(`broker warm-up (write) failed: ${w.error ?? 'unknown error'}`);
    const r = await helperArm(conn, topic, driver, 'consumer', 100, messages, timeoutMs, `${runId}-warmup-r`);
    if (!r.ok) throw new Error(`broker warm-up (read) failed: ${r.error ?? 'unknown error'}`);
    return `broker warmed up with ${messages} messages written and read by ${driver} in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
  } finally {
    await deleteTopic(adminConn(conn), topic).catch(() => undefined);
  }
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
