// Helper arms: work kbench does itself around the measured arms, never inside one — filling a
// consumer arm's topics, reading a producer arm's topic back, warming the broker up. Each is an arm
// process like any other (a fresh process, one driver), with kbench's default settings.
import type { ArmSpec, PayloadSpec, ScenarioOutcome } from '../contract/arm.js';
import { driverEntry, type DriverEntry } from '../drivers/registry.js';
import { RUN_DEFAULTS } from '../plan/spec.js';
import type { BrokerWarmup } from '../plan/plan.js';
import type { Compression, Connection } from '../results/types.js';
import { runArmProcess, type ArmPlacement } from './arm.js';
import { decodeHistogram } from '../stats/latency.js';

/** Drivers that write and read for kbench, best first (the addon's C++ loops are the fastest). */
export const HELPER_DRIVERS = ['addon-loop', 'node-rdkafka', 'kafkajs'];
const LIBRDKAFKA_HELPERS = new Set(['addon-loop', 'node-rdkafka']);

export interface Helper {
  conn: Connection;
  driver: string;
  timeoutMs: number;
  placement: ArmPlacement;
}

interface HelperJob {
  /** Consumer jobs: count each sequence number below this (ArmSpec.seqCounts). */
  seqCounts?: number;
  topic: string;
  scenario: 'producer-async' | 'consumer' | 'e2e-latency';
  /** e2e-latency: its rate (the warm-up of the broker's latency path). */
  rate?: number;
  size: number;
  count: number;
  partitions: number;
  tag: string;
  payload: PayloadSpec;
  compression?: Compression;
}

async function helperArm(h: Helper, j: HelperJob): Promise<ScenarioOutcome> {
  const entry = driverEntry(h.driver) as DriverEntry;
  // librdkafka's sticky partitioner would put a whole fill into one or two partitions; without it,
  // keyless messages spread over every partition, so consumer workers each get a share to read.
  const spread: Record<string, string> = j.scenario === 'producer-async' && j.partitions > 1 && LIBRDKAFKA_HELPERS.has(h.driver) ? { 'sticky.partitioning.linger.ms': '0' } : {};
  const spec: ArmSpec = {
    protocol: 2,
    armId: j.tag,
    driver: h.driver,
    scenario: j.scenario,
    messageSize: j.size,
    messages: j.count,
    warmup: 0,
    firstSeq: 0,
    topic: j.topic,
    partitions: j.partitions,
    payload: j.payload,
    connection: h.conn,
    settings: j.scenario === 'e2e-latency'
      ? { ...RUN_DEFAULTS.settings, lingerMs: 0, sendBatch: 1, rate: j.rate ?? 2000 }
      : { ...RUN_DEFAULTS.settings, sendBatch: 10_000, compression: j.compression ?? 'none' },
    extraConfig: spread,
    timeoutMs: h.timeoutMs,
    threads: 1,
    clientId: `kbench-${j.tag}`,
    groupId: `kbench-${j.tag}`,
    resultFile: '',
    ...(j.seqCounts !== undefined ? { seqCounts: j.seqCounts } : {}),
  };
  return (await runArmProcess(spec, entry, undefined, undefined, h.placement)).outcome;
}

/** Writes seq 0 .. count − 1 into `topic` (the arm's codec, the arm's payloads); throws unless every message is acknowledged. */
export async function fillTopic(h: Helper, topic: string, partitions: number, size: number, count: number, payload: PayloadSpec, compression: Compression, tag: string): Promise<ScenarioOutcome> {
  const o = await helperArm(h, { topic, scenario: 'producer-async', size, count, partitions, tag, payload, compression });
  if (!o.ok || o.delivered !== count || (o.failed ?? 0) > 0) {
    throw new Error(`filling ${topic} with ${h.driver} failed: ${o.error ?? `delivered ${o.delivered} of ${count}, failed ${o.failed}`}`);
  }
  return o;
}

export interface ReadBack {
  consumed: number;
  bytes: number;
  checksum?: string;
  error?: string;
}

/** Reads the first `count` messages of `topic` back and checksums them (kbench's read-back verification). */
export async function readBackTopic(h: Helper, topic: string, partitions: number, size: number, count: number, payload: PayloadSpec, tag: string): Promise<ReadBack> {
  const o = await helperArm(h, { topic, scenario: 'consumer', size, count, partitions, tag, payload });
  return { consumed: o.consumed ?? 0, bytes: o.consumedBytes ?? 0, ...(o.checksum !== undefined ? { checksum: o.checksum } : {}), ...(o.ok ? {} : { error: o.error ?? 'failed' }) };
}

export interface SeqReadBack {
  consumed: number;
  /** How often each sequence number below `range` was read (saturating at 255). */
  seen: Uint8Array;
  /** Records whose sequence number is outside the range. */
  foreign: number;
  error?: string;
}

/** The driver that reads a failover topic back: kbench's addon through the generic consumer (which counts sequence numbers). */
export const SEQ_READER = 'addon';

/** Reads all `records` of `topic` back and counts every sequence number below `range` (the failover arms' read-back). */
export async function readBackSeqCounts(h: Helper, topic: string, partitions: number, size: number, records: number, range: number, payload: PayloadSpec, tag: string): Promise<SeqReadBack> {
  const o = await helperArm({ ...h, driver: SEQ_READER }, { topic, scenario: 'consumer', size, count: records, partitions, tag, payload, seqCounts: range });
  const seen = o.seqCounts !== undefined ? new Uint8Array(Buffer.from(o.seqCounts, 'base64')) : new Uint8Array(range);
  const error = o.ok ? (o.seqCounts === undefined ? `the ${SEQ_READER} read-back returned no sequence counts` : undefined) : (o.error ?? 'failed');
  return { consumed: o.consumed ?? 0, seen, foreign: o.foreignRecords ?? 0, ...(error ? { error } : {}) };
}

export interface WarmupReport {
  /** Write rate of every round, msgs/s. */
  rounds: { msgsPerSec: number }[];
  /** Read rate of every read round, msgs/s. */
  reads: { msgsPerSec: number }[];
  /** True when the last two rounds of both agreed within the tolerance. */
  steady: boolean;
  tolerance: number;
}

const rateOf = (o: ScenarioOutcome): number => (o.elapsedNs > 0 ? o.messages / (o.elapsedNs / 1e9) : NaN);
const agree = (a: number, b: number, tol: number): boolean => Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= tol * Math.max(a, b);

/**
 * Warms the broker up until it is steady: rounds of `messages` written into `topic` until two
 * consecutive rounds' rates agree within the tolerance (at most maxRounds), then rounds reading the
 * first `messages` back until two agree (at most maxRounds). A JVM broker keeps getting faster for
 * millions of messages (JIT), so a fixed small count is not steady state.
 */
export async function warmBroker(h: Helper, w: BrokerWarmup, topic: string, payload: PayloadSpec, tag: string, onRound?: (what: string) => void): Promise<WarmupReport> {
  const rounds: { msgsPerSec: number }[] = [];
  const reads: { msgsPerSec: number }[] = [];
  const steadyTail = (xs: { msgsPerSec: number }[]): boolean => xs.length >= 2 && agree(xs[xs.length - 1]?.msgsPerSec as number, xs[xs.length - 2]?.msgsPerSec as number, w.tolerance);
  for (let r = 1; r <= w.maxRounds && !steadyTail(rounds); r++) {
    const o = await fillTopic(h, topic, 1, 100, w.messages, payload, 'none', `${tag}-w${r}`);
    rounds.push({ msgsPerSec: rateOf(o) });
    onRound?.(`broker warm-up write round ${r}: ${Math.round(rateOf(o)).toLocaleString('en-US')} msgs/s`);
  }
  for (let r = 1; r <= w.maxRounds && !steadyTail(reads); r++) {
    const o = await helperArm(h, { topic, scenario: 'consumer', size: 100, count: w.messages, partitions: 1, tag: `${tag}-r${r}`, payload });
    if (!o.ok) throw new Error(`broker warm-up (read) failed: ${o.error ?? 'unknown error'}`);
    reads.push({ msgsPerSec: rateOf(o) });
    onRound?.(`broker warm-up read round ${r}: ${Math.round(rateOf(o)).toLocaleString('en-US')} msgs/s`);
  }
  return { rounds, reads, steady: steadyTail(rounds) && steadyTail(reads), tolerance: w.tolerance };
}

/** The latency warm-up: rounds of a paced e2e-latency helper arm until its median latency settles. */
export interface LatencyWarmup {
  rate: number;
  messages: number;
  maxRounds: number;
  /** Two consecutive rounds' p50 agree within this fraction (or both are under 2 ms). */
  tolerance: number;
}

export const LATENCY_WARMUP: LatencyWarmup = { rate: 2000, messages: 6000, maxRounds: 8, tolerance: 0.25 };

/**
 * Warms the broker's latency path: small produce requests and fetches woken per message are other
 * code than the bulk rounds of warmBroker exercise, and a JVM broker serves them slowly until they
 * are compiled — measured here on a broker pinned to one CPU, a fresh broker's e2e p50 at 1,000
 * msgs/s went 2,988 → 25 → 8.8 → 2.1 → 1.3 → 0.9 ms over six 3-second rounds. Each round is a
 * helper e2e-latency arm on a fresh topic (`newTopic`), until two consecutive p50s agree.
 */
export async function warmBrokerLatency(h: Helper, w: LatencyWarmup, newTopic: (round: number) => Promise<string>, payload: PayloadSpec, tag: string, onRound?: (what: string) => void): Promise<{ rounds: { p50Us: number }[]; steady: boolean }> {
  const rounds: { p50Us: number }[] = [];
  const settled = (): boolean => {
    if (rounds.length < 2) return false;
    const a = rounds[rounds.length - 1]?.p50Us as number;
    const b = rounds[rounds.length - 2]?.p50Us as number;
    return (a < 2000 && b < 2000) || agree(a, b, w.tolerance);
  };
  // addon-loop's C++ loops have no e2e-latency: its batch-API sibling runs the rounds.
  const lh: Helper = h.driver === 'addon-loop' ? { ...h, driver: 'addon' } : h;
  for (let r = 1; r <= w.maxRounds && !settled(); r++) {
    const topic = await newTopic(r);
    const o = await helperArm(lh, { topic, scenario: 'e2e-latency', size: 100, count: w.messages, partitions: 1, tag: `${tag}-l${r}`, payload, rate: w.rate });
    if (!o.ok || !o.latencyHistogram) throw new Error(`broker warm-up (latency) failed: ${o.error ?? 'no latency histogram'}`);
    const p50 = decodeHistogram(o.latencyHistogram).getValueAtPercentile(50);
    rounds.push({ p50Us: p50 });
    onRound?.(`broker warm-up latency round ${r}: e2e p50 ${(p50 / 1000).toFixed(2)} ms at ${w.rate} msgs/s`);
  }
  return { rounds, steady: settled() };
}
