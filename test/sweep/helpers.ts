// Synthetic sweep inputs for the view and rule tests: records with a chosen latency, achieved rate,
// verification and backlog; a sweep document of two drivers built through the real judging code.
import { percentiles, newHistogram } from '../../src/stats/latency.js';
import { summarize } from '../../src/stats/summary.js';
import type { LatencyPercentiles, Repetition, RunRecord, TimeSeries } from '../../src/results/types.js';
import { judgeStep, maxSustainable } from '../../src/sweep/hold.js';
import { parseSlo } from '../../src/sweep/slo.js';
import { SWEEP_SCHEMA, type SweepDocument, type SweepStep } from '../../src/sweep/types.js';

/** Percentiles of `count` samples: 49 % at 0.8 × p50Us, 49 % at p50Us, 2 % at p99Us (so p50 = p50Us, p99 = p99Us). */
export function latency(p50Us: number, p99Us: number, count = 20_000): LatencyPercentiles {
  const h = newHistogram();
  const low = Math.round(count * 0.49);
  const top = Math.round(count * 0.02);
  h.recordValueWithCount(Math.max(1, Math.round(p50Us * 0.8)), low);
  h.recordValueWithCount(Math.round(p50Us), count - low - top);
  h.recordValueWithCount(Math.round(p99Us), top);
  return percentiles(h);
}

export interface RepInput {
  ok?: boolean;
  achieved?: number;
  backlog?: number[];
}

export function record(driver: string, rate: number, lat: LatencyPercentiles | undefined, reps: RepInput[] = [{}]): RunRecord {
  const repetitions: Repetition[] = reps.map((r, i) => {
    const series: TimeSeries | undefined = r.backlog ? { intervalMs: 1000, done: r.backlog.map(() => rate), backlog: r.backlog } : undefined;
    return {
      repetition: i + 1,
      ok: r.ok ?? true,
      ...(r.ok === false ? { error: 'delivered 9,990 of 10,000' } : {}),
      messages: rate * 10,
      bytes: rate * 1000,
      elapsedNs: 10e9,
      msgsPerSec: r.achieved ?? rate,
      mbPerSec: 0.1,
      cpuUsPerMsg: 5,
      cpuSource: 'interval',
      rssPeakBytes: 1e8,
      requestedRate: rate,
      achievedRate: r.achieved ?? rate,
      verification: { verified: r.ok ?? true, checks: [], failures: r.ok === false ? ['delivered 9,990 of 10,000'] : [] },
      ...(lat ? { latencyUs: lat } : {}),
      ...(series ? { series } : {}),
    };
  });
  const s = summarize(repetitions.map((r) => r.msgsPerSec));
  return {
    driver,
    scenario: 'e2e-latency',
    messageSize: 100,
    messages: rate * 10,
    durationMs: 10_000,
    warmup: 500,
    partitions: 1,
    replication: 1,
    workers: 1,
    settings: { acks: 'all', compression: 'none', lingerMs: 0, batchSize: 1_000_000, sendBatch: 1, idempotence: false, rate },
    config: {},
    verified: repetitions.every((r) => r.ok),
    repetitions,
    summary: { msgsPerSec: s, mbPerSec: s, cpuUsPerMsg: s, rssPeakBytes: s, ...(lat ? { latencyUs: lat, serviceTimeUs: lat } : {}) },
  };
}

/**
 * Two drivers at 1k, 2k, 4k, 8k msgs/s under p99<20ms: `fast` holds up to 4k and misses the
 * objective at 8k; `slow` holds 1k, misses at 2k (p99) and 4k (achieved 90 %), and stops.
 */
export function sampleSweep(): SweepDocument {
  const slo = parseSlo('p99<20ms');
  const steps: SweepStep[] = [];
  const runs: RunRecord[] = [];
  const add = (rec: RunRecord): void => {
    const st = judgeStep(rec.settings.rate, rec.driver, rec, slo);
    st.run = runs.push(rec) - 1;
    steps.push(st);
  };
  add(record('fast', 1000, latency(900, 4_000)));
  add(record('slow', 1000, latency(3_000, 15_000)));
  add(record('fast', 2000, latency(950, 5_000)));
  add(record('slow', 2000, latency(8_000, 60_000)));
  add(record('fast', 4000, latency(1_100, 9_000)));
  add(record('slow', 4000, latency(40_000, 400_000), [{ achieved: 3600 }]));
  add(record('fast', 8000, latency(2_500, 45_000)));
  return {
    schema: SWEEP_SCHEMA,
    env: { cpu: 'Test CPU', cores: 2, os: 'Linux test', node: '20.0.0', broker: { kind: 'embedded', version: '3.9.2', nodes: 1, bootstrap: '127.0.0.1:19092' }, drivers: { fast: { version: '1.0.0', runtime: 'node', client: 'fast' }, slow: { version: '2.0.0', runtime: 'node', client: 'slow' } }, kbench: '0.1.0', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:05:00.000Z' },
    options: { slo: 'p99<20ms' },
    drivers: ['fast', 'slow'],
    scenario: 'e2e-latency',
    messageSize: 100,
    durationMs: 10_000,
    repeat: 1,
    rates: { mode: 'doubling', start: 1000, max: 8000 },
    slo,
    sloJudged: true,
    rule: ['every repetition verified'],
    brokerWarmup: { atRate: 1000, messages: 1_000_000, maxRounds: 15, later: 'none' },
    steps,
    maxSustainable: {
      fast: maxSustainable(steps.filter((s) => s.driver === 'fast'), 'reached --max 8,000 msgs/s'),
      slow: maxSustainable(steps.filter((s) => s.driver === 'slow'), 'did not hold 2 rates in a row'),
    },
    runs,
    skipped: [],
    warnings: [],
  };
}
