// The parent side of one arm: writes the spec, runs the arm's process (kbench's own child for Node
// drivers, the program for external ones) under kbench-exec, relays progress, enforces the
// timeout, reads the outcome and the process's rusage. It never loads a client itself.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExternalDriver } from '../drivers/external.js';
import type { DriverEntry } from '../drivers/registry.js';
import type { DriverDescription } from '../drivers/types.js';
import type { ArmSpec, ScenarioOutcome } from '../scenarios/types.js';
import { errorMessage } from '../util/errors.js';
import { spawnSupervised, type Rusage } from '../util/proc.js';
import { DESCRIBE_PREFIX, PROGRESS_PREFIX, failedOutcome } from './arm-common.js';
import { combineOutcomes } from './combine.js';
import { encodeHistogram, newHistogram } from '../stats/latency.js';
import { splitSpec } from './split.js';
import { SeriesRecorder } from './series.js';
import type { ProgressLine } from '../contract/arm.js';
import type { ArmRuntime, TimeSeries } from '../results/types.js';
import { prepareDriver } from '../runtime/prepare.js';

const childJs = path.join(path.dirname(fileURLToPath(import.meta.url)), 'child.js');
const TAIL = 16 * 1024;

export interface ArmProcessResult {
  outcome: ScenarioOutcome;
  /** rusage of the arm's process(es), summed over processes. */
  rusage?: Rusage;
  timedOut: boolean;
  stderrTail: string;
  /** Per-interval counts from the arm's progress lines (src/runner/series.ts). */
  series?: TimeSeries;
  /** Node drivers: the runtime and client install the process ran on. */
  runtime?: ArmRuntime;
}

function tail(s: string): string {
  return s.length > TAIL ? s.slice(-TAIL) : s;
}

// Arm directories not yet removed: the spec in them may hold a SASL password, so they go on any exit.
const armDirs = new Set<string>();
let exitHook = false;

function privateArmDir(): string {
  // mkdtemp creates the directory 0700; the files in it are written 0600.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbench-arm-'));
  armDirs.add(dir);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const d of armDirs) fs.rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

function removeArmDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  armDirs.delete(dir);
}

/**
 * Runs one process for `spec`. `onProgress(done)` gets measured messages done so far. Aborting
 * `signal` (e.g. the broker died) stops the process; like a timeout, it keeps the partial outcome
 * the process leaves behind, marked failed with the reason.
 */
/** Where an arm's process runs: `cpus` = its CPU affinity (every thread), none = wherever the OS puts it. */
export interface ArmPlacement {
  cpus?: readonly number[];
}

/** `onLine`: every progress line as it arrives (failover arms: the fault is applied on the line that says so). */
export async function runArmProcess(spec: ArmSpec, entry: DriverEntry, onProgress?: (done: number) => void, signal?: AbortSignal, placement: ArmPlacement = {}, shared?: { series: SeriesRecorder; key: string }, onLine?: (line: ProgressLine) => void): Promise<ArmProcessResult> {
  const series = shared?.series ?? new SeriesRecorder();
  const seriesKey = shared?.key ?? 'p';
  const dir = privateArmDir();
  const specFile = path.join(dir, 'spec.json');
  const withResult: ArmSpec = { ...spec, resultFile: path.join(dir, 'result.json') };
  // The spec carries the connection, SASL password included: 0600 in a 0700 directory, removed after the arm.
  fs.writeFileSync(specFile, JSON.stringify(withResult), { mode: 0o600 });
  let external: ExternalDriver | undefined;
  let env: NodeJS.ProcessEnv = { ...process.env };
  let runtime: ArmRuntime | undefined;
  let cmd = process.execPath;
  if (entry.kind === 'node') {
    try {
      const prep = await prepareDriver(entry, entry.librdkafka ?? 'shared');
      cmd = prep.bin;
      env = { ...env, ...prep.env };
      runtime = prep.runtime;
    } catch (err) {
      removeArmDir(dir);
      return { outcome: failedOutcome(err), timedOut: false, stderrTail: '' };
    }
  }
  let args = [childJs, 'run', specFile];
  // `kbench profile`: extra Node flags (--cpu-prof …) and a command to run the arm's process under (perf record …).
  if (spec.launch) {
    args = [...(spec.launch.nodeArgs ?? []), ...args];
    if (spec.launch.prefix?.length) {
      args = [...spec.launch.prefix.slice(1), cmd, ...args];
      cmd = spec.launch.prefix[0] as string;
    }
  }
  let cwd: string | undefined;
  try {
    if (entry.kind === 'external') {
      const d = await entry.load();
      if (d.kind !== 'external') throw new Error(`driver ${entry.id} is registered as external but is not`);
      external = d;
      const c = d.command(withResult, specFile);
      cmd = c.cmd;
      args = c.args;
      env = { ...env, ...(c.env ?? {}) };
      cwd = c.cwd;
    }
  } catch (err) {
    removeArmDir(dir);
    return { outcome: failedOutcome(err), timedOut: false, stderrTail: '' };
  }

  let proc: ReturnType<typeof spawnSupervised>;
  try {
    proc = spawnSupervised(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env, ...(cwd ? { cwd } : {}), ...(placement.cpus ? { cpus: placement.cpus } : {}) });
  } catch (err) {
    removeArmDir(dir);
    return { outcome: failedOutcome(err), timedOut: false, stderrTail: '' };
  }
  let stdout = '';
  let stderr = '';
  let partial = '';
  const partDone = new Map<number, number>();
  const partLast = new Map<number, ProgressLine>();
  proc.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout = tail(stdout + chunk);
    partial += chunk;
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      if (!line.startsWith(PROGRESS_PREFIX)) continue;
      try {
        const p = JSON.parse(line.slice(PROGRESS_PREFIX.length)) as ProgressLine;
        if (typeof p.done !== 'number') continue;
        if (p.fault) onLine?.(p);
        partDone.set(p.part ?? 0, p.done);
        partLast.set(p.part ?? 0, p);
        series.record(`${seriesKey}.${p.part ?? 0}`, p);
        onProgress?.([...partDone.values()].reduce((s, v) => s + v, 0));
      } catch {
        // a client printed something that merely looks like ours
      }
    }
  });
  proc.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = tail(stderr + chunk);
  });

  let timedOut = false;
  let interrupted: string | undefined;
  const interrupt = (why: string): void => {
    if (interrupted) return;
    interrupted = why;
    void proc.stop(5000);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    interrupt(`timed out after ${Math.round(spec.timeoutMs / 1000)} s`);
  }, spec.timeoutMs);
  const onAbort = (): void => interrupt(String(signal?.reason ?? 'aborted'));
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const { code, signal: killedBy, rusage } = await proc.done;
  clearTimeout(timer);
  signal?.removeEventListener('abort', onAbort);

  let outcome: ScenarioOutcome;
  try {
    if (fs.existsSync(withResult.resultFile)) {
      outcome = JSON.parse(fs.readFileSync(withResult.resultFile, 'utf8')) as ScenarioOutcome;
      if (interrupted) {
        outcome.ok = false;
        const counts = outcome.delivered !== undefined ? ` (${outcome.messages} sent, ${outcome.delivered} delivered, ${outcome.failed ?? 0} failed when stopped)` : outcome.consumed !== undefined ? ` (${outcome.consumed} read when stopped)` : '';
        outcome.error = `${interrupted}${counts}${outcome.error && !outcome.error.startsWith('interrupted') ? `: ${outcome.error}` : ''}`;
      }
    } else if (interrupted) {
      // No result: where the arm's process stood when it was stopped (its last progress line, its last words).
      const last = lastProgressNote([...partLast.values()]);
      const words = stderr.trim().split('\n').slice(-3).join(' | ');
      outcome = failedOutcome(new Error(`${interrupted}${last ? `; ${last}` : '; no progress line from it yet'}${words ? `; its stderr: ${words}` : ''}`));
    } else if (external?.parse) {
      outcome = external.parse({ stdout, stderr, exitCode: code }, withResult);
    } else {
      const how = killedBy ? `was killed by ${killedBy}` : `exited with code ${code}`;
      const last = stderr.trim().split('\n').slice(-3).join(' | ');
      outcome = failedOutcome(new Error(`the arm's process ${how} without a result${last ? `: ${last}` : ''}`));
    }
  } catch (err) {
    outcome = failedOutcome(new Error(`unreadable result: ${errorMessage(err)}`));
  }
  removeArmDir(dir);
  histogramFromSamples(outcome, 'latencySamplesUs', 'latencyHistogram');
  histogramFromSamples(outcome, 'serviceSamplesUs', 'serviceHistogram');
  const s = shared ? undefined : series.finish();
  return { outcome, ...(rusage ? { rusage } : {}), timedOut, stderrTail: stderr, ...(s ? { series: s } : {}), ...(runtime ? { runtime } : {}) };
}

/** "last progress: 150,000 sent, 150,000 acked, 149,872 consumed (its final line: it was closing its clients)". */
export function lastProgressNote(lines: readonly ProgressLine[]): string | undefined {
  if (!lines.length) return undefined;
  const sum = (k: 'done' | 'acked' | 'failed' | 'consumed'): number | undefined => (lines.some((l) => l[k] !== undefined) ? lines.reduce((s, l) => s + (l[k] ?? 0), 0) : undefined);
  const n = (v: number): string => v.toLocaleString('en-US');
  const parts = [`${n(sum('done') ?? 0)} sent`];
  for (const k of ['acked', 'failed', 'consumed'] as const) {
    const v = sum(k);
    if (v !== undefined) parts.push(`${n(v)} ${k}`);
  }
  const final = lines.every((l) => l.final);
  return `last progress: ${parts.join(', ')}${final ? ' (its final line: the scenario had ended, it was closing its clients)' : ''}`;
}

/** External drivers may send raw samples (µs) instead of a histogram: kbench builds it. */
function histogramFromSamples(o: ScenarioOutcome, samples: 'latencySamplesUs' | 'serviceSamplesUs', into: 'latencyHistogram' | 'serviceHistogram'): void {
  const xs = o[samples];
  if (xs && !o[into]) {
    const h = newHistogram();
    for (const v of xs) h.recordValue(Math.max(1, Math.round(v)));
    o[into] = encodeHistogram(h);
  }
  delete o[samples];
}

/** Runs an arm as `n` processes (for clients that cannot share a process between threads) and combines them. */
export async function runArmProcesses(spec: ArmSpec, n: number, entry: DriverEntry, onProgress?: (done: number) => void, signal?: AbortSignal, placement: ArmPlacement = {}): Promise<ArmProcessResult> {
  if (n <= 1) return runArmProcess(spec, entry, onProgress, signal, placement);
  const parts = splitSpec(spec, n, spec.partitionCounts);
  const done = new Array<number>(n).fill(0);
  const series = new SeriesRecorder();
  const results = await Promise.all(
    parts.map((p, k) =>
      runArmProcess(
        p,
        entry,
        (d) => {
          done[k] = d;
          onProgress?.(done.reduce((s, v) => s + v, 0));
        },
        signal,
        placement,
        { series, key: String(k) },
      ),
    ),
  );
  const s = series.finish();
  const rusages = results.map((r) => r.rusage).filter((r): r is Rusage => r !== undefined);
  const rusage: Rusage | undefined = rusages.length
    ? rusages.reduce((a, b) => ({
        userUs: a.userUs + b.userUs,
        sysUs: a.sysUs + b.sysUs,
        maxRssKb: a.maxRssKb + b.maxRssKb,
        wallUs: Math.max(a.wallUs, b.wallUs),
        exitCode: a.exitCode || b.exitCode,
        signal: a.signal || b.signal,
      }))
    : undefined;
  return {
    outcome: combineOutcomes(results.map((r) => r.outcome), 'processes'),
    ...(rusage ? { rusage } : {}),
    timedOut: results.some((r) => r.timedOut),
    stderrTail: results.map((r) => r.stderrTail).join('\n'),
    ...(s ? { series: s } : {}),
    ...(results[0]?.runtime ? { runtime: results[0].runtime } : {}),
  };
}

/** Describes a driver: Node drivers in a child process (the parent never loads a client), external ones here. */
export async function describeDriver(entry: DriverEntry, timeoutMs = 60_000): Promise<DriverDescription> {
  const unavailable = (reason: string): DriverDescription => ({
    id: entry.id, client: entry.id, version: 'unknown', runtime: entry.kind === 'node' ? `node ${entry.variant?.node ?? process.versions.node}` : 'external',
    available: false, reason, scenarios: [], workerThreads: false, notes: [],
  });
  try {
    if (entry.kind === 'external') return await (await entry.load()).describe();
    const prep = await prepareDriver(entry, entry.librdkafka ?? 'shared');
    const proc = spawnSupervised(prep.bin, [childJs, 'describe', entry.id], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...prep.env } });
    let out = '';
    let err = '';
    proc.child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
    proc.child.stderr?.setEncoding('utf8').on('data', (c: string) => (err = tail(err + c)));
    const timer = setTimeout(() => void proc.stop(2000), timeoutMs);
    const { code, signal } = await proc.done;
    clearTimeout(timer);
    const line = out.split('\n').find((l) => l.startsWith(DESCRIBE_PREFIX));
    if (!line) {
      const how = signal ? `killed by ${signal}` : `exit code ${code}`;
      return unavailable(`describing it failed (${how})${err.trim() ? `: ${err.trim().split('\n').slice(-2).join(' | ')}` : ''}`);
    }
    return JSON.parse(line.slice(DESCRIBE_PREFIX.length)) as DriverDescription;
  } catch (e) {
    return unavailable(errorMessage(e));
  }
}
