// `kbench sweep`: every driver at a rising rate against one broker, started once and warmed up once
// (before the first step; every later step runs with brokerWarmup.messages = 0), each step judged
// by the hold rule (src/sweep/hold.ts). Doubling mode drops a driver once it fails to hold twice in
// a row; an explicit list runs every rate for every driver.
import os from 'node:os';
import { planRunSpec, type RunInput } from '../plan/spec.js';
import type { RunSpec } from '../plan/plan.js';
import type { Connection, RunEnv, RunRecord, ScenarioId } from '../results/types.js';
import { openBroker, runBenchmark, type BrokerInfo, type RunEvents } from '../runner/run.js';
import { resolvePlacement, type Placement } from '../runner/placement.js';
import { UsageError, errorMessage } from '../util/errors.js';
import { redact } from '../util/redact.js';
import { HOLD_RULE, NO_LATENCY_SCENARIOS, doublingDone, judgeStep, maxSustainable, STOP_AFTER_FAILURES } from './hold.js';
import { SWEEP_SCHEMA, type MaxSustainable, type Slo, type SweepDocument, type SweepStep } from './types.js';

export interface SweepPlan {
  drivers: string[];
  rates: SweepDocument['rates'];
  slo: Slo;
  durationMs: number;
  scenario: ScenarioId;
  repeat: number;
  /** `kbench run`'s input for the rest: connection, broker, client settings, size, warm-ups. */
  input: RunInput;
  /** The options as given, for the document (redacted there). */
  options: Record<string, unknown>;
}

export interface SweepEvents {
  info(message: string): void;
  /** Events for one step's run (a fresh progress display per step). */
  runEvents(): RunEvents;
  step?(step: SweepStep): void;
}

/** The rates a plan steps through, ascending: start, 2 × start, … up to max; or the list. */
export function planRates(rates: SweepDocument['rates']): number[] {
  if (rates.mode === 'list') return [...new Set(rates.list)].sort((a, b) => a - b);
  const out: number[] = [];
  for (let r = rates.start; r <= rates.max; r *= 2) out.push(r);
  return out;
}

/** The run spec of one step. `warm`: the broker warm-up as configured, else none. */
export function stepSpec(plan: SweepPlan, rate: number, drivers: string[], warm: boolean): RunSpec {
  return planRunSpec({
    ...plan.input,
    drivers,
    scenarios: [plan.scenario],
    repeat: plan.repeat,
    rate,
    durationMs: plan.durationMs,
    ...(warm ? {} : { brokerWarmup: { ...plan.input.brokerWarmup, messages: 0 } }),
  });
}

const fmtRate = (r: number): string => r.toLocaleString('en-US');

export async function runSweep(plan: SweepPlan, ev: SweepEvents): Promise<SweepDocument> {
  const rates = planRates(plan.rates);
  if (rates.length === 0) throw new UsageError('--start is above --max: no rate to run');
  if (plan.drivers.length === 0) throw new UsageError('--drivers needs at least one driver');
  // Validates every option once, before anything starts.
  const first = stepSpec(plan, rates[0] as number, plan.drivers, true);
  if (first.sizes.length !== 1) throw new UsageError(`--sizes: a sweep takes one message size (got ${first.sizes.join(', ')}); run one sweep per size`);
  const startedAt = new Date().toISOString();
  const sloJudged = !NO_LATENCY_SCENARIOS.includes(plan.scenario);

  let connection: Connection | undefined = first.connection;
  let broker: BrokerInfo | undefined;
  let placement: Placement | undefined;
  if (!connection) {
    placement = resolvePlacement(first.cpus, os.cpus().length, true);
    ev.info('one embedded broker for the whole sweep:');
    broker = await openBroker(first, { info: (m) => ev.info(m), armStart: () => undefined, armProgress: () => undefined, armEnd: () => undefined }, placement);
    connection = broker.connection;
  }

  const steps: SweepStep[] = [];
  const runs: RunRecord[] = [];
  const skipped: SweepDocument['skipped'] = [];
  const warnings: string[] = sloJudged ? [] : [`${plan.scenario} measures no per-message latency: the objective ${plan.slo.text} is not judged; a rate is held on verification, the achieved rate and the backlog alone (use e2e-latency or producer-sync for latency)`];
  const stopped = new Map<string, string>();
  const active = new Set(plan.drivers);
  let env: RunEnv | undefined;
  let warmedAt: number | null = null;
  let warmReport: SweepDocument['brokerWarmup']['report'];
  try {
    for (const rate of rates) {
      const drivers = plan.drivers.filter((d) => active.has(d));
      if (drivers.length === 0) break;
      const spec = stepSpec(plan, rate, drivers, warmedAt === null);
      spec.connection = connection;
      // The arms keep the placement a run would give them next to the embedded broker.
      if (placement) spec.cpus = placement.arms ? { broker: placement.broker ?? [], arms: placement.arms } : 'none';
      ev.info(`── rate ${fmtRate(rate)} msgs/s: ${drivers.join(', ')}${warmedAt === null && spec.brokerWarmup.messages > 0 ? ' (warming the broker up first, once for the whole sweep)' : ''}`);
      const doc = await runBenchmark(spec, ev.runEvents());
      env ??= doc.env;
      if (warmedAt === null && doc.runs.length > 0) {
        warmedAt = rate;
        warmReport = doc.env.method?.brokerWarmup;
      }
      for (const w of doc.warnings) if (!warnings.includes(w)) warnings.push(w);
      for (const d of drivers) {
        const rec = doc.runs.find((r) => r.driver === d);
        const skip = doc.skipped.find((s) => s.driver === d);
        const step = judgeStep(rate, d, rec, sloJudged ? plan.slo : undefined, skip?.reason);
        if (rec) step.run = runs.push(rec) - 1;
        steps.push(step);
        ev.step?.(step);
        if (!rec) {
          skipped.push({ driver: d, rate, reason: skip?.reason ?? 'did not run' });
          active.delete(d);
          stopped.set(d, `not run at ${fmtRate(rate)} msgs/s: ${skip?.reason ?? 'did not run'}`);
        } else if (plan.rates.mode === 'doubling' && doublingDone(steps.filter((s) => s.driver === d))) {
          active.delete(d);
          stopped.set(d, `did not hold ${STOP_AFTER_FAILURES} rates in a row (up to ${fmtRate(rate)} msgs/s)`);
        }
      }
      if (broker && !broker.alive()) {
        warnings.push(`the broker died at ${fmtRate(rate)} msgs/s: the sweep stopped there`);
        for (const d of active) stopped.set(d, `the broker died at ${fmtRate(rate)} msgs/s`);
        active.clear();
        break;
      }
    }
  } finally {
    await broker?.stop().catch((err: unknown) => warnings.push(`stopping the broker: ${errorMessage(err)}`));
  }
  for (const d of active) stopped.set(d, plan.rates.mode === 'doubling' ? `reached --max ${fmtRate(plan.rates.max)} msgs/s` : 'ran every rate of --rates');

  const outEnv: RunEnv = env ?? { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism(), os: `${os.type()} ${os.release()} ${os.arch()}`, node: process.versions.node, broker: { kind: 'external', nodes: 0, bootstrap: '' }, drivers: {}, kbench: '', startedAt };
  outEnv.startedAt = startedAt;
  outEnv.finishedAt = new Date().toISOString();
  if (broker) {
    // Each step saw the broker as an existing cluster: it is the sweep's embedded one.
    outEnv.broker = { ...outEnv.broker, kind: 'embedded', nodes: broker.nodes, ...(broker.version ? { version: broker.version } : {}) };
    outEnv.method = {
      ...outEnv.method,
      ...(broker.storage ? { brokerStorage: broker.storage } : {}),
      ...(placement ? { placement: { ...(placement.broker ? { broker: placement.broker } : {}), ...(placement.arms ? { arms: placement.arms } : {}), note: placement.note } } : {}),
    };
  }
  if (outEnv.method) {
    outEnv.method.order = `rates ascending; at each rate the drivers interleaved, their order rotating by one per repetition`;
    if (warmReport) outEnv.method.brokerWarmup = warmReport;
  }
  const maxByDriver: Record<string, MaxSustainable> = {};
  for (const d of plan.drivers) maxByDriver[d] = maxSustainable(steps.filter((s) => s.driver === d), stopped.get(d) ?? '');
  return {
    schema: SWEEP_SCHEMA,
    env: outEnv,
    options: redact(plan.options),
    drivers: plan.drivers,
    scenario: plan.scenario,
    messageSize: first.sizes[0] as number,
    durationMs: plan.durationMs,
    repeat: plan.repeat,
    rates: plan.rates,
    slo: plan.slo,
    sloJudged,
    rule: [...(sloJudged ? HOLD_RULE : HOLD_RULE.filter((r) => !r.includes('objective'))), plan.rates.mode === 'doubling' ? `doubling: a driver stops after failing to hold ${STOP_AFTER_FAILURES} rates in a row, or at --max` : 'list: every rate for every driver'],
    brokerWarmup: {
      atRate: first.brokerWarmup.messages > 0 ? warmedAt : null,
      messages: first.brokerWarmup.messages,
      maxRounds: first.brokerWarmup.maxRounds,
      ...(warmReport ? { report: warmReport } : {}),
      later: 'none: every step after the first ran with brokerWarmup.messages = 0',
    },
    steps,
    maxSustainable: maxByDriver,
    runs,
    skipped,
    warnings,
  };
}
