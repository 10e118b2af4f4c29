// The view model: a results document cut into the tables every view shows (one per scenario and
// message size), with the derived figures (ratios, first failure) computed once, here.
import { ratio } from '../stats/summary.js';
import { fmtCv, fmtInt, fmtMiB, fmtRatio, fmtSig, fmtSize } from './format.js';
import { SCENARIOS } from '../results/types.js';
import type { LatencyPercentiles, ResultsDocument, RunRecord, ScenarioId, Summary } from '../results/types.js';

/** Baseline when neither the caller nor the document names one. */
export const DEFAULT_BASELINE = 'kafkajs';
/** The C reference client (librdkafka used directly): the floor every Node client is measured against. */
export const C_DRIVER = 'c';

export interface ReportOptions {
  /** Driver id the "× vs" column divides by; default: the document's `baseline`, else `kafkajs`. */
  baseline?: string;
}

export interface ArmRow {
  run: RunRecord;
  driver: string;
  msgsPerSec: Summary;
  mbPerSec: Summary;
  cpuUsPerMsg: Summary;
  rssPeakBytes: Summary;
  latency?: LatencyPercentiles;
  /** Median msgs/s of this arm ÷ that of the baseline arm of the same group (NaN when absent). */
  vsBaseline: number;
  /** Median msgs/s of this arm ÷ that of driver `c` in the same group (NaN when absent). */
  vsC: number;
  verified: boolean;
  /** The first failed check or error, for display; set whenever `verified` is false. */
  failure?: string;
}

/** One table: every driver's arm for one scenario and message size. */
export interface ArmGroup {
  scenario: ScenarioId;
  messageSize: number;
  /** Sorted by median msgs/s, descending; arms without a figure last. */
  rows: ArmRow[];
  hasLatency: boolean;
}

export function baselineOf(doc: ResultsDocument, opts: ReportOptions = {}): string {
  return opts.baseline ?? doc.baseline ?? DEFAULT_BASELINE;
}

export function scenarioRank(s: string): number {
  const i = (SCENARIOS as readonly string[]).indexOf(s);
  return i < 0 ? SCENARIOS.length : i;
}

/** Compares scenario ids in the canonical order (producer-sync, producer-async, consumer, e2e-latency). */
export function compareScenario(a: string, b: string): number {
  return scenarioRank(a) - scenarioRank(b) || a.localeCompare(b);
}

/** The first reason an arm is not verified: a failed check, else a repetition's error, else a generic line. */
export function firstFailure(run: RunRecord): string | undefined {
  for (const rep of run.repetitions) {
    const f = rep.verification?.failures?.[0];
    if (f) return run.repetitions.length > 1 ? `rep ${rep.repetition}: ${f}` : f;
  }
  for (const rep of run.repetitions) {
    if (!rep.ok && rep.error) return run.repetitions.length > 1 ? `rep ${rep.repetition}: ${rep.error}` : rep.error;
  }
  return run.verified ? undefined : run.repetitions.length === 0 ? 'no repetition completed' : 'not verified';
}

function byThroughputDesc(a: ArmRow, b: ArmRow): number {
  const x = a.msgsPerSec.median;
  const y = b.msgsPerSec.median;
  const fx = Number.isFinite(x);
  const fy = Number.isFinite(y);
  if (fx !== fy) return fx ? -1 : 1;
  if (fx && fy && x !== y) return y - x;
  return a.driver.localeCompare(b.driver);
}

export function buildGroups(doc: ResultsDocument, opts: ReportOptions = {}): ArmGroup[] {
  const baseline = baselineOf(doc, opts);
  const groups = new Map<string, RunRecord[]>();
  for (const run of doc.runs) {
    const key = `${run.scenario}\u0000${run.messageSize}`;
    const list = groups.get(key);
    if (list) list.push(run);
    else groups.set(key, [run]);
  }
  const out: ArmGroup[] = [];
  for (const runs of groups.values()) {
    const first = runs[0] as RunRecord;
    const median = (driver: string): number | undefined => runs.find((r) => r.driver === driver)?.summary.msgsPerSec.median;
    const base = median(baseline);
    const c = median(C_DRIVER);
    const rows = runs.map((run): ArmRow => {
      const failure = run.verified ? undefined : firstFailure(run);
      return {
        run,
        driver: run.driver,
        msgsPerSec: run.summary.msgsPerSec,
        mbPerSec: run.summary.mbPerSec,
        cpuUsPerMsg: run.summary.cpuUsPerMsg,
        rssPeakBytes: run.summary.rssPeakBytes,
        ...(run.summary.latencyUs ? { latency: run.summary.latencyUs } : {}),
        vsBaseline: ratio(run.summary.msgsPerSec.median, base),
        vsC: ratio(run.summary.msgsPerSec.median, c),
        verified: run.verified,
        ...(failure !== undefined ? { failure } : {}),
      };
    });
    rows.sort(byThroughputDesc);
    out.push({
      scenario: first.scenario,
      messageSize: first.messageSize,
      rows,
      hasLatency: rows.some((r) => r.latency !== undefined && r.latency.count > 0),
    });
  }
  out.sort((a, b) => compareScenario(a.scenario, b.scenario) || a.messageSize - b.messageSize);
  return out;
}

/** Distinct scenarios of the runs, in canonical order. */
export function scenariosOf(runs: readonly RunRecord[]): ScenarioId[] {
  return [...new Set(runs.map((r) => r.scenario))].sort(compareScenario);
}

/** One line describing the environment, shared by the terminal and Markdown headers. */
export function envLines(doc: ResultsDocument): string[] {
  const e = doc.env;
  const b = e.broker;
  const broker = `${b.kind} Kafka${b.version ? ` ${b.version}` : ''}, ${b.nodes} node${b.nodes === 1 ? '' : 's'} (${b.bootstrap}${b.security ? `, ${b.security}` : ''})`;
  const drivers = Object.entries(e.drivers)
    .sort(([a], [b2]) => a.localeCompare(b2))
    .map(([id, d]) => `${id} ${d.version}${d.librdkafka ? ` (librdkafka ${d.librdkafka})` : ''}`);
  const when = e.finishedAt ? `${e.startedAt} → ${e.finishedAt}` : e.startedAt;
  return [
    `kbench ${e.kbench} · ${when}`,
    `cpu: ${e.cpu} (${e.cores} cores) · os: ${e.os} · node ${e.node}`,
    `broker: ${broker}`,
    `drivers: ${drivers.join(', ') || '—'}`,
  ];
}

/** One cell of a results table, as plain text; each view escapes and styles it its own way. */
export interface Cell {
  text: string;
  /** The figure's repetitions spread more than the limit (cv > 10 %). */
  noisy?: boolean;
  numeric?: boolean;
}

export interface TableData {
  head: string[];
  /** Which head entries are numeric (right-aligned). */
  numeric: boolean[];
  rows: { cells: Cell[]; row: ArmRow }[];
}

/** Marks a figure whose repetitions spread more than the limit (cv > 10 %). */
export const SPREAD_MARK = '⚠';
/** Marks a CPU figure measured over the whole arm process (startup included), not the measured interval. */
export const PROCESS_CPU_MARK = '†';
export const LEGEND = `MB = 10⁶ bytes of payload · figures are medians across repetitions · ${SPREAD_MARK} = repetitions spread more than 10 % (cv) · ${PROCESS_CPU_MARK} = CPU of the whole arm process, not only the measured interval`;

/** The columns every view shows for a group, in order. */
export function tableData(g: ArmGroup, baseline: string, failureWidth = Infinity): TableData {
  const showC = baseline !== C_DRIVER;
  const head = ['driver', 'msgs/s', 'MB/s (10⁶ B)', 'CPU µs/msg', 'peak RSS MiB'];
  if (g.hasLatency) head.push('p50 µs', 'p95 µs', 'p99 µs', 'p99.9 µs', 'max µs');
  head.push(`× vs ${baseline}`);
  if (showC) head.push(`× vs ${C_DRIVER}`);
  head.push('verified');
  const numeric = head.map((h, i) => i > 0 && h !== 'verified');
  const num = (text: string, noisy = false): Cell => (noisy ? { text: `${text} ${SPREAD_MARK}`, noisy, numeric: true } : { text, numeric: true });
  const rows = g.rows.map((r) => {
    const m = r.msgsPerSec;
    const processCpu = r.run.repetitions.some((rep) => rep.cpuSource === 'process');
    const cells: Cell[] = [
      { text: r.driver },
      num(`${fmtInt(m.median)} ${fmtCv(m.cv)}`.trim(), m.spreadFlag),
      num(fmtSig(r.mbPerSec.median), r.mbPerSec.spreadFlag),
      num(`${fmtSig(r.cpuUsPerMsg.median)}${processCpu ? ` ${PROCESS_CPU_MARK}` : ''}`, r.cpuUsPerMsg.spreadFlag),
      num(fmtMiB(r.rssPeakBytes.median), r.rssPeakBytes.spreadFlag),
    ];
    if (g.hasLatency) {
      const l = r.latency;
      cells.push(num(fmtInt(l?.p50)), num(fmtInt(l?.p95)), num(fmtInt(l?.p99)), num(fmtInt(l?.p999)), num(fmtInt(l?.max)));
    }
    cells.push(num(fmtRatio(r.vsBaseline)));
    if (showC) cells.push(num(fmtRatio(r.vsC)));
    const failure = r.failure ?? 'not verified';
    const short = failure.length > failureWidth ? `${failure.slice(0, failureWidth - 1)}…` : failure;
    cells.push({ text: r.verified ? '✓' : `✗ FAILED: ${short}` });
    return { cells, row: r };
  });
  return { head, numeric, rows };
}

function repsLabel(rows: readonly ArmRow[]): string {
  const ns = [...new Set(rows.map((r) => r.msgsPerSec.n))].sort((a, b) => a - b);
  if (ns.length === 0) return '';
  const n = ns.length === 1 ? String(ns[0]) : `${ns[0]}–${ns[ns.length - 1]}`;
  return `median of ${n} repetition${n === '1' ? '' : 's'}`;
}

/** "producer-async · 1 KiB messages · median of 3 repetitions". */
export function groupTitle(g: ArmGroup): string {
  return `${g.scenario} · ${fmtSize(g.messageSize)} messages · ${repsLabel(g.rows)}`;
}
