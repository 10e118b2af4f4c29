// `kbench scale`: one driver and scenario at several worker counts, through the runner's --workers
// support (piscina worker threads; processes for clients that cannot share one), against one broker
// started once. Repetitions interleave across worker counts (1, 2, 4, 1, 2, 4, …).
import { SCENARIOS } from '../results/types.js';
import os from 'node:os';
import { runInputFrom, type RunOptions } from '../cli/run.js';
import { parseChoices } from '../cli/parse.js';
import { planRunSpec, type RunInput } from '../plan/spec.js';
import { driverEntry, driverIds } from '../drivers/registry.js';
import type { Repetition, ResultsDocument } from '../results/types.js';
import { runBenchmark, type RunEvents } from '../runner/run.js';
import { summarize } from '../overhead/summary.js';
import { UsageError } from '../util/errors.js';
import type { NsSummary } from '../overhead/types.js';

export const SCALE_SCHEMA = 'kbench.scale/1';

export interface ScaleOptions {
  driver: string;
  scenario: string;
  workers: number[];
  repeat: number;
  /** The rest of `kbench run`'s options (messages, sizes, brokers, …). */
  run: RunOptions;
  /** Events for each run (a fresh progress display per worker count); default: the events given to runScale. */
  runEvents?: () => RunEvents;
}

export interface ScaleRow {
  workers: number;
  /** 'threads' (piscina worker threads in one process) or 'processes'. */
  mode: 'threads' | 'processes' | 'single';
  msgsPerSec: NsSummary;
  /** msgs/s ÷ workers (median). */
  perWorker: number;
  /** msgs/s ÷ (workers × msgs/s of 1 worker): 1 = perfect scaling. */
  efficiency?: number;
  /** msgs/s ÷ msgs/s of 1 worker. */
  speedup?: number;
  cpuUsPerMsg: NsSummary;
  /** Every repetition delivered / read exactly what it should. */
  verified: boolean;
  repetitions: Repetition[];
  failures: string[];
}

export interface ScaleDocument {
  schema: typeof SCALE_SCHEMA;
  driver: string;
  scenario: string;
  messages: number;
  messageSize: number;
  partitions: number;
  /** Cores of this machine: worker counts above it cannot run in parallel (and the broker shares them). */
  cores: number;
  startedAt: string;
  rows: ScaleRow[];
  warnings: string[];
}

export async function runScale(o: ScaleOptions, ev: RunEvents): Promise<ScaleDocument> {
  const entry = driverEntry(o.driver);
  if (!entry) throw new UsageError(`--driver: unknown driver '${o.driver}' (known: ${driverIds().join(', ')})`);
  if (o.workers.length === 0) throw new UsageError('--workers needs at least one worker count');
  const startedAt = new Date().toISOString();
  // Every worker count runs against the same topic layout: as many partitions as the most workers.
  const { input } = runInputFrom(o.run);
  const partitions = Math.max(input.partitions ?? 1, ...o.workers);
  const base: RunInput = { ...input, drivers: [o.driver], scenarios: parseChoices(o.scenario, '--scenario', SCENARIOS), repeat: 1, partitions };
  // Validate everything once before starting anything.
  const first = planRunSpec({ ...base, workers: o.workers[0] as number });

  let connection = first.connection;
  let stopBroker: (() => Promise<void>) | undefined;
  if (!connection) {
    const { startBroker } = await import('../broker/index.js');
    ev.info('starting the embedded Kafka broker (shared by every worker count)…');
    const b = await startBroker({ nodes: first.nodes, ...(first.kafkaVersion ? { kafkaVersion: first.kafkaVersion } : {}), ...(first.heap ? { heap: first.heap } : {}) });
    ev.info(`broker ready at ${b.bootstrap}`);
    connection = { brokers: b.bootstrap.split(',') };
    stopBroker = () => b.stop();
  }
  const reps = new Map<number, Repetition[]>(o.workers.map((w) => [w, []]));
  const modes = new Map<number, ScaleRow['mode']>();
  const warnings: string[] = [];
  let messageSize = first.sizes[0] ?? 100;
  try {
    let warm = true;
    for (let r = 0; r < o.repeat; r++) {
      for (const w of o.workers) {
        const spec = planRunSpec({ ...base, workers: w, ...(warm ? {} : { brokerWarmup: { messages: 0 } }) });
        spec.connection = connection;
        warm = false;
        ev.info(`workers ${w}, repetition ${r + 1}/${o.repeat}`);
        const doc: ResultsDocument = await runBenchmark(spec, o.runEvents?.() ?? ev);
        for (const s of doc.skipped) throw new UsageError(`${o.driver} ${o.scenario}: ${s.reason}`);
        for (const wn of doc.warnings) if (!warnings.includes(wn)) warnings.push(wn);
        const rec = doc.runs[0];
        if (!rec) continue;
        messageSize = rec.messageSize;
        reps.get(w)?.push(...rec.repetitions);
        modes.set(w, w === 1 ? 'single' : doc.warnings.some((x) => x.includes('processes instead')) ? 'processes' : 'threads');
      }
    }
  } finally {
    await stopBroker?.();
  }

  const rows: ScaleRow[] = o.workers.map((w) => {
    const rs = reps.get(w) ?? [];
    const ok = rs.filter((x) => x.ok);
    const msgsPerSec = summarize(ok.map((x) => x.msgsPerSec));
    return {
      workers: w,
      mode: modes.get(w) ?? 'single',
      msgsPerSec,
      perWorker: msgsPerSec.median / w,
      cpuUsPerMsg: summarize(ok.map((x) => x.cpuUsPerMsg)),
      verified: rs.length > 0 && rs.every((x) => x.ok),
      repetitions: rs,
      failures: rs.filter((x) => !x.ok).map((x) => x.error ?? x.verification.failures.join('; ')),
    };
  });
  const one = rows.find((x) => x.workers === 1);
  if (one && Number.isFinite(one.msgsPerSec.median) && one.msgsPerSec.median > 0) {
    for (const row of rows) {
      row.speedup = row.msgsPerSec.median / one.msgsPerSec.median;
      row.efficiency = row.speedup / row.workers;
    }
  }
  return { schema: SCALE_SCHEMA, driver: o.driver, scenario: o.scenario, messages: first.messages, messageSize, partitions, cores: os.availableParallelism(), startedAt, rows, warnings };
}
