// `kbench sweep`: latency–throughput curves. Every driver at a rising rate (doubling from --start,
// or --rates), each step judged by the hold rule, and each client's max sustainable rate under a
// latency objective. The broker, connection and client options are `kbench run`'s own definitions.
import fs from 'node:fs';
import { Command, type Option } from 'commander';
import type { ScenarioId } from '../results/types.js';
import { UsageError } from '../util/errors.js';
import { parseChoice, parseDuration, parseIntOption, parseList } from './parse.js';
import { ProgressUi } from './progress.js';
import { useColor } from './report.js';
import { registerRun, runInputFrom, type RunOptions } from './run.js';
import { driverEntry } from '../drivers/registry.js';
import { expandRuntimes, parseNodeList } from '../drivers/variant.js';
import { parseSlo } from '../sweep/slo.js';
import type { SweepPlan } from '../sweep/run.js';
import type { SweepDocument } from '../sweep/types.js';
import { terminalWidth } from '../report/fit.js';

export const SWEEP_SCENARIOS: readonly ScenarioId[] = ['e2e-latency', 'producer-sync', 'producer-async'];
export const SWEEP_DEFAULTS = { drivers: 'addon,node-rdkafka,kafkajs,platformatic', slo: 'p99<20ms', duration: '10s', start: 1000, max: 1_000_000, repeat: 1, scenario: 'e2e-latency' } as const;

/** `kbench run` options a sweep takes as they are (the sweep defines its own drivers, scenario, rate, duration, repeat and outputs). */
export const SHARED_RUN_OPTIONS = [
  '--sizes', '--warmup', '--warmup-duration', '--acks', '--partitions', '--replication', '--nodes', '--compression', '--linger-ms',
  '--batch-size', '--send-batch', '--idempotence', '--workers', '--brokers', '--timeout', '--broker-warmup', '--broker-warmup-rounds',
  '--payload', '--cpus', '--broker-storage', '--kafka-version', '--heap', '--client-config', '--sasl', '--sasl-mechanism',
  '--sasl-username', '--secrets-file', '--tls', '--tls-ca', '--node', '--librdkafka',
] as const;

export interface SweepCliOptions extends Omit<RunOptions, 'scenarios' | 'rate'> {
  slo?: string;
  rates?: string;
  start?: string;
  max?: string;
  scenario?: string;
  color?: boolean;
}

/** The Option objects `kbench run` defines for these flags (one definition, no copy). */
export function runOptionDefinitions(flags: readonly string[] = SHARED_RUN_OPTIONS): Option[] {
  const tmp = new Command();
  registerRun(tmp);
  const run = tmp.commands.find((c) => c.name() === 'run') as Command;
  const out = flags.map((f) => run.options.find((o) => o.long === f));
  const missing = flags.filter((_, i) => !out[i]);
  if (missing.length) throw new Error(`kbench run has no option ${missing.join(', ')}`);
  return out as Option[];
}

/** --rates 1000,2k,5000 → ascending, each ≥ 1. */
export function parseRates(value: string): number[] {
  return [...new Set(parseList(value, '--rates').map((r) => parseIntOption(r, '--rates', 1, 100_000_000)))].sort((a, b) => a - b);
}

/** The CLI's strings → a SweepPlan (every bad value a UsageError naming its option). */
export function sweepPlanFrom(o: SweepCliOptions, env: NodeJS.ProcessEnv = process.env): { plan: SweepPlan; warnings: string[] } {
  const slo = parseSlo(o.slo ?? SWEEP_DEFAULTS.slo);
  if (o.rates !== undefined && (o.start !== undefined || o.max !== undefined)) throw new UsageError('--rates and --start/--max exclude each other: give a list, or a start and a maximum to double up to');
  let rates: SweepPlan['rates'];
  if (o.rates !== undefined) rates = { mode: 'list', list: parseRates(o.rates) };
  else {
    const start = o.start !== undefined ? parseIntOption(o.start, '--start', 1, 100_000_000) : SWEEP_DEFAULTS.start;
    const max = o.max !== undefined ? parseIntOption(o.max, '--max', 1, 100_000_000) : SWEEP_DEFAULTS.max;
    if (start > max) throw new UsageError(`--start ${start} is above --max ${max}`);
    rates = { mode: 'doubling', start, max };
  }
  const scenario = parseChoice(o.scenario ?? SWEEP_DEFAULTS.scenario, '--scenario', SWEEP_SCENARIOS);
  const durationMs = parseDuration(o.duration ?? SWEEP_DEFAULTS.duration, '--duration');
  const repeat = o.repeat !== undefined ? parseIntOption(o.repeat, '--repeat', 1, 100) : SWEEP_DEFAULTS.repeat;
  const asked = parseList(o.drivers ?? SWEEP_DEFAULTS.drivers, '--drivers');
  // --node 22,24: each Node driver is swept once per runtime, a curve each (kafkajs:node22, kafkajs:node24).
  const drivers = o.node !== undefined ? expandRuntimes(asked, parseNodeList(o.node), (b) => driverEntry(b)?.kind === 'node') : asked;
  const { slo: _s, rates: _r, start: _st, max: _m, scenario: _sc, color: _c, out: _o, report: _re, md: _md, quiet: _q, node: _n, ...runOpts } = o;
  const { input, warnings } = runInputFrom({ ...runOpts, drivers: drivers.join(','), scenarios: scenario, repeat: String(repeat), duration: o.duration ?? SWEEP_DEFAULTS.duration }, env);
  return { plan: { drivers, rates, slo, durationMs, scenario, repeat, input, options: { ...o } }, warnings };
}

export async function emitSweep(doc: SweepDocument, o: { out?: string; report?: string; md?: string; quiet?: boolean; color?: boolean }): Promise<void> {
  const { renderSweepTerminal, renderSweepMarkdown } = await import('../sweep/render.js');
  const written: string[] = [];
  if (o.out) {
    fs.writeFileSync(o.out, `${JSON.stringify(doc, null, 2)}\n`);
    written.push(`sweep: ${o.out}`);
  }
  if (o.report) {
    const { renderSweepHtml } = await import('../report/sweep.js');
    fs.writeFileSync(o.report, await renderSweepHtml(doc));
    written.push(o.report);
  }
  if (o.md) {
    fs.writeFileSync(o.md, renderSweepMarkdown(doc));
    written.push(o.md);
  }
  process.stdout.write(renderSweepTerminal(doc, { color: useColor(o.color !== false), width: terminalWidth() }));
  if (written.length && !o.quiet) process.stderr.write(`${written.join('  ')}\n`);
}

export function registerSweep(program: Command): void {
  const cmd = program
    .command('sweep')
    .description('Latency under load: every driver at a rising rate, latency–throughput curves, and each client’s max sustainable rate under a latency objective')
    .option('--drivers <list>', `drivers to sweep (default ${SWEEP_DEFAULTS.drivers})`)
    .option('--slo <objective>', `latency objective on corrected latency (from the intended send time): p50|p90|p95|p99|p99.9|p99.99 < N us|ms|s, several comma-separated, e.g. 'p99<20ms,p99.9<100ms' (default ${SWEEP_DEFAULTS.slo})`)
    .option('--rates <list>', 'explicit rates in msgs/s, e.g. 1000,2000,5000: every driver runs every rate')
    .option('--start <msgs/s>', `doubling mode: first rate (default ${SWEEP_DEFAULTS.start}); each driver doubles until it fails to hold twice in a row, or --max`)
    .option('--max <msgs/s>', `doubling mode: highest rate (default ${SWEEP_DEFAULTS.max.toLocaleString('en-US')})`)
    .option('--scenario <id>', `${SWEEP_SCENARIOS.join(', ')} (default ${SWEEP_DEFAULTS.scenario})`)
    .option('--duration <time>', `measured time per step, e.g. 10s (default ${SWEEP_DEFAULTS.duration})`)
    .option('--repeat <n>', `repetitions per driver and rate, interleaved (default ${SWEEP_DEFAULTS.repeat})`);
  for (const opt of runOptionDefinitions()) cmd.addOption(opt);
  cmd
    .option('--out <file.json>', 'write the sweep document (kbench.sweep/1)')
    .option('--report <file.html>', 'write a self-contained HTML report with the curves')
    .option('--md <file.md>', 'write a Markdown report')
    .option('--no-color', 'plain text output')
    .option('--quiet', 'no progress output')
    .addHelpText('after', `\nA rate is held when every repetition verified, achieved ≥ 99 % of it, met the objective, and its backlog did not grow.\nThe broker starts once and is warmed up once, before the first step. Exit code 1 when a repetition failed verification.\n\nExample:\n  kbench sweep --drivers addon,kafkajs --slo 'p99<20ms' --duration 10s --report sweep.html`)
    .action(async (o: SweepCliOptions) => {
      const { plan, warnings } = sweepPlanFrom(o);
      const { runSweep } = await import('../sweep/run.js');
      const quiet = Boolean(o.quiet);
      const ui = new ProgressUi(quiet);
      for (const w of warnings) ui.info(`warning: ${w}`);
      const doc = await runSweep(plan, {
        info: (m) => ui.info(m),
        runEvents: () => new ProgressUi(quiet),
        step: (s) => ui.info(`${s.held ? '✓' : '✗'} ${s.driver} at ${s.rate.toLocaleString('en-US')} msgs/s: ${s.held ? 'held' : `not held — ${s.whyNot.join('; ')}`}`),
      });
      doc.warnings.unshift(...warnings);
      await emitSweep(doc, o);
      const failed = doc.steps.filter((s) => s.repetitions > 0 && !s.verified);
      if (failed.length) {
        process.stderr.write(`\nkbench: ${failed.length} step(s) FAILED verification:\n${failed.map((s) => `  ✗ ${s.driver} at ${s.rate.toLocaleString('en-US')} msgs/s: ${s.whyNot.filter((w) => w.startsWith('not verified')).join('; ')}`).join('\n')}\n`);
        process.exitCode = 1;
      }
    });
}
