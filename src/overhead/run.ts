// Runs the overhead arms: each repetition of each driver in a fresh process (spawnSupervised),
// repetitions interleaved (c, addon, node-rdkafka, c, addon, ...), then summarised per driver.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { toolPath } from '../paths.js';
import { spawnSupervised, type Rusage } from '../util/proc.js';
import { errorMessage } from '../util/errors.js';
import { armConfig } from './settings.js';
import {
  OVERHEAD_SCHEMA, RESULT_MARKER, type ArmRun, type ArmSpec, type NsSummary, type OverheadDocument, type OverheadDriver,
  type OverheadPath, type OverheadResult,
} from './types.js';

export interface OverheadOptions {
  path?: OverheadPath;
  drivers?: readonly OverheadDriver[];
  messages?: number;
  size?: number;
  repeat?: number;
  /** Messages per addon produce() call. */
  batch?: number;
  /** Progress lines (one per arm run). */
  log?: (line: string) => void;
  /** Per-arm time limit (default 5 minutes). */
  armTimeoutMs?: number;
}

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));

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
  const timer = setTimeout(() => void proc.stop(2000), timeoutMs);
  const done = await proc.done;
  clearTimeout(timer);
  return { ...done, stdout, stderr };
}

function failure(what: string, out: Captured): Error {
  const tail = out.stderr.trim().split('\n').slice(-3).join(' | ');
  return new Error(`${what} ${out.signal ? `was killed by ${out.signal}` : `exited with code ${out.code}`}${tail ? `: ${tail}` : ''}`);
}

async function runArm(spec: ArmSpec, repetition: number, timeoutMs: number): Promise<ArmRun> {
  let out: Captured;
  let m: { enqueued: number; elapsedNs: number; librdkafka: string; addon?: string };
  if (spec.driver === 'c') {
    const tool = toolPath('kbench-enqueue');
    if (!tool) throw new Error('kbench-enqueue is not built; run `node scripts/install.mjs --only tools`');
    const args = ['--messages', String(spec.messages), '--size', String(spec.size), '--topic', spec.topic];
    for (const [k, v] of Object.entries(spec.config)) args.push('-X', `${k}=${v}`);
    out = await capture(tool, args, timeoutMs);
    if (out.code !== 0) throw failure('kbench-enqueue', out);
    const line = out.stdout.split('\n').find((l) => l.startsWith('{'));
    if (!line) throw new Error(`kbench-enqueue printed no result: ${out.stdout.slice(0, 200)}`);
    m = JSON.parse(line) as typeof m;
  } else {
    out = await capture(process.execPath, [CHILD, JSON.stringify(spec)], timeoutMs);
    if (out.code !== 0) throw failure(`the ${spec.driver} arm`, out);
    const line = out.stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
    if (!line) throw new Error(`the ${spec.driver} arm printed no result`);
    m = JSON.parse(line.slice(RESULT_MARKER.length)) as typeof m;
  }
  if (m.enqueued !== spec.messages) throw new Error(`${spec.driver} enqueued ${m.enqueued} of ${spec.messages} messages`);
  return {
    driver: spec.driver,
    repetition,
    messages: spec.messages,
    enqueued: m.enqueued,
    elapsedNs: m.elapsedNs,
    nsPerMsg: m.elapsedNs / spec.messages,
    librdkafka: m.librdkafka,
    ...(out.rusage ? { cpuUserUs: out.rusage.userUs, cpuSysUs: out.rusage.sysUs, maxRssKb: out.rusage.maxRssKb } : {}),
    ...(m.addon ? { addon: m.addon } : {}),
  };
}

function summarize(values: readonly number[]): NsSummary {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number, max: s[s.length - 1] as number };
}

export async function runOverhead(options: OverheadOptions = {}): Promise<OverheadDocument> {
  const path = options.path ?? 'enqueue';
  const drivers = options.drivers ?? ['c', 'addon', 'node-rdkafka'];
  const messages = options.messages ?? 1_000_000;
  const size = options.size ?? 100;
  const repeat = options.repeat ?? 5;
  const batch = options.batch ?? 10_000;
  const log = options.log ?? (() => undefined);
  const config = armConfig(path, messages);
  const startedAt = new Date().toISOString();
  const runs = new Map<OverheadDriver, ArmRun[]>(drivers.map((d) => [d, []]));
  const errors = new Map<OverheadDriver, string>();

  for (let rep = 0; rep < repeat; rep++) {
    for (const driver of drivers) {
      if (errors.has(driver)) continue; // a driver that failed once is not retried
      const spec: ArmSpec = { path, driver, messages, size, batch, topic: 'kbench-overhead', config };
      try {
        const run = await runArm(spec, rep, options.armTimeoutMs ?? 300_000);
        runs.get(driver)?.push(run);
        log(`[${rep + 1}/${repeat}] ${driver.padEnd(12)} ${run.nsPerMsg.toFixed(1)} ns/msg`);
      } catch (err) {
        errors.set(driver, errorMessage(err));
        log(`[${rep + 1}/${repeat}] ${driver.padEnd(12)} FAILED: ${errorMessage(err)}`);
      }
    }
  }

  const results: OverheadResult[] = drivers.map((driver) => {
    const r = runs.get(driver) ?? [];
    const error = errors.get(driver);
    if (error !== undefined || r.length === 0) return { driver, nsPerMsg: { median: NaN, min: NaN, max: NaN }, runs: r, error: error ?? 'no runs' };
    return { driver, nsPerMsg: summarize(r.map((x) => x.nsPerMsg)), runs: r };
  });
  const c = results.find((r) => r.driver === 'c' && r.error === undefined);
  if (c) for (const r of results) if (r.error === undefined) r.ratioToC = r.nsPerMsg.median / c.nsPerMsg.median;

  return {
    schema: OVERHEAD_SCHEMA,
    path,
    messages,
    messageSize: size,
    repetitions: repeat,
    addonBatch: batch,
    config,
    startedAt,
    host: { cpus: os.availableParallelism(), node: process.version, platform: `${os.platform()} ${os.arch()}` },
    results,
  };
}
