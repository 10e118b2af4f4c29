// An arm's process. It loads exactly one driver, runs one scenario (or reports what the driver is),
// writes one outcome, and exits. The parent (src/runner/arm.ts) enforces the timeout and reads rusage.
//
//   node dist/src/runner/child.js run <spec.json>
//   node dist/src/runner/child.js describe <driver-id>
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { driverEntry } from '../drivers/registry.js';
import { runScenario } from '../scenarios/index.js';
import type { ArmSpec, ScenarioOutcome, ScenarioRun } from '../scenarios/types.js';
import { errorMessage } from '../util/errors.js';
import { redact } from '../util/redact.js';
import { DESCRIBE_PREFIX, failedOutcome, loadNodeDriver, progressWriter } from './arm-common.js';
import { combineOutcomes } from './combine.js';
import { splitSpec } from './split.js';
import { captureWarnings, type WarningCapture } from './warnings.js';

// Installed first thing when this file runs as the arm's process: a client's warnings become notes.
let warnings: WarningCapture | undefined;

function withWarnings(notes: readonly string[]): string[] {
  const own = warnings?.notes() ?? [];
  return [...notes.filter((n) => !own.includes(n)), ...own];
}

async function runThreads(spec: ArmSpec): Promise<ScenarioOutcome> {
  const { Piscina } = await import('piscina');
  const parts = splitSpec(spec, spec.threads, spec.partitionCounts);
  const pool = new Piscina({
    filename: path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.js'),
    minThreads: parts.length,
    maxThreads: parts.length,
    idleTimeout: 1000,
  });
  try {
    const outcomes = await Promise.all(parts.map((p, part) => pool.run({ spec: p, part }) as Promise<ScenarioOutcome>));
    return combineOutcomes(outcomes, 'threads');
  } finally {
    await pool.destroy();
  }
}

async function run(specFile: string): Promise<void> {
  const spec = JSON.parse(fs.readFileSync(specFile, 'utf8')) as ArmSpec;
  const scenarioRun: ScenarioRun = { spec, progress: progressWriter() };
  // Interrupted (the parent's timeout, or the broker died): leave what is known as a failed outcome.
  process.once('SIGTERM', () => {
    const partial = failedOutcome(new Error('interrupted before the arm finished'));
    fs.writeFileSync(spec.resultFile, JSON.stringify({ ...partial, ...(scenarioRun.live?.() ?? {}), ok: false }));
    partial.notes = withWarnings(partial.notes);
    process.exit(143);
  });
  let outcome: ScenarioOutcome;
  try {
    if (spec.threads > 1) {
      outcome = await runThreads(spec);
    } else {
      const driver = await loadNodeDriver(spec.driver);
      outcome = await runScenario(driver, scenarioRun);
    }
  } catch (err) {
    outcome = failedOutcome(err);
  }
  outcome.rssPeakBytes = Math.max(outcome.rssPeakBytes ?? 0, process.resourceUsage().maxRSS * 1024);
  // The client's configuration holds the SASL password: the result file never does (only the spec may).
  outcome.config = redact(outcome.config);
  outcome.notes = withWarnings(outcome.notes ?? []);
  fs.writeFileSync(spec.resultFile, JSON.stringify(outcome));
}

async function describe(id: string): Promise<void> {
  const d = await driverEntry(id)?.load();
  if (!d) throw new Error(`unknown driver '${id}'`);
  const description = await d.describe();
  // A variant key (`confluent@1.6.0:node22`) is a driver of its own in the run: described under that key.
  description.id = id;
  description.notes = withWarnings(description.notes ?? []);
  process.stdout.write(`${DESCRIBE_PREFIX}${JSON.stringify(description)}\n`);
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (isMain) {
  warnings = captureWarnings();
  const [cmd, arg] = process.argv.slice(2);
  try {
    if (cmd === 'run' && arg) await run(arg);
    else if (cmd === 'describe' && arg) await describe(arg);
    else throw new Error('usage: child.js run <spec.json> | describe <driver-id>');
    // Clients keep sockets and timers alive; the arm is over.
    process.exit(0);
  } catch (err) {
    process.stderr.write(`kbench arm: ${errorMessage(err)}\n`);
    process.exit(1);
  }
}
