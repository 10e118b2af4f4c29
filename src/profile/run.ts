// `kbench profile`: one arm of `kbench run` (same runner, embedded broker or --brokers, verified as
// usual) with its Node process launched under V8's CPU profiler (--cpu-prof), and optionally under
// `perf record` with JIT symbols (--perf-basic-prof) for native stacks and a flame graph.
import { SCENARIOS } from '../results/types.js';
import fs from 'node:fs';
import path from 'node:path';
import { runInputFrom, type RunOptions } from '../cli/run.js';
import { parseChoices } from '../cli/parse.js';
import { planRunSpec, RUN_DEFAULTS } from '../plan/spec.js';
import { baseDriverId, driverEntry, driverIds } from '../drivers/registry.js';
import { projectRoot } from '../paths.js';
import type { ResultsDocument } from '../results/types.js';
import { runBenchmark, type RunEvents } from '../runner/run.js';
import { EnvironmentError, UsageError } from '../util/errors.js';
import { pidAlive } from '../util/proc.js';
import { readCpuProfile, summarizeProfile, type Classifier, type ProfileSummary } from './cpuprofile.js';
import { checkPerf, renderFlameGraph } from './perf.js';

export interface ProfileOptions {
  driver: string;
  scenario: string;
  /** Directory for the .cpuprofile (and perf files); default: the current directory. */
  outDir: string;
  /** Sampling interval of V8's profiler, µs. */
  intervalUs: number;
  perf: boolean;
  /** Everything else goes to `kbench run`'s option parser (messages, sizes, brokers …). */
  run: RunOptions;
}

export interface ProfileResult {
  doc: ResultsDocument;
  cpuprofiles: string[];
  summary: ProfileSummary;
  flameGraph?: string;
  perfData?: string;
  notes: string[];
}

/** Path fragments that mark the profiled client's own files. */
export function clientPaths(driver: string, client: string | undefined): string[] {
  // The addon's client library is kbench's typed wrapper around it.
  if (driver === 'addon' || driver === 'addon-loop') return ['/dist/src/native/'];
  return client ? [`/node_modules/${client}/`] : [];
}

/** --perf-basic-prof leaves /tmp/perf-<pid>.map behind: remove those of this run's (exited) arm processes. */
function removePerfMaps(since: number): void {
  for (const f of fs.readdirSync('/tmp').filter((x) => /^perf-\d+\.map$/.test(x))) {
    const file = path.join('/tmp', f);
    const pid = Number(f.slice(5, -4));
    try {
      if (fs.statSync(file).mtimeMs >= since && !pidAlive(pid)) fs.rmSync(file, { force: true });
    } catch {
      // gone already
    }
  }
}

export async function runProfile(o: ProfileOptions, ev: RunEvents): Promise<ProfileResult> {
  const entry = driverEntry(o.driver);
  if (!entry) throw new UsageError(`--driver: unknown driver '${o.driver}' (known: ${driverIds().join(', ')})`);
  if (entry.kind !== 'node') throw new UsageError(`--driver ${o.driver}: kbench profile profiles Node drivers; '${o.driver}' runs a program of its own (use perf on it directly)`);
  if (!fs.existsSync(o.outDir) || !fs.statSync(o.outDir).isDirectory()) throw new UsageError(`--out: '${o.outDir}' is not a directory`);
  if (!Number.isInteger(o.intervalUs) || o.intervalUs < 50) throw new UsageError('--interval must be a whole number of µs ≥ 50');
  const notes: string[] = [];
  let perfEvent: string | undefined;
  if (o.perf) {
    const check = checkPerf();
    if (!check.ok) throw new EnvironmentError(`--perf: ${check.why}`);
    perfEvent = check.event;
    notes.push(...check.notes);
  }

  const { input, warnings } = runInputFrom(o.run);
  const spec = planRunSpec({ ...input, brokerWarmup: input.brokerWarmup ?? RUN_DEFAULTS.quickBrokerWarmup, drivers: [o.driver], scenarios: parseChoices(o.scenario, '--scenario', SCENARIOS), repeat: 1 });
  for (const w of warnings) ev.info(`warning: ${w}`);
  const started = Date.now();
  const stamp = new Date(started).toISOString().replace(/[:.]/g, '-');
  const key = spec.drivers[0] as string;
  const base = `kbench-${key.replace(/[^A-Za-z0-9.-]+/g, '_')}-${o.scenario}-${stamp}`;
  const tmp = fs.mkdtempSync(path.join(o.outDir, '.kbench-profile-'));
  const perfData = path.join(o.outDir, `${base}.perf.data`);
  try {
    const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${tmp}`, `--cpu-prof-interval=${o.intervalUs}`];
    // JIT code gets names perf can resolve (/tmp/perf-<pid>.map), interpreted frames get native frames.
    // (V8 then also opens its code-event log: kept in the scratch directory, not the current one.)
    if (o.perf) nodeArgs.push('--perf-basic-prof', '--interpreted-frames-native-stack', `--logfile=${path.join(tmp, 'v8.log')}`, '--no-logfile-per-isolate');
    spec.armLaunch = { nodeArgs, ...(o.perf ? { prefix: ['perf', 'record', '-q', '-e', perfEvent as string, '-F', '999', '-g', '-o', perfData, '--'] } : {}) };
    const doc = await runBenchmark(spec, ev);
    const rep = doc.runs[0]?.repetitions[0];
    if (!rep) throw new Error(`the arm did not run: ${doc.skipped.map((s) => s.reason).join('; ') || 'unknown reason'}`);
    if (!rep.ok) notes.push(`the arm did not verify: ${rep.error ?? rep.verification.failures.join('; ')} (the profile is still written)`);

    // One profile per thread that ran JS (worker threads each write their own): the largest is the arm's main work.
    const written = fs.readdirSync(tmp).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(tmp, f));
    if (written.length === 0) throw new Error(`no .cpuprofile was written${rep.error ? ` (the arm failed: ${rep.error})` : ''}`);
    written.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
    const cpuprofiles = written.map((f, i) => {
      const dest = path.join(o.outDir, `${base}${i === 0 ? '' : `-thread${i}`}.cpuprofile`);
      fs.renameSync(f, dest);
      return dest;
    });
    const client = doc.env.drivers[key]?.client;
    const classifier: Classifier = { clientPaths: clientPaths(baseDriverId(key), client), kbenchPath: `${projectRoot.replace(/\\/g, '/')}/dist/` };
    const summary = summarizeProfile(readCpuProfile(cpuprofiles[0] as string), classifier);
    const result: ProfileResult = { doc, cpuprofiles, summary, notes };
    if (o.perf) {
      result.perfData = perfData;
      result.notes.push(`folded stacks (speedscope loads them too): ${perfData}.folded`);
      try {
        result.flameGraph = renderFlameGraph(perfData, path.join(o.outDir, `${base}.flame.svg`), `kbench profile ${o.driver} ${o.scenario}`);
      } catch (err) {
        notes.push(`no flame graph: ${(err as Error).message}`);
      }
      removePerfMaps(started);
    }
    return result;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
