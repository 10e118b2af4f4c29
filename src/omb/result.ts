// kbench results → OpenMessaging Benchmark result JSON (`kbench run --omb-json`): OMB's TestResult
// (benchmark-framework/…/TestResult.java), one object per file as OMB writes them, so that OMB's
// bin/create_charts.py, which takes one result file per driver on its command line, reads them.
//
// One TestResult per kbench run record (driver × scenario × message size). The e2e-latency record
// is the OMB test (producers and consumers at once, at the rate); other scenarios get their own
// `workload` name (`<name> · consumer`, …) so the chart script groups them apart.
//
// What is filled, and from what (OMB's units: rates msgs/s, latencies ms, publish delay µs):
//   publishRate[], publishErrorRate[], consumeRate[], backlog[]   the repetitions' series (kbench's
//       per-interval counts) re-binned to OMB's 10 s periods (the last one partial), repetitions one
//       after the other; publishRate counts acknowledged messages where the arm reports them
//       (as OMB does), else messages handed to the client.
//   aggregatedEndToEndLatency*, …Quantiles   e2e-latency: the merged histogram of the ok
//       repetitions, corrected for coordinated omission (from each message's intended send time).
//   aggregatedPublishLatency*, …Quantiles    producer-sync / producer-async: send → acknowledgement,
//       the service time (from the actual hand-over, as OMB's publish latency) at a rate, else the
//       latency measured.
// Left empty (or null), never invented: every per-interval latency array (publishLatency…[],
// publishDelayLatency…[], endToEndLatency…[]) — kbench keeps latency per repetition, not per
// period —, publish delay (kbench does not record send lateness apart), and whatever the record's
// scenario does not measure (no publish latency in e2e-latency, no end-to-end latency in producer
// arms, no publish rate in a consumer arm).
import fs from 'node:fs';
import path from 'node:path';
import { mergeHistograms, type LatencyHistogram } from '../stats/latency.js';
import type { Repetition, ResultsDocument, RunRecord, TimeSeries } from '../results/types.js';

/** OMB's reporting period. */
export const OMB_PERIOD_MS = 10_000;

/** OMB's TestResult, field for field (null where kbench has no figure for a scalar). */
export interface OmbTestResult {
  workload: string;
  driver: string;
  messageSize: number;
  topics: number;
  partitions: number;
  producersPerTopic: number;
  consumersPerTopic: number;
  publishRate: number[];
  publishErrorRate: number[];
  consumeRate: number[];
  backlog: number[];
  publishLatencyAvg: number[];
  publishLatency50pct: number[];
  publishLatency75pct: number[];
  publishLatency95pct: number[];
  publishLatency99pct: number[];
  publishLatency999pct: number[];
  publishLatency9999pct: number[];
  publishLatencyMax: number[];
  publishDelayLatencyAvg: number[];
  publishDelayLatency50pct: number[];
  publishDelayLatency75pct: number[];
  publishDelayLatency95pct: number[];
  publishDelayLatency99pct: number[];
  publishDelayLatency999pct: number[];
  publishDelayLatency9999pct: number[];
  publishDelayLatencyMax: number[];
  aggregatedPublishLatencyAvg: number | null;
  aggregatedPublishLatency50pct: number | null;
  aggregatedPublishLatency75pct: number | null;
  aggregatedPublishLatency95pct: number | null;
  aggregatedPublishLatency99pct: number | null;
  aggregatedPublishLatency999pct: number | null;
  aggregatedPublishLatency9999pct: number | null;
  aggregatedPublishLatencyMax: number | null;
  aggregatedPublishDelayLatencyAvg: number | null;
  aggregatedPublishDelayLatency50pct: number | null;
  aggregatedPublishDelayLatency75pct: number | null;
  aggregatedPublishDelayLatency95pct: number | null;
  aggregatedPublishDelayLatency99pct: number | null;
  aggregatedPublishDelayLatency999pct: number | null;
  aggregatedPublishDelayLatency9999pct: number | null;
  aggregatedPublishDelayLatencyMax: number | null;
  aggregatedPublishLatencyQuantiles: Record<string, number>;
  aggregatedPublishDelayLatencyQuantiles: Record<string, number>;
  endToEndLatencyAvg: number[];
  endToEndLatency50pct: number[];
  endToEndLatency75pct: number[];
  endToEndLatency95pct: number[];
  endToEndLatency99pct: number[];
  endToEndLatency999pct: number[];
  endToEndLatency9999pct: number[];
  endToEndLatencyMax: number[];
  aggregatedEndToEndLatencyQuantiles: Record<string, number>;
  aggregatedEndToEndLatencyAvg: number | null;
  aggregatedEndToEndLatency50pct: number | null;
  aggregatedEndToEndLatency75pct: number | null;
  aggregatedEndToEndLatency95pct: number | null;
  aggregatedEndToEndLatency99pct: number | null;
  aggregatedEndToEndLatency999pct: number | null;
  aggregatedEndToEndLatency9999pct: number | null;
  aggregatedEndToEndLatencyMax: number | null;
}

/** The per-interval latency arrays kbench leaves empty (README "OMB workloads"). */
export const OMB_EMPTY_ARRAYS = (['publishLatency', 'publishDelayLatency', 'endToEndLatency'] as const).flatMap((p) => ['Avg', '50pct', '75pct', '95pct', '99pct', '999pct', '9999pct', 'Max'].map((s) => `${p}${s}`));

const SUFFIXES = { Avg: -1, '50pct': 50, '75pct': 75, '95pct': 95, '99pct': 99, '999pct': 99.9, '9999pct': 99.99, Max: 100 } as const;

type Aggregated = Record<keyof typeof SUFFIXES, number | null>;

function aggregate(h: LatencyHistogram | undefined): Aggregated {
  const out = {} as Aggregated;
  for (const [k, p] of Object.entries(SUFFIXES) as [keyof typeof SUFFIXES, number][]) {
    out[k] = !h || h.totalCount === 0 ? null : (p === -1 ? h.mean : p === 100 ? h.maxValue : h.getValueAtPercentile(p)) / 1000;
  }
  return out;
}

/** Java's Double.toString for the map keys OMB writes: 50.0, 87.5. */
function javaDouble(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/**
 * The quantile curve OMB's charts draw (its HdrHistogram percentiles(…) iteration), in ms: each
 * halving of the distance to 100 % in `ticks` steps (0, 10, …, 50, 55, … 75, …), down to what the
 * sample count resolves, then 100 % (the maximum).
 */
export function quantiles(h: LatencyHistogram | undefined, ticks = 5): Record<string, number> {
  const out: Record<string, number> = {};
  if (!h || h.totalCount === 0) return out;
  const last = 100 * (1 - 1 / h.totalCount);
  for (let k = 0; k < 64; k++) {
    const lo = 100 - 100 / 2 ** k;
    const step = 100 / 2 ** (k + 1) / ticks;
    let stop = false;
    for (let t = 0; t < ticks; t++) {
      const p = Number((lo + t * step).toPrecision(12));
      if (p > last) {
        stop = true;
        break;
      }
      out[javaDouble(p)] = h.getValueAtPercentile(p) / 1000;
    }
    if (stop) break;
  }
  out[javaDouble(100)] = h.maxValue / 1000;
  return out;
}

/** A repetition's counts per OMB period: sums, and for `backlog` the value at the period's end. */
function rebin(s: TimeSeries, values: readonly number[], kind: 'rate' | 'level'): number[] {
  const per = s.intervalMs > 0 && OMB_PERIOD_MS % s.intervalMs === 0 ? OMB_PERIOD_MS / s.intervalMs : 1;
  const out: number[] = [];
  for (let i = 0; i < values.length; i += per) {
    const chunk = values.slice(i, i + per);
    if (kind === 'level') out.push(chunk[chunk.length - 1] as number);
    else out.push(chunk.reduce((a, b) => a + b, 0) / ((chunk.length * s.intervalMs) / 1000));
  }
  return out;
}

function seriesOf(reps: readonly Repetition[], pick: (s: TimeSeries) => number[] | undefined, kind: 'rate' | 'level'): number[] {
  return reps.flatMap((r) => {
    const v = r.series ? pick(r.series) : undefined;
    return r.series && v ? rebin(r.series, v, kind) : [];
  });
}

/**
 * Messages not yet read at the end of each interval of a consumer arm: what it read after that
 * interval (an ok repetition read all it had to; the series may start after its first reads).
 */
function drained(s: TimeSeries): number[] {
  const out: number[] = new Array<number>(s.done.length);
  let left = 0;
  for (let i = s.done.length - 1; i >= 0; i--) {
    out[i] = left;
    left += s.done[i] as number;
  }
  return out;
}

export interface OmbEntry {
  driver: string;
  scenario: RunRecord['scenario'];
  messageSize: number;
  result: OmbTestResult;
}

/** TestResults for every run record of `doc`; `workload` names them (an OMB workload's name). */
export function toOmbResults(doc: ResultsDocument, opts: { workload?: string } = {}): OmbEntry[] {
  return doc.runs.map((run) => ({ driver: run.driver, scenario: run.scenario, messageSize: run.messageSize, result: toOmbResult(run, opts.workload) }));
}

export function toOmbResult(run: RunRecord, workload?: string): OmbTestResult {
  const ok = run.repetitions.filter((r) => r.ok);
  const base = workload ?? `kbench ${run.messageSize} B`;
  const produces = run.scenario !== 'consumer';
  const consumes = run.scenario === 'consumer' || run.scenario === 'e2e-latency';
  const publishes = run.scenario === 'producer-sync' || run.scenario === 'producer-async';
  const paced = run.settings.rate > 0;
  const e2e = run.scenario === 'e2e-latency' ? mergeHistograms(ok.map((r) => r.latencyHistogram)) : undefined;
  const pub = publishes ? mergeHistograms(ok.map((r) => (paced && r.serviceHistogram ? r.serviceHistogram : r.latencyHistogram))) : undefined;
  const a = aggregate(e2e);
  const p = aggregate(pub);
  const empty = (): number[] => [];
  const out: OmbTestResult = {
    workload: run.scenario === 'e2e-latency' ? base : `${base} · ${run.scenario}`,
    driver: run.driver,
    messageSize: run.messageSize,
    topics: 1,
    partitions: run.partitions,
    producersPerTopic: produces ? run.workers : 0,
    consumersPerTopic: consumes ? run.workers : 0,
    publishRate: produces ? seriesOf(ok, (s) => s.acked ?? s.done, 'rate') : [],
    publishErrorRate: produces ? seriesOf(ok, (s) => s.failed, 'rate') : [],
    consumeRate: run.scenario === 'e2e-latency' ? seriesOf(ok, (s) => s.consumed, 'rate') : run.scenario === 'consumer' ? seriesOf(ok, (s) => s.done, 'rate') : [],
    backlog: run.scenario === 'e2e-latency' ? seriesOf(ok, (s) => (s.consumed ? s.backlog : undefined), 'level') : run.scenario === 'consumer' ? seriesOf(ok, drained, 'level') : [],
    publishLatencyAvg: empty(),
    publishLatency50pct: empty(),
    publishLatency75pct: empty(),
    publishLatency95pct: empty(),
    publishLatency99pct: empty(),
    publishLatency999pct: empty(),
    publishLatency9999pct: empty(),
    publishLatencyMax: empty(),
    publishDelayLatencyAvg: empty(),
    publishDelayLatency50pct: empty(),
    publishDelayLatency75pct: empty(),
    publishDelayLatency95pct: empty(),
    publishDelayLatency99pct: empty(),
    publishDelayLatency999pct: empty(),
    publishDelayLatency9999pct: empty(),
    publishDelayLatencyMax: empty(),
    aggregatedPublishLatencyAvg: p.Avg,
    aggregatedPublishLatency50pct: p['50pct'],
    aggregatedPublishLatency75pct: p['75pct'],
    aggregatedPublishLatency95pct: p['95pct'],
    aggregatedPublishLatency99pct: p['99pct'],
    aggregatedPublishLatency999pct: p['999pct'],
    aggregatedPublishLatency9999pct: p['9999pct'],
    aggregatedPublishLatencyMax: p.Max,
    aggregatedPublishDelayLatencyAvg: null,
    aggregatedPublishDelayLatency50pct: null,
    aggregatedPublishDelayLatency75pct: null,
    aggregatedPublishDelayLatency95pct: null,
    aggregatedPublishDelayLatency99pct: null,
    aggregatedPublishDelayLatency999pct: null,
    aggregatedPublishDelayLatency9999pct: null,
    aggregatedPublishDelayLatencyMax: null,
    aggregatedPublishLatencyQuantiles: quantiles(pub),
    aggregatedPublishDelayLatencyQuantiles: {},
    endToEndLatencyAvg: empty(),
    endToEndLatency50pct: empty(),
    endToEndLatency75pct: empty(),
    endToEndLatency95pct: empty(),
    endToEndLatency99pct: empty(),
    endToEndLatency999pct: empty(),
    endToEndLatency9999pct: empty(),
    endToEndLatencyMax: empty(),
    aggregatedEndToEndLatencyQuantiles: quantiles(e2e),
    aggregatedEndToEndLatencyAvg: a.Avg,
    aggregatedEndToEndLatency50pct: a['50pct'],
    aggregatedEndToEndLatency75pct: a['75pct'],
    aggregatedEndToEndLatency95pct: a['95pct'],
    aggregatedEndToEndLatency99pct: a['99pct'],
    aggregatedEndToEndLatency999pct: a['999pct'],
    aggregatedEndToEndLatency9999pct: a['9999pct'],
    aggregatedEndToEndLatencyMax: a.Max,
  };
  return out;
}

/**
 * File names for `--omb-json FILE`: FILE itself when there is one result; else one file per result
 * beside it, FILE's name with the driver (and the scenario, and the size, where the drivers have
 * several) before its extension: r.json → r-addon.json, r-addon-consumer.json, r-addon-e2e-latency-1024B.json.
 */
export function ombFileNames(file: string, entries: readonly Pick<OmbEntry, 'driver' | 'scenario' | 'messageSize'>[]): string[] {
  if (entries.length === 1) return [file];
  const ext = path.extname(file) || '.json';
  const stem = file.slice(0, file.length - path.extname(file).length);
  const scenarios = new Set(entries.map((e) => e.scenario)).size > 1;
  const sizes = new Set(entries.map((e) => e.messageSize)).size > 1;
  return entries.map((e) => {
    const parts = [e.driver];
    // The OMB test itself (e2e-latency) keeps the plain name; other scenarios say which they are.
    if (scenarios && e.scenario !== 'e2e-latency') parts.push(e.scenario);
    if (sizes) parts.push(`${e.messageSize}B`);
    return `${stem}-${parts.join('-')}${ext}`;
  });
}

/** The results `--omb-json` writes, with their file names. */
export function ombFiles(doc: ResultsDocument, file: string, opts: { workload?: string } = {}): { file: string; result: OmbTestResult }[] {
  const entries = toOmbResults(doc, opts);
  const names = ombFileNames(file, entries);
  return entries.map((e, i) => ({ file: names[i] as string, result: e.result }));
}

/** Writes `ombFiles` (pretty JSON, as OMB's writer does); returns the file names. */
export function writeOmbFiles(doc: ResultsDocument, file: string, opts: { workload?: string } = {}): string[] {
  const files = ombFiles(doc, file, opts);
  for (const f of files) fs.writeFileSync(f.file, `${JSON.stringify(f.result, null, 2)}\n`);
  return files.map((f) => f.file);
}
