// OpenMessaging Benchmark workload files (--workload file.yaml) → kbench's WorkloadInput. OMB runs
// producers and consumers at once, at `producerRate` (msgs/s over all producers), for
// `testDurationMinutes` after `warmupDurationMinutes`; kbench runs that as an e2e-latency arm at the
// rate for the duration, plus a consumer arm that drains a pre-filled backlog when the file asks for
// one. Every field is either mapped or named in a warning saying what kbench does instead.
// (Field meanings: OMB's Workload.java and WorkloadGenerator.java.)
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { ScenarioId } from '../results/types.js';
import type { WorkloadInput } from '../plan/spec.js';
import { UsageError } from '../util/errors.js';

export interface WorkloadMapping extends WorkloadInput {
  warnings: string[];
}

/** OMB's own "max-rate" workloads ask for 10M msgs/s: a rate no limiter reaches, i.e. flat out. */
export const OMB_MAX_RATE = 10_000_000;

/** The most backlog a consumer arm drains (bytes): OMB's are 100 GB and more, this machine's broker keeps them in tmpfs. */
export const BACKLOG_CAP_BYTES = 1024 ** 3;

const GIB = 1024 ** 3;

export const KEY_DISTRIBUTORS = ['NO_KEY', 'KEY_ROUND_ROBIN', 'RANDOM_NANO'] as const;

const KNOWN = [
  'name', 'topics', 'partitionsPerTopic', 'keyDistributor', 'messageSize', 'useRandomizedPayloads', 'randomBytesRatio',
  'randomizedPayloadPoolSize', 'payloadFile', 'subscriptionsPerTopic', 'producersPerTopic', 'consumerPerSubscription',
  'producerRate', 'consumerBacklogSizeGB', 'backlogDrainRatio', 'testDurationMinutes', 'warmupDurationMinutes',
];

function num(doc: Record<string, unknown>, key: string, file: string, min: number, opts: { integer?: boolean; max?: number } = {}): number | undefined {
  const v = doc[key];
  if (v === undefined || v === null) return undefined;
  const bad = typeof v !== 'number' || !Number.isFinite(v) || v < min || (opts.max !== undefined && v > opts.max) || (opts.integer && !Number.isInteger(v));
  if (bad) {
    const what = `${opts.integer ? 'an integer' : 'a number'} ≥ ${min}${opts.max !== undefined ? ` and ≤ ${opts.max}` : ''}`;
    throw new UsageError(`${file}: ${key} must be ${what}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * `payloadFile` as OMB's files give it: relative to the workload file; OMB itself resolves it from the
 * directory it runs in (its checkout, e.g. workloads/x.yaml → payload/payload-1Kb.data), so that is
 * tried second. Unreadable or empty: a UsageError naming the field.
 */
export function resolvePayloadFile(value: string, file: string, cwd: string = process.cwd()): string {
  const candidates = path.isAbsolute(value) ? [value] : [...new Set([path.resolve(path.dirname(file), value), path.resolve(cwd, value)])];
  const errors: string[] = [];
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.R_OK);
      const st = fs.statSync(c);
      if (!st.isFile()) {
        errors.push(`${c}: not a file`);
        continue;
      }
      if (st.size === 0) throw new UsageError(`${file}: payloadFile ${value}: ${c} is empty`);
      return c;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      errors.push(`${c}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  throw new UsageError(`${file}: payloadFile ${value}: cannot read it (${errors.join('; ')})`);
}

/** Maps an OMB workload (YAML text of `file`); `cwd` is the second place payloadFile is looked for. */
export function mapWorkload(text: string, file: string, cwd?: string): WorkloadMapping {
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`${file} is not an OpenMessaging Benchmark workload (expected a YAML mapping)`);
  const d = doc as Record<string, unknown>;
  const out: WorkloadMapping = { warnings: [] };
  const warn = (s: string): void => void out.warnings.push(`${file}: ${s}`);
  if (d.name !== undefined) {
    if (typeof d.name !== 'string') throw new UsageError(`${file}: name must be a string, got ${JSON.stringify(d.name)}`);
    out.name = d.name;
  }

  // Topics and partitions.
  const topics = num(d, 'topics', file, 1, { integer: true });
  const partitions = num(d, 'partitionsPerTopic', file, 1, { integer: true, max: 10_000 });
  if (partitions !== undefined) out.partitions = partitions;
  if (topics !== undefined && topics > 1) {
    warn(`topics: ${topics} — kbench runs one topic per arm (of partitionsPerTopic ${partitions ?? 1} partitions) and sends the whole producerRate to it; OMB spreads it over ${topics} topics`);
  }

  // Message size and payload.
  const size = num(d, 'messageSize', file, 1, { integer: true });
  if (size !== undefined) out.sizes = [size];
  else warn('messageSize absent — kbench uses its default size (--sizes)');
  const randomized = d.useRandomizedPayloads;
  if (randomized !== undefined && typeof randomized !== 'boolean') throw new UsageError(`${file}: useRandomizedPayloads must be true or false, got ${JSON.stringify(randomized)}`);
  const ratio = num(d, 'randomBytesRatio', file, 0, { max: 1 });
  const pool = num(d, 'randomizedPayloadPoolSize', file, 0, { integer: true });
  if (randomized) {
    // OMB: a pool of payloads, each randomBytesRatio random bytes followed by zeros.
    const r = ratio ?? 0;
    out.payload = { kind: r === 0 ? 'compressible' : 'random' };
    if (r > 0 && r < 1) warn(`randomBytesRatio: ${r} — kbench's random payloads are random throughout (OMB's are ${r * 100} % random, then zeros: it matters with compression)`);
    if (r === 0) warn('randomBytesRatio: 0 — OMB sends zeros after nothing random; kbench sends its compressible filler');
    if (pool !== undefined) warn(`randomizedPayloadPoolSize: ${pool} ignored — kbench derives every message's bytes from its sequence number`);
    if (d.payloadFile !== undefined) warn('payloadFile ignored: useRandomizedPayloads is true (as in OMB)');
  } else {
    for (const [k, v] of [['randomBytesRatio', ratio], ['randomizedPayloadPoolSize', pool]] as const) if (v !== undefined) warn(`${k} ignored: useRandomizedPayloads is not true (as in OMB)`);
    if (d.payloadFile !== undefined) {
      if (typeof d.payloadFile !== 'string' || !d.payloadFile) throw new UsageError(`${file}: payloadFile must be a path, got ${JSON.stringify(d.payloadFile)}`);
      const resolved = resolvePayloadFile(d.payloadFile, file, cwd);
      out.payload = { kind: 'file', file: resolved };
      const bytes = fs.statSync(resolved).size;
      if (size !== undefined && bytes !== size) {
        warn(`payloadFile: ${bytes} bytes for messageSize ${size} — OMB refuses a mismatch; kbench ${bytes < size ? 'repeats' : 'truncates'} the file to ${size} bytes`);
      }
    }
  }

  // Keys.
  const kd = d.keyDistributor;
  if (kd !== undefined) {
    if (typeof kd !== 'string' || !(KEY_DISTRIBUTORS as readonly string[]).includes(kd)) throw new UsageError(`${file}: keyDistributor must be one of ${KEY_DISTRIBUTORS.join(', ')}, got ${JSON.stringify(kd)}`);
    if (kd !== 'NO_KEY') warn(`keyDistributor: ${kd} — kbench sends messages without keys (NO_KEY): the producer spreads them over the partitions itself`);
  }

  // Producers and consumers.
  const producers = num(d, 'producersPerTopic', file, 1, { integer: true, max: 64 });
  const subscriptions = num(d, 'subscriptionsPerTopic', file, 0, { integer: true });
  const consumers = num(d, 'consumerPerSubscription', file, 1, { integer: true, max: 64 });
  const subs = subscriptions ?? 1;
  if (producers !== undefined) out.workers = producers;
  if (subs > 1) warn(`subscriptionsPerTopic: ${subs} — kbench reads each topic with one subscription (consumer group): every message is read once, not ${subs} times`);
  if (subs >= 1 && consumers !== undefined && consumers !== (producers ?? 1)) {
    warn(`consumerPerSubscription: ${consumers} — kbench's workers each run a producer and a consumer: ${producers ?? 1} of each (producersPerTopic)`);
  }
  if (subs === 0 && consumers !== undefined) warn('consumerPerSubscription ignored: subscriptionsPerTopic is 0 (no consumers)');

  // Rate and scenarios.
  const rate = num(d, 'producerRate', file, 0);
  const backlogGB = num(d, 'consumerBacklogSizeGB', file, 0);
  const drainRatio = num(d, 'backlogDrainRatio', file, 0, { max: 1 });
  let unpaced = false;
  if (rate === undefined) {
    warn(`producerRate absent — kbench runs ${subs === 0 ? 'producer-async unpaced' : 'e2e-latency at its default rate'} (--rate sets one)`);
  } else if (rate === 0) {
    unpaced = true;
    warn('producerRate: 0 — OMB searches for the highest rate producers and consumers sustain together; kbench runs unpaced timed arms instead (producer-async for the duration, consumer reading --messages): for the rate search use `kbench sweep`');
  } else if (rate >= OMB_MAX_RATE) {
    unpaced = true;
    warn(`producerRate: ${rate} — a rate no client reaches (OMB's max-rate convention): kbench runs unpaced timed arms (producer-async for the duration, consumer reading --messages), not an open-loop schedule at ${rate} msgs/s`);
  } else {
    out.rate = rate;
  }
  const scenarios: ScenarioId[] = subs === 0 ? ['producer-async'] : unpaced ? ['producer-async', 'consumer'] : ['e2e-latency'];
  if (subs === 0 && rate !== undefined && !unpaced) warn('subscriptionsPerTopic: 0 — no consumers: kbench runs producer-async at producerRate (no end-to-end latency)');
  if (backlogGB !== undefined && backlogGB > 0) {
    if (subs === 0) warn('consumerBacklogSizeGB ignored: subscriptionsPerTopic is 0 (nothing consumes a backlog)');
    else if (rate === 0) throw new UsageError(`${file}: consumerBacklogSizeGB needs a producerRate > 0 (OMB refuses a backlog with the rate search too)`);
    else {
      const msgSize = size ?? 100;
      const wanted = Math.floor((backlogGB * GIB) / msgSize);
      const cap = Math.floor(BACKLOG_CAP_BYTES / msgSize);
      out.consumerMessages = Math.max(1, Math.min(wanted, cap));
      if (!scenarios.includes('consumer')) scenarios.push('consumer');
      warn(
        `consumerBacklogSizeGB: ${backlogGB} — OMB stops its consumers until ${backlogGB} GiB are retained, then drains them while producing; kbench's consumer arm drains a pre-filled topic of ${out.consumerMessages.toLocaleString('en-US')} messages` +
          (wanted > cap ? ` (capped at ${BACKLOG_CAP_BYTES / GIB} GiB of ${wanted.toLocaleString('en-US')}; --messages sets another count)` : '') +
          ', with no producer running',
      );
    }
  }
  if (drainRatio !== undefined && drainRatio < 1 && (backlogGB ?? 0) > 0) warn(`backlogDrainRatio: ${drainRatio} — kbench drains the whole backlog`);
  else if (drainRatio !== undefined && drainRatio < 1) warn('backlogDrainRatio ignored: there is no backlog (consumerBacklogSizeGB)');
  out.scenarios = scenarios;

  // Durations.
  const minutes = num(d, 'testDurationMinutes', file, 0);
  if (minutes !== undefined && minutes > 0) out.durationMs = Math.round(minutes * 60_000);
  else warn(`testDurationMinutes ${minutes === undefined ? 'absent' : '0'} — OMB runs until stopped; kbench runs message counts (--duration sets a time)`);
  const warmMinutes = num(d, 'warmupDurationMinutes', file, 0);
  if (warmMinutes === undefined) {
    warn('warmupDurationMinutes absent — OMB warms up for 1 minute by default; kbench warms each arm up with a tenth of its messages, capped (--warmup-duration 1m for OMB\'s)');
  } else if (unpaced || (subs === 0 && out.rate === undefined)) {
    warn(`warmupDurationMinutes: ${warmMinutes} — unpaced arms warm up by a message count in kbench (--warmup), not for a time`);
  } else {
    out.warmupDurationMs = Math.round(warmMinutes * 60_000);
  }

  for (const k of Object.keys(d)) if (!KNOWN.includes(k)) warn(`unknown field '${k}' ignored`);
  return out;
}

export function readWorkload(file: string): WorkloadMapping {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--workload: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return mapWorkload(text, file);
}
