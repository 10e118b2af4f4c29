// Runs `kbench overhead`: every driver × path × size × variant as a fresh process (spawnSupervised),
// repetitions interleaved (rep 1: c, addon, …; rep 2: c, addon, …), then one instrumented run per
// driver and path to count crossings, then the results (summary.ts).
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { readBuildInfo, toolPath } from '../paths.js';
import { EnvironmentError, errorMessage } from '../util/errors.js';
import { spawnSupervised, type Rusage } from '../util/proc.js';
import { startMock, type MockCluster } from './mock.js';
import { MOCK_BOOTSTRAP, armConfig, consumePartitions } from './settings.js';
import { buildResult, type ResultInput } from './summary.js';
import {
  isCDriver, NOT_APPLICABLE_EXIT, OVERHEAD_DRIVERS, OVERHEAD_PATHS, OVERHEAD_SCHEMA, RESULT_MARKER, type ArmSpec, type ArmVariant,
  type ChildMeasurement, type CrossingCounts, type OverheadDocument, type OverheadDriver, type OverheadPath, type OverheadResult,
} from './types.js';

/** The version of kbench's shared librdkafka build (scripts/paths.cjs, as built: .kbench/build-info.json). */
const SHARED_LIBRDKAFKA = readBuildInfo().librdkafka?.version ?? 'shared';

export interface OverheadOptions {
  paths?: readonly OverheadPath[];
  drivers?: readonly OverheadDriver[];
  messages?: number;
  sizes?: readonly number[];
  repeat?: number;
  /** Messages per call of the batch APIs. */
  batch?: number;
  /** Run the direct variants (for the decomposition; default true). */
  decompose?: boolean;
  /** Run the instrumented crossing counts (default true). */
  crossings?: boolean;
  /** Progress lines (one per arm run). */
  log?: (line: string) => void;
  /** Per-arm time limit (default 5 minutes). */
  armTimeoutMs?: number;
}

export const OVERHEAD_DEFAULTS = { messages: 200_000, sizes: [100], repeat: 3, batch: 10_000 } as const;

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
const PRODUCE_TOPIC = 'kbench-overhead';
const DELIVERY_TOPIC = 'kbench-overhead-delivery';
const CONSUME_TOPIC = 'kbench-overhead-consume';

/** How each figure is obtained: rendered with every view, and part of the JSON. */
export const METHOD: readonly string[] = [
  'Every arm is a fresh process; repetitions are interleaved across drivers; ns/msg = wall time of the measured part / messages; median (min–max) over repetitions. CPU ns/msg = CPU time (user + system, all threads) of the arm process over the same part / messages: on a busy machine it is disturbed less than wall time by other processes.',
  'produce: N payloads prepared and the topic handle created before timing; timed: the enqueue calls only. Bootstrap 127.0.0.1:1 (nothing listens), queue limits above N: nothing is sent, nothing fails.',
  'delivery (mock cluster): N messages enqueued to librdkafka’s mock cluster (kbench-mock, a separate process), then the process is left idle until it uses < 3 ms CPU in each of two 200 ms windows (every acknowledgement in, the reports waiting unserved); timed: serving the N delivery reports through the client’s API.',
  'consume (mock cluster): N messages pre-written to the mock cluster (spread over partitions: a mock partition keeps 5 MB); the arm assigns every partition at offset 0 and waits idle the same way until librdkafka has fetched them all; timed: taking the N messages out through the client’s API and reading each one’s length.',
  `c = kbench-overhead (native/cbench/overhead.c) on the same librdkafka ${SHARED_LIBRDKAFKA} shared library (every binding here is rebuilt on it): rd_kafka_produce(); rd_kafka_queue_poll() + rd_kafka_event_message_array() (reports as events, as the addon takes them); rd_kafka_consume_batch_queue() of 1000.`,
  'Decomposition (ns/msg): librdkafka = the c arm; crossing + conversion = the direct variant (the client’s native binding called without its JS wrapper) minus c, GC pauses excluded; client JS = the api variant minus the direct variant, GC excluded from both; GC = perf_hooks “gc” pause durations inside the api variant’s measured part. Components are differences of medians of separate runs: small ones can come out negative from noise.',
  'Crossings per message: a separate, untimed run with every function of the client’s native binding and every method/accessor of its native classes wrapped by a counter (JS→native), and every function passed to the binding wrapped too, plus each settled promise it returned (native→JS); (JS→native + native→JS) / N.',
  `crab links its own static librdkafka 2.12.1; its librdkafka component is the ${SHARED_LIBRDKAFKA} c figure. stalls = times a measured loop found nothing ready and had to wait (0 means the measured part held no waiting).`,
];

interface Captured {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  rusage?: Rusage;
}

async function capture(cmd: string, args: string[], timeoutMs: number): Promise<Captured> {
  const proc = spawnSupervised(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  proc.child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-16_384)));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.stop(2000);
  }, timeoutMs);
  const done = await proc.done;
  clearTimeout(timer);
  if (timedOut) stderr += `\ntimed out after ${Math.round(timeoutMs / 1000)} s`;
  return { ...done, stdout, stderr };
}

function failure(what: string, out: Captured): Error {
  const tail = out.stderr.trim().split('\n').slice(-3).join(' | ');
  return new Error(`${what} ${out.signal ? `was killed by ${out.signal}` : `exited with code ${out.code}`}${tail ? `: ${tail}` : ''}`);
}

/** A driver that has no figure on a path (its arm said so). */
class NotApplicableRun extends Error {}

async function runOne(spec: ArmSpec, timeoutMs: number): Promise<{ m: ChildMeasurement; rusage?: Rusage }> {
  let out: Captured;
  let m: ChildMeasurement;
  if (spec.driver === 'c-copy' && spec.path !== 'consume') {
    throw new NotApplicableRun('c-copy is the consume reference (payloads copied out); produce copies them anyway (RD_KAFKA_MSG_F_COPY) and delivery carries none');
  }
  if (isCDriver(spec.driver)) {
    const tool = toolPath('kbench-overhead');
    if (!tool) throw new EnvironmentError('kbench-overhead is not built; run `node scripts/install.mjs --only tools`');
    const args = [spec.path, '--messages', String(spec.messages), '--size', String(spec.size), '--topic', spec.topic, '--partitions', String(spec.partitions)];
    if (spec.driver === 'c-copy') args.push('--copy');
    for (const [k, v] of Object.entries(spec.config)) args.push('-X', `${k}=${v}`);
    out = await capture(tool, args, timeoutMs);
    if (out.code !== 0) throw failure('kbench-overhead', out);
    const line = out.stdout.split('\n').find((l) => l.startsWith('{'));
    if (!line) throw new Error(`kbench-overhead printed no result: ${out.stdout.slice(0, 200)}`);
    const c = JSON.parse(line) as Omit<ChildMeasurement, 'gcNs' | 'gcCount' | 'api'>; // cpuNs: getrusage around the timed loop
    m = { ...c, gcNs: 0, gcCount: 0, api: { produce: 'rd_kafka_produce()', delivery: 'rd_kafka_queue_poll() + rd_kafka_event_message_array()', consume: spec.driver === 'c-copy' ? 'rd_kafka_consume_batch_queue(1000) + memcpy of each payload into one reused batch buffer' : 'rd_kafka_consume_batch_queue(1000)' }[spec.path] };
  } else {
    // --expose-gc: each arm starts its measured part after a full collection (measure.ts).
    out = await capture(process.execPath, ['--expose-gc', CHILD, JSON.stringify(spec)], timeoutMs);
    const line = out.stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
    if (out.code === NOT_APPLICABLE_EXIT && line) throw new NotApplicableRun((JSON.parse(line.slice(RESULT_MARKER.length)) as { notApplicable: string }).notApplicable);
    if (out.code !== 0) throw failure(`the ${spec.driver} arm`, out);
    if (!line) throw new Error(`the ${spec.driver} arm printed no result`);
    m = JSON.parse(line.slice(RESULT_MARKER.length)) as ChildMeasurement;
  }
  // Every message accounted for: the arm must have handled exactly N.
  if (m.count !== spec.messages) throw new Error(`${spec.driver} ${spec.path}: handled ${m.count} of ${spec.messages} messages`);
  if (m.failed !== 0) throw new Error(`${spec.driver} ${spec.path}: ${m.failed} messages failed`);
  return { m, ...(out.rusage ? { rusage: out.rusage } : {}) };
}

function variantsOf(driver: OverheadDriver, decompose: boolean): ArmVariant[] {
  return isCDriver(driver) || !decompose ? ['api'] : ['api', 'direct'];
}

export async function runOverhead(options: OverheadOptions = {}): Promise<OverheadDocument> {
  const paths = [...(options.paths ?? OVERHEAD_PATHS)];
  const drivers = [...(options.drivers ?? OVERHEAD_DRIVERS)];
  const messages = options.messages ?? OVERHEAD_DEFAULTS.messages;
  const sizes = [...(options.sizes ?? OVERHEAD_DEFAULTS.sizes)];
  const repeat = options.repeat ?? OVERHEAD_DEFAULTS.repeat;
  const batch = options.batch ?? OVERHEAD_DEFAULTS.batch;
  const decompose = options.decompose ?? true;
  const countCrossings = options.crossings ?? true;
  const timeoutMs = options.armTimeoutMs ?? 300_000;
  const log = options.log ?? (() => undefined);
  const startedAt = new Date().toISOString();
  const warnings: string[] = [];

  type Key = string;
  const key = (d: OverheadDriver, p: OverheadPath, s: number): Key => `${d}\u0000${p}\u0000${s}`;
  const inputs = new Map<Key, ResultInput>();
  for (const s of sizes) for (const p of paths) for (const d of drivers) inputs.set(key(d, p, s), { driver: d, path: p, messageSize: s, messages, api: '', runs: [], notes: [] });

  for (const size of sizes) {
    const mocks: Partial<Record<OverheadPath, MockCluster>> = {};
    try {
      if (paths.includes('delivery')) mocks.delivery = await startMock({ topic: DELIVERY_TOPIC, partitions: 1 });
      if (paths.includes('consume')) {
        log(`pre-filling the mock cluster with ${messages.toLocaleString('en-US')} × ${size} B…`);
        mocks.consume = await startMock({ topic: CONSUME_TOPIC, partitions: consumePartitions(messages, size), prefill: messages, size });
      }
      const specFor = (path: OverheadPath, driver: OverheadDriver, variant: ArmVariant): ArmSpec => {
        const mock = mocks[path];
        return {
          path, driver, variant, messages, size, batch,
          topic: path === 'produce' ? PRODUCE_TOPIC : path === 'delivery' ? DELIVERY_TOPIC : CONSUME_TOPIC,
          partitions: mock?.partitions ?? 1,
          config: armConfig(path, messages, mock?.bootstrap),
        };
      };
      for (let rep = 0; rep < repeat; rep++) {
        for (const path of paths) {
          for (const driver of drivers) {
            const input = inputs.get(key(driver, path, size)) as ResultInput;
            for (const variant of variantsOf(driver, decompose)) {
              if (input.error !== undefined) continue; // a driver that failed (or has no figure) on a path is not retried
              const label = `[${rep + 1}/${repeat}] ${size} B ${path.padEnd(8)} ${driver.padEnd(12)} ${variant.padEnd(6)}`;
              try {
                const { m, rusage } = await runOne(specFor(path, driver, variant), timeoutMs);
                if (variant === 'api') input.api = m.api;
                input.runs.push({
                  driver, path, variant, messageSize: size, repetition: rep, messages, count: m.count, elapsedNs: m.elapsedNs,
                  nsPerMsg: m.elapsedNs / messages, cpuNsPerMsg: m.cpuNs / messages, gcNsPerMsg: m.gcNs / messages, waitMs: m.waitMs, stalls: m.stalls, librdkafka: m.librdkafka,
                  ...(rusage ? { cpuUserUs: rusage.userUs, cpuSysUs: rusage.sysUs, maxRssKb: rusage.maxRssKb } : {}),
                });
                log(`${label} ${(m.elapsedNs / messages).toFixed(1)} ns/msg${m.gcNs ? ` (GC ${(m.gcNs / messages).toFixed(1)})` : ''}${m.stalls ? ` stalls ${m.stalls}` : ''}`);
              } catch (err) {
                input.error = errorMessage(err);
                if (err instanceof NotApplicableRun) input.notes.push(`not applicable: ${err.message}`);
                log(`${label} ${err instanceof NotApplicableRun ? 'not applicable' : 'FAILED'}: ${errorMessage(err)}`);
              }
            }
          }
        }
      }
      if (countCrossings) {
        for (const path of paths) {
          for (const driver of drivers) {
            const input = inputs.get(key(driver, path, size)) as ResultInput;
            if (isCDriver(driver) || input.error !== undefined) continue;
            try {
              const { m } = await runOne({ ...specFor(path, driver, 'api'), countCrossings: true }, timeoutMs);
              input.crossings = m.crossings as CrossingCounts;
              log(`[crossings] ${size} B ${path.padEnd(8)} ${driver.padEnd(12)} ${((m.crossings?.jsToNative ?? 0) / messages).toFixed(4)} JS→native + ${((m.crossings?.nativeToJs ?? 0) / messages).toFixed(4)} native→JS per message`);
            } catch (err) {
              warnings.push(`${driver} ${path} ${size} B: counting crossings failed: ${errorMessage(err)}`);
            }
          }
        }
      }
    } finally {
      for (const m of Object.values(mocks)) await m.stop();
    }
  }

  const results: OverheadResult[] = [];
  for (const input of inputs.values()) {
    const c = inputs.get(key('c', input.path, input.messageSize));
    const cRes = c && c.error === undefined && c.runs.length > 0 ? buildResult(c, undefined) : undefined;
    const cMedian = cRes?.nsPerMsg.median;
    const stalls = input.runs.reduce((s, r) => s + r.stalls, 0);
    if (stalls > 0) input.notes.push(`${stalls} stall(s) in the measured loops: part of the figure is waiting`);
    if (input.driver === 'crab') input.notes.push(`librdkafka 2.12.1, linked statically (the c figure is ${SHARED_LIBRDKAFKA})`);
    results.push(buildResult(input, cMedian, cRes?.cpuNsPerMsg?.median));
  }
  const config: OverheadDocument['config'] = {};
  for (const p of paths) config[p] = armConfig(p, messages, MOCK_BOOTSTRAP);
  return {
    schema: OVERHEAD_SCHEMA,
    startedAt,
    finishedAt: new Date().toISOString(),
    host: { cpus: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${os.platform()} ${os.arch()}` },
    messages,
    messageSizes: sizes,
    repetitions: repeat,
    batch,
    paths,
    drivers,
    config,
    method: [...METHOD],
    results,
    warnings,
  };
}
