// The view model: a results document cut into the tables every view shows (one per scenario and
// message size), with the derived figures (ratios, first failure) computed once, here.
import { isShortWindow, median, medianCi, ratio, usableValues } from '../stats/summary.js';
import { ALPHA, compareSamples, minimumP } from '../stats/significance.js';
import { DASH, fmtCompact, fmtInt, fmtInterval, fmtMiB, fmtP, fmtPct, fmtRatio, fmtSig, fmtSize } from './format.js';
import { SCENARIOS } from '../results/types.js';
import type { ConfidenceInterval, FailoverFault, FailoverResult, LatencyPercentiles, PercentileKey, Repetition, ResultsDocument, RunMethod, RunRecord, ScenarioId, Summary, VerificationMethod } from '../results/types.js';
import { BEYOND_SAMPLES, PERCENTILE_LABELS, isSupported, minSamplesFor } from '../stats/latency.js';
import type { RepetitionMetric } from '../stats/summary.js';
import type { SignificanceVerdict } from '../stats/significance.js';
import { CLIENT_WARNING } from '../runner/warnings.js';

/** Baseline when neither the caller nor the document names one. */
export const DEFAULT_BASELINE = 'kafkajs';
/** The C reference client (librdkafka used directly): the floor every Node client is measured against. */
export const C_DRIVER = 'c';

export interface ReportOptions {
  /** Driver id the "× vs" column divides by; default: the document's `baseline`, else `kafkajs`. */
  baseline?: string;
}

/** A "× vs" cell: the ratio of medians and whether the two arms' repetitions differ significantly. */
export interface RatioTest {
  /** Median msgs/s ÷ that of the reference arm (NaN when absent or withheld). */
  ratio: number;
  /** `self`: the reference arm itself; otherwise the Mann–Whitney verdict at α (see compareSamples). */
  verdict: SignificanceVerdict | 'self';
  /** Two-sided Mann–Whitney p on msgs/s of the ok, non-short repetitions (NaN when untested). */
  p: number;
  /** Withheld: every ok repetition of this arm or of the reference had a short window. */
  short: boolean;
}

export interface ArmRow {
  run: RunRecord;
  driver: string;
  msgsPerSec: Summary;
  mbPerSec: Summary;
  cpuUsPerMsg: Summary;
  rssPeakBytes: Summary;
  /** The median's confidence interval of msgs/s and CPU µs/msg (the summary's, else from the repetitions). */
  msgsCi?: ConfidenceInterval;
  cpuCi?: ConfidenceInterval;
  latency?: LatencyPercentiles;
  /** Median msgs/s of this arm ÷ that of the baseline arm of the same group (NaN when absent). */
  vsBaseline: number;
  /** Median msgs/s of this arm ÷ that of driver `c` in the same group (NaN when absent). */
  vsC: number;
  /** The same ratios with their significance; undefined when the group has no such reference arm. */
  vsBaselineTest?: RatioTest;
  vsCTest?: RatioTest;
  /** msgs/s of the ok repetitions with a meaningful window: what ratios and tests use. */
  rates: number[];
  /** Ok repetitions whose measured window was under 10 ms. */
  shortReps: Repetition[];
  verified: boolean;
  /** The weakest verification method among the repetitions (undefined when the document does not say). */
  verification?: VerificationMethod;
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

/** The summary's CI, else one computed from the repetitions the summary was made of (documents written before Summary.ci). */
export function ciOf(s: Summary, run: RunRecord, metric: RepetitionMetric): ConfidenceInterval | undefined {
  if (s.ci) return s.ci;
  const xs = run.repetitions.filter((r) => r.ok).map((r) => r[metric]).filter((v) => Number.isFinite(v));
  return xs.length === s.n ? medianCi(xs.sort((a, b) => a - b)) : undefined;
}

const STRENGTH: Record<VerificationMethod, number> = { 'count-only': 0, sequence: 1, checksum: 1, 'read-back': 2 };

function weakestMethod(run: RunRecord): VerificationMethod | undefined {
  let weakest: VerificationMethod | undefined;
  for (const r of run.repetitions) {
    const m = r.verification?.method;
    if (m && (weakest === undefined || STRENGTH[m] < STRENGTH[weakest])) weakest = m;
  }
  return weakest;
}

interface Figure {
  run: RunRecord;
  /** The median the ratio uses: the summary's, or that of the usable repetitions when some had a short window. */
  median: number;
  rates: number[];
  /** Every ok repetition had a short window: no meaningful rate. */
  allShort: boolean;
}

function figureOf(run: RunRecord): Figure {
  const rates = usableValues(run.repetitions, 'msgsPerSec');
  const short = run.repetitions.some((r) => r.ok && isShortWindow(r));
  const allShort = short && rates.length === 0;
  return { run, rates, allShort, median: allShort ? NaN : short ? median(rates) : run.summary.msgsPerSec.median };
}

function ratioTest(x: Figure, ref: Figure | undefined, alpha: number): RatioTest | undefined {
  if (!ref) return undefined;
  if (x.run === ref.run) return { ratio: ratio(x.median, ref.median), verdict: 'self', p: NaN, short: x.allShort };
  const short = x.allShort || ref.allShort;
  const t = compareSamples(x.rates, ref.rates, alpha);
  return { ratio: short ? NaN : ratio(x.median, ref.median), verdict: t.verdict, p: t.p, short };
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
    const figures = runs.map(figureOf);
    const base = figures.find((f) => f.run.driver === baseline);
    const c = figures.find((f) => f.run.driver === C_DRIVER);
    const rows = figures.map((f): ArmRow => {
      const run = f.run;
      const failure = run.verified ? undefined : firstFailure(run);
      const vsBaselineTest = ratioTest(f, base, ALPHA);
      const vsCTest = ratioTest(f, c, ALPHA);
      const msgsCi = ciOf(run.summary.msgsPerSec, run, 'msgsPerSec');
      const cpuCi = ciOf(run.summary.cpuUsPerMsg, run, 'cpuUsPerMsg');
      const verification = weakestMethod(run);
      return {
        run,
        driver: run.driver,
        msgsPerSec: run.summary.msgsPerSec,
        mbPerSec: run.summary.mbPerSec,
        cpuUsPerMsg: run.summary.cpuUsPerMsg,
        rssPeakBytes: run.summary.rssPeakBytes,
        ...(msgsCi ? { msgsCi } : {}),
        ...(cpuCi ? { cpuCi } : {}),
        ...(run.summary.latencyUs ? { latency: run.summary.latencyUs } : {}),
        vsBaseline: vsBaselineTest?.ratio ?? NaN,
        vsC: vsCTest?.ratio ?? NaN,
        ...(vsBaselineTest ? { vsBaselineTest } : {}),
        ...(vsCTest ? { vsCTest } : {}),
        rates: f.rates,
        shortReps: run.repetitions.filter((r) => r.ok && isShortWindow(r)),
        verified: run.verified,
        ...(verification ? { verification } : {}),
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

/** The "method" line: how the run was made (broker storage, CPU placement, broker warm-up, order, repetitions). */
export function methodLine(m: RunMethod | undefined): string | undefined {
  if (!m) return undefined;
  const parts: string[] = [];
  if (m.brokerStorage) parts.push(`broker storage: ${m.brokerStorage}`);
  const p = m.placement;
  if (p) {
    const cpus = (xs: number[] | undefined): string | undefined => (xs && xs.length > 0 ? `CPU${xs.length === 1 ? '' : 's'} ${xs.join(',')}` : undefined);
    const where = [cpus(p.broker) && `broker on ${cpus(p.broker)}`, cpus(p.arms) && `arms on ${cpus(p.arms)}`].filter(Boolean).join(', ');
    const text = [where, p.note].filter(Boolean).join('; ');
    if (text) parts.push(`placement: ${text}`);
  }
  const w = m.brokerWarmup;
  if (w) {
    const rates = w.rounds.map((r) => fmtCompact(r.msgsPerSec)).join(', ');
    const lat = w.latency?.length ? `, then ${w.latency.length} latency round${w.latency.length === 1 ? '' : 's'} (e2e p50 ${w.latency.map((r) => `${fmtSig(r.p50Us / 1000)}`).join(', ')} ms${w.latencySteady === false ? ', NOT settled' : ''})` : '';
    parts.push(`broker warm-up: ${w.rounds.length} round${w.rounds.length === 1 ? '' : 's'}${rates ? ` (${rates} msgs/s)` : ''}, ${w.steady ? 'steady' : 'NOT steady'} within ±${fmtPct(w.tolerance)}${lat}`);
  }
  if (m.order) parts.push(`order: ${m.order}`);
  if (m.repetitions !== undefined) parts.push(`${m.repetitions} repetition${m.repetitions === 1 ? '' : 's'} per arm`);
  return parts.length > 0 ? `method: ${parts.join(' · ')}` : undefined;
}

/** One line describing the environment, shared by the terminal and Markdown headers. */
export function envLines(doc: Pick<ResultsDocument, 'env'>): string[] {
  const e = doc.env;
  const b = e.broker;
  const broker = `${b.kind} Kafka${b.version ? ` ${b.version}` : ''}, ${b.nodes} node${b.nodes === 1 ? '' : 's'} (${b.bootstrap}${b.security ? `, ${b.security}` : ''})`;
  const drivers = Object.entries(e.drivers)
    .sort(([a], [b2]) => a.localeCompare(b2))
    .map(([id, d]) => `${id} ${d.version}${d.librdkafka ? ` (librdkafka ${d.librdkafka})` : ''}`);
  const when = e.finishedAt ? `${e.startedAt} → ${e.finishedAt}` : e.startedAt;
  const method = methodLine(e.method);
  return [
    `kbench ${e.kbench} · ${when}`,
    `cpu: ${e.cpu} (${e.cores} cores) · os: ${e.os} · node ${e.node}`,
    `broker: ${broker}`,
    `drivers: ${drivers.join(', ') || '—'}`,
    ...(method ? [method] : []),
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
/** Marks a rate from a measured window under 10 ms, and a ratio withheld because of one. */
export const SHORT_MARK = '‡';
/** Ratio marks: significant, not significant, too few repetitions to test. */
export const SIGNIFICANT_MARK = '*';
export const NOT_SIGNIFICANT_MARK = '~';
export const TOO_FEW_MARK = '?';
/** The verified column of an arm checked only by the client's own count. */
export const COUNT_ONLY_MARK = '≈ count';

export const LEGEND = `MB = 10⁶ bytes of payload · figures are medians across repetitions, [low–high] the median's confidence interval · n=1, n=2: fewer than 3 repetitions · ${SPREAD_MARK} = repetitions spread more than 10 % (cv) · ${PROCESS_CPU_MARK} = CPU of the whole arm process, not only the measured interval`;
export const RATIO_LEGEND = `× vs: ratio of median msgs/s · ${SIGNIFICANT_MARK} = significant (two-sided Mann–Whitney p < ${ALPHA} on msgs/s of the two arms' ok repetitions) · ${NOT_SIGNIFICANT_MARK} = not significant · ${TOO_FEW_MARK} = too few repetitions to test (the smallest p the test can give is above ${ALPHA}: 3 + 3 repetitions give at best ${fmtP(minimumP(3, 3))}; 4 + 4 give ${fmtP(minimumP(4, 4))})`;
export const VERIFIED_LEGEND = `verified: ✓ = the topic read back (count and checksum) or every payload checksummed · ${COUNT_ONLY_MARK} = only the client's own count (a weaker check) · ✗ = failed`;
export const CPU_NOTE = 'On a shared machine CPU µs/msg is the steadier figure: throughput moves with whatever else runs, CPU per message far less.';
export const SHORT_LEGEND = `${SHORT_MARK} = a measured window under 10 ms: its rate means nothing, and it is kept out of ratios and significance tests (— where no other repetition remains)`;

/** The coverage line of the CIs in these groups: 95 % or more from n = 6 on; below, [min, max] with its real coverage. */
export function ciLegend(groups: readonly ArmGroup[]): string {
  const ns = new Map<number, number>();
  for (const g of groups) for (const r of g.rows) if (r.msgsCi && r.msgsCi.confidence < 0.95) ns.set(r.msgsCi.confidence, r.msgsPerSec.n);
  const here = [...ns.entries()].sort(([a], [b]) => a - b).map(([c, n]) => `${fmtPct(c)} at n=${n}`);
  return `[low–high]: distribution-free confidence interval of the median from order statistics, 95 % or more from 6 repetitions on; with fewer it is the min–max range, which covers the median with less${here.length > 0 ? ` (here: ${here.join(', ')})` : ''}`;
}

/** The note of every short-window repetition: "kafkajs · consumer · 1 KiB: rep 2 (4.2 ms)". */
export function shortWindowNotes(groups: readonly ArmGroup[]): string[] {
  const out: string[] = [];
  for (const g of groups)
    for (const r of g.rows)
      if (r.shortReps.length > 0) out.push(`${SHORT_MARK} ${r.driver} · ${g.scenario} · ${fmtSize(g.messageSize)}: ${r.shortReps.map((x) => `rep ${x.repetition} (${(x.elapsedNs / 1e6).toFixed(3)} ms)`).join(', ')}`);
  return out;
}

/** The process warnings each arm's client raised (notes of its repetitions): "kafkajs · producer-async · 1 KiB: client warning ×3: …". */
export function clientWarningLines(groups: readonly ArmGroup[]): string[] {
  const out: string[] = [];
  for (const g of groups)
    for (const r of g.rows) {
      const notes = [...new Set(r.run.repetitions.flatMap((x) => (x.notes ?? []).filter((n) => n.startsWith(CLIENT_WARNING))))];
      for (const n of notes) out.push(`${r.driver} · ${g.scenario} · ${fmtSize(g.messageSize)}: ${n}`);
    }
  return out;
}

/** The legend and notes printed under the tables, one entry per line. */
export function legendLines(groups: readonly ArmGroup[]): string[] {
  if (groups.length === 0) return [LEGEND];
  const lines = [LEGEND, ciLegend(groups)];
  if (groups.some((g) => g.rows.some((r) => r.vsBaselineTest || r.vsCTest))) lines.push(RATIO_LEGEND);
  lines.push(VERIFIED_LEGEND, CPU_NOTE);
  if (groups.some((g) => g.hasLatency)) lines.push(CORRECTED_LEGEND, UNSUPPORTED_LEGEND);
  const short = shortWindowNotes(groups);
  if (short.length > 0) lines.push(SHORT_LEGEND, ...short);
  return lines;
}

/** One cell of a results table, as plain text; each view escapes and styles it its own way. */
export interface Cell {
  text: string;
  /** The figure's repetitions spread more than the limit (cv > 10 %). */
  noisy?: boolean;
  numeric?: boolean;
  /** The figure rests on a measured window under 10 ms (or a ratio is withheld because of one). */
  short?: boolean;
}

export interface TableData {
  head: string[];
  /** Which head entries are numeric (right-aligned). */
  numeric: boolean[];
  rows: { cells: Cell[]; row: ArmRow }[];
}

/** "1.23×*", "0.98× ~", "10.09× ?", "1.00×" (the reference itself), "— ‡" (withheld), "" (no figure). */
export function fmtRatioTest(t: RatioTest | undefined): string {
  if (!t) return '';
  if (t.short) return `— ${SHORT_MARK}`;
  const r = fmtRatio(t.ratio);
  if (!r) return '';
  switch (t.verdict) {
    case 'self':
    case 'untested':
      return r;
    case 'significant':
      return `${r}${SIGNIFICANT_MARK}`;
    case 'not-significant':
      return `${r} ${NOT_SIGNIFICANT_MARK}`;
    case 'too-few':
      return `${r} ${TOO_FEW_MARK}`;
  }
}

/** "1,234,567 [1.20M–1.27M]", "90,400 [85.0k–95.8k] n=2", "90,400 n=1" — never "±0.0 %". */
export function fmtHeadline(s: Summary, ci: ConfidenceInterval | undefined, fmt: (v: number | undefined) => string, ciFmt: (v: number) => string = fmtCompact): string {
  if (!Number.isFinite(s.median)) return fmt(s.median);
  const parts = [fmt(s.median)];
  const interval = fmtInterval(ci, ciFmt);
  if (interval) parts.push(interval);
  if (s.n < 3) parts.push(`n=${s.n}`);
  return parts.join(' ');
}

/** The columns every view shows for a group, in order; columns with nothing in them (no baseline or c arm in this table) are left out. */
export function tableData(g: ArmGroup, baseline: string, failureWidth = Infinity): TableData {
  const showC = baseline !== C_DRIVER;
  const head = ['driver', 'msgs/s', 'MB/s (10⁶ B)', 'CPU µs/msg', 'peak RSS MiB'];
  if (g.hasLatency) head.push('p50 µs', 'p99 µs', 'p99.9 µs', 'max µs');
  head.push(`× vs ${baseline}`);
  if (showC) head.push(`× vs ${C_DRIVER}`);
  head.push('verified');
  const numeric = head.map((h, i) => i > 0 && h !== 'verified');
  const num = (text: string, noisy = false, short = false): Cell => {
    const t = short ? `${text} ${SHORT_MARK}` : text;
    return { text: noisy ? `${t} ${SPREAD_MARK}` : t, numeric: true, ...(noisy ? { noisy } : {}), ...(short ? { short } : {}) };
  };
  const rows = g.rows.map((r) => {
    const m = r.msgsPerSec;
    const short = r.shortReps.length > 0;
    const processCpu = r.run.repetitions.some((rep) => rep.cpuSource === 'process');
    const cells: Cell[] = [
      { text: r.driver },
      num(fmtHeadline(m, r.msgsCi, fmtInt), m.spreadFlag, short),
      num(fmtSig(r.mbPerSec.median), r.mbPerSec.spreadFlag, short),
      num(`${fmtHeadline(r.cpuUsPerMsg, r.cpuCi, fmtSig, (v) => fmtSig(v))}${processCpu ? ` ${PROCESS_CPU_MARK}` : ''}`, r.cpuUsPerMsg.spreadFlag),
      num(fmtMiB(r.rssPeakBytes.median), r.rssPeakBytes.spreadFlag),
    ];
    if (g.hasLatency) {
      const l = r.latency;
      cells.push(num(fmtPercentile(l, 'p50')), num(fmtPercentile(l, 'p99')), num(fmtPercentile(l, 'p999')), num(fmtInt(l?.max)));
    }
    const ratioCell = (t: RatioTest | undefined): Cell => ({ text: fmtRatioTest(t), numeric: true, ...(t?.short ? { short: true } : {}) });
    cells.push(ratioCell(r.vsBaselineTest));
    if (showC) cells.push(ratioCell(r.vsCTest));
    const failure = r.failure ?? 'not verified';
    const shortFailure = failure.length > failureWidth ? `${failure.slice(0, failureWidth - 1)}…` : failure;
    cells.push({ text: r.verified ? (r.verification === 'count-only' ? COUNT_ONLY_MARK : '✓') : `✗ FAILED: ${shortFailure}` });
    return { cells, row: r };
  });
  // Drop the columns that would be empty in this table (e.g. "× vs c" where c did not run).
  const keep = head.map((_, i) => !numeric[i] || rows.length === 0 || rows.some(({ cells }) => (cells[i] as Cell).text !== ''));
  return {
    head: head.filter((_, i) => keep[i]),
    numeric: numeric.filter((_, i) => keep[i]),
    rows: rows.map(({ cells, row }) => ({ cells: cells.filter((_, i) => keep[i]), row })),
  };
}

/** "1,234", or "(1,234)" when the sample count does not support the percentile (isSupported). */
export function fmtPercentile(l: LatencyPercentiles | undefined, key: PercentileKey): string {
  const v = l?.[key];
  if (!l || v === undefined || !Number.isFinite(v)) return '';
  const t = fmtInt(v);
  return isSupported(l, key) ? t : `(${t})`;
}

export const UNSUPPORTED_LEGEND = `(1,234): too few samples for that percentile — it needs ${BEYOND_SAMPLES} beyond it (p99 ${fmtInt(minSamplesFor('p99'))}, p99.9 ${fmtInt(minSamplesFor('p999'))}, p99.99 ${fmtInt(minSamplesFor('p9999'))} samples); the figure is one of the few largest samples.`;
export const BACKLOG_MARK = '↑backlog';
export const CORRECTED_LEGEND = `corrected: latency from each message's intended send time on the open-loop schedule (coordinated omission corrected); service: from the moment the client was handed the message. Rate: requested → achieved send rate, msgs/s; ${BACKLOG_MARK}: sent on time, but acknowledgements (or consumption) fell further behind all along — not sustained end to end.`;

const LATENCY_KEYS: readonly PercentileKey[] = ['p50', 'p90', 'p99', 'p999', 'p9999'];

/**
 * The latency detail of a group: per driver its corrected (or only) latency and, for paced arms, the
 * service time, at p50 p90 p99 p99.9 p99.99 max with the sample count, and the rate requested and
 * achieved. Undefined when the group has no latency.
 */
export function latencyTableData(g: ArmGroup): { head: string[]; numeric: boolean[]; rows: { cells: Cell[]; row: ArmRow }[] } | undefined {
  if (!g.hasLatency) return undefined;
  const head = ['driver', 'latency', 'samples', ...LATENCY_KEYS.map((k) => `${PERCENTILE_LABELS[k]} µs`), 'max µs', 'rate msgs/s'];
  const numeric = head.map((_, i) => i > 1);
  const rows: { cells: Cell[]; row: ArmRow }[] = [];
  for (const r of g.rows) {
    const l = r.latency;
    if (!l || l.count === 0) continue;
    const service = r.run.summary.serviceTimeUs;
    const rate = rateText(r.run);
    const line = (kind: string, x: LatencyPercentiles, withRate: boolean): Cell[] => [
      { text: r.driver },
      { text: kind },
      { text: fmtInt(x.count), numeric: true },
      ...LATENCY_KEYS.map((k) => ({ text: fmtPercentile(x, k), numeric: true })),
      { text: fmtInt(x.max), numeric: true },
      { text: withRate ? rate : '', numeric: true },
    ];
    rows.push({ cells: line(service ? 'corrected' : 'measured', l, true), row: r });
    if (service) rows.push({ cells: line('service', service, false), row: r });
  }
  return { head, numeric, rows };
}

/** "20,000 → 19,987" (median achieved over the ok repetitions), "" for unpaced arms. */
export function rateText(run: RunRecord): string {
  const reps = run.repetitions.filter((x) => x.ok && x.requestedRate !== undefined && x.achievedRate !== undefined);
  if (!reps.length) return '';
  const requested = reps[0]?.requestedRate as number;
  const growing = reps.some((x) => (x.notes ?? []).some((n) => n.startsWith('backlog growing')));
  return `${fmtInt(requested)} → ${fmtInt(median(reps.map((x) => x.achievedRate as number)))}${growing ? ` ${BACKLOG_MARK}` : ''}`;
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

// --- the A/A check ------------------------------------------------------------------------------

export interface AaView {
  /** "A/A check: 1 of 16 arms differ significantly from themselves (α = 0.05, Mann–Whitney)". */
  title: string;
  /** One line per flagged arm. */
  flagged: string[];
  /** What the reader needs to weigh it: chance rate, arms that could not be flagged at all. */
  notes: string[];
}

/** The A/A section every view shows when the document has one. */
export function aaView(doc: ResultsDocument): AaView | undefined {
  const aa = doc.aa;
  if (!aa) return undefined;
  const alpha = Number.isFinite(aa.alpha) ? aa.alpha : ALPHA;
  const arms = Array.isArray(aa.arms) ? aa.arms : [];
  const total = Number.isFinite(aa.total) ? aa.total : arms.length;
  const flaggedArms = arms.filter((x) => x.significant);
  const flaggedCount = Number.isFinite(aa.flagged) ? aa.flagged : flaggedArms.length;
  const title = `A/A check: ${flaggedCount} of ${total} arms differ significantly from themselves (α = ${alpha}, Mann–Whitney)`;
  const side = (xs: readonly number[]): string => `${fmtInt(median(xs))} (n=${xs.length})`;
  const flagged = flaggedArms.map((x) => `${x.driver} · ${x.scenario} · ${fmtSize(x.messageSize)}: A ${side(x.a ?? [])}, B ${side(x.b ?? [])}, B/A ${fmtRatio(x.ratio) || '—'}, p = ${fmtP(x.p)}`);
  const notes = [`Both groups of each arm ran the same thing: at α = ${alpha} about ${fmtPct(alpha)} of arms are flagged by chance alone; many more means the run's own noise is larger than its repetitions show.`];
  const untestable = arms.filter((x) => minimumP((x.a ?? []).length, (x.b ?? []).length) > alpha).length;
  if (untestable > 0) notes.push(`${untestable} of ${total} arm${total === 1 ? ' has' : 's have'} too few repetitions per group to be flagged at all (needs e.g. 4 + 4).`);
  return { title, flagged, notes };
}

/** One client against itself on another runtime, version or librdkafka build: "kafkajs on Node 24 vs 20". */
export interface VariantComparison {
  scenario: ScenarioId;
  messageSize: number;
  /** The registered driver both keys are variants of. */
  base: string;
  /** The key compared, and the reference key (the first of that driver in the run). */
  driver: string;
  reference: string;
  /** What differs, e.g. "Node 24.22.3 vs 20.20.2", "1.10.1 vs 1.6.0 (librdkafka 2.15.1 vs 2.12.0)". */
  what: string;
  test?: RatioTest;
  cpuUsPerMsg: [number | undefined, number | undefined];
}

function baseOfKey(key: string): string {
  return /^[a-z][a-z0-9-]*/.exec(key)?.[0] ?? key;
}

/** What differs between two runs of one client: Node runtime, client version, librdkafka (version, or bundled vs shared). */
function variantWhat(doc: Pick<ResultsDocument, 'env'>, a: RunRecord, b: RunRecord): string {
  const da = doc.env.drivers[a.driver];
  const db = doc.env.drivers[b.driver];
  const parts: string[] = [];
  const na = a.runtime?.node ?? da?.runtime.replace(/^node /, '');
  const nb = b.runtime?.node ?? db?.runtime.replace(/^node /, '');
  if (na && nb && na !== nb) parts.push(`Node ${na} vs ${nb}`);
  if (da && db && da.version !== db.version) parts.push(`${da.version} vs ${db.version}`);
  if (da?.librdkafka && db?.librdkafka && da.librdkafka !== db.librdkafka) parts.push(`librdkafka ${da.librdkafka} vs ${db.librdkafka}`);
  const la = a.runtime?.librdkafka;
  const lb = b.runtime?.librdkafka;
  if (la && lb && la !== lb) parts.push(`${la} vs ${lb} librdkafka build`);
  return parts.join(', ') || `${a.driver} vs ${b.driver}`;
}

/**
 * Every client that ran as several keys (`--node 22,24`, `confluent@1.6.0,confluent@1.10.1`): each
 * variant against the first of its driver in the run, per scenario and size, with the ratio's test.
 */
export function variantComparisons(doc: Pick<ResultsDocument, 'env' | 'runs'>): VariantComparison[] {
  const order = [...new Set(doc.runs.map((r) => r.driver))];
  const out: VariantComparison[] = [];
  const groups = new Map<string, RunRecord[]>();
  for (const run of doc.runs) {
    const k = `${run.scenario}\u0000${run.messageSize}\u0000${baseOfKey(run.driver)}`;
    groups.set(k, [...(groups.get(k) ?? []), run]);
  }
  for (const runs of groups.values()) {
    if (runs.length < 2) continue;
    runs.sort((a, b) => order.indexOf(a.driver) - order.indexOf(b.driver));
    const ref = runs[0] as RunRecord;
    const refFigure = figureOf(ref);
    for (const run of runs.slice(1)) {
      const test = ratioTest(figureOf(run), refFigure, ALPHA);
      out.push({
        scenario: run.scenario,
        messageSize: run.messageSize,
        base: baseOfKey(run.driver),
        driver: run.driver,
        reference: ref.driver,
        what: variantWhat(doc, run, ref),
        ...(test ? { test } : {}),
        cpuUsPerMsg: [run.summary.cpuUsPerMsg.median, ref.summary.cpuUsPerMsg.median],
      });
    }
  }
  out.sort((a, b) => compareScenario(a.scenario, b.scenario) || a.messageSize - b.messageSize || a.base.localeCompare(b.base));
  return out;
}

/** The comparisons as table rows: scenario · size, client, what differs, × msgs/s, CPU µs/msg. */
export function variantTableData(cs: readonly VariantComparison[]): { head: string[]; numeric: boolean[]; rows: string[][] } {
  return {
    head: ['scenario', 'client', 'compared', '× msgs/s', 'CPU µs/msg'],
    numeric: [false, false, false, true, true],
    rows: cs.map((c) => [`${c.scenario} · ${fmtSize(c.messageSize)}`, c.base, `${c.driver} vs ${c.reference}: ${c.what}`, fmtRatioTest(c.test), `${fmtSig(c.cpuUsPerMsg[0])} vs ${fmtSig(c.cpuUsPerMsg[1])}`]),
  };
}

/** One client's failover arm over its repetitions: what it told the application against what the topic holds. */
export interface FailoverRow {
  driver: string;
  messageSize: number;
  repetitions: number;
  /** Repetitions that lost acknowledged messages. */
  affected: number;
  acked: number;
  ackedLost: number;
  duplicates: number;
  failed: number;
  unackedPresent: number;
  unsettled: number;
  /** Largest ack gap after the fault over the repetitions (ms), and the median. */
  ackGapMaxMs: number;
  ackGapMedianMs: number;
  /** Median time to full rate again (ms); undefined when a repetition never got there. */
  recoveryMedianMs?: number;
  recoveryMissing: number;
  p99AroundFaultUs?: number;
  maxAroundFaultUs?: number;
  /** Repetitions whose fault or read-back failed (not counted above). */
  invalid: number;
  fault?: FailoverFault;
}

/** The failover arms of a run, one row per driver and size, clients that lost acknowledged messages first. */
export function failoverRows(doc: Pick<ResultsDocument, 'runs'>): FailoverRow[] {
  const rows: FailoverRow[] = [];
  for (const run of doc.runs) {
    if (run.scenario !== 'failover') continue;
    const valid = run.repetitions.filter((r) => r.failover && r.verification.verified);
    const fs = valid.map((r) => r.failover as FailoverResult);
    const sum = (k: 'acked' | 'ackedLost' | 'duplicates' | 'failed' | 'unackedPresent' | 'unsettled'): number => fs.reduce((a, f) => a + f[k], 0);
    const gaps = fs.map((f) => f.ackGapMs);
    const rec = fs.map((f) => f.recoveryMs).filter((v): v is number => v !== undefined);
    const around = fs.map((f) => f.latencyAroundFault).filter((v): v is NonNullable<FailoverResult['latencyAroundFault']> => v !== undefined);
    const row: FailoverRow = {
      driver: run.driver, messageSize: run.messageSize, repetitions: run.repetitions.length, affected: fs.filter((f) => f.ackedLost > 0).length,
      acked: sum('acked'), ackedLost: sum('ackedLost'), duplicates: sum('duplicates'), failed: sum('failed'), unackedPresent: sum('unackedPresent'), unsettled: sum('unsettled'),
      ackGapMaxMs: gaps.length ? Math.max(...gaps) : Number.NaN, ackGapMedianMs: gaps.length ? median(gaps) : Number.NaN,
      recoveryMissing: fs.length - rec.length, invalid: run.repetitions.length - valid.length,
    };
    if (rec.length) row.recoveryMedianMs = median(rec);
    if (around.length) {
      row.p99AroundFaultUs = Math.max(...around.map((a) => a.p99Us));
      row.maxAroundFaultUs = Math.max(...around.map((a) => a.maxUs));
    }
    const fault = fs[0]?.fault ?? run.repetitions.find((r) => r.failover)?.failover?.fault;
    if (fault) row.fault = fault;
    rows.push(row);
  }
  return rows.sort((a, b) => b.ackedLost - a.ackedLost || a.ackGapMaxMs - b.ackGapMaxMs || a.driver.localeCompare(b.driver));
}

export const FAILOVER_HEAD = ['client', 'size', 'lost acked', 'affected', 'acked', 'dup', 'failed', 'unacked in topic', 'ack gap s', 'full rate after s', 'p99 / max s'];

/** ms → seconds with `digits` decimals. */
const secs = (ms: number | undefined, digits = 1): string => (ms === undefined || !Number.isFinite(ms) ? DASH : (ms / 1000).toFixed(digits));

/** The failover table's cells (shared by the terminal and Markdown views). */
export function failoverCells(r: FailoverRow): string[] {
  const valid = r.repetitions - r.invalid;
  return [
    r.driver,
    fmtSize(r.messageSize),
    r.ackedLost > 0 ? `✗ ${fmtInt(r.ackedLost)}` : valid > 0 ? '0' : DASH,
    `${r.affected} of ${valid}${r.invalid ? ` (+${r.invalid} invalid)` : ''}`,
    fmtInt(r.acked),
    fmtInt(r.duplicates),
    fmtInt(r.failed),
    fmtInt(r.unackedPresent),
    valid > 1 ? `${secs(r.ackGapMedianMs)} (max ${secs(r.ackGapMaxMs)})` : secs(r.ackGapMaxMs),
    r.recoveryMedianMs !== undefined ? `${secs(r.recoveryMedianMs)}${r.recoveryMissing ? ` (${r.recoveryMissing} never)` : ''}` : valid > 0 ? 'never' : DASH,
    r.p99AroundFaultUs !== undefined ? `${secs(r.p99AroundFaultUs / 1000, 2)} / ${secs((r.maxAroundFaultUs ?? 0) / 1000, 2)}` : DASH,
  ];
}

/** "kill of node 2 (leader of partitions 2, 5) after 60,000 messages, down 5 s": the run's fault, in words. */
export function faultLine(f: FailoverFault): string {
  const what = f.mode === 'kill' ? 'SIGKILL' : f.mode === 'pause' ? 'SIGSTOP' : 'clean stop';
  const back = f.backMs !== undefined && Number.isFinite(f.atMs) ? `, back ${((f.backMs - f.atMs) / 1000).toFixed(1)} s after it` : '';
  return `fault: ${f.mode} (${what}) of node ${f.node} (leader of partition${f.partitionsLed.length === 1 ? '' : 's'} ${f.partitionsLed.join(', ')}) after ${fmtInt(f.atMessage)} messages, down ${f.downMs / 1000} s${back}`;
}

export const FAILOVER_LEGEND = 'lost acked = acknowledged to the application but not in the topic when read back (✗: the finding) · affected = repetitions with such a loss · dup = extra copies in the topic · failed = reported failed to the application · unacked in topic = not acknowledged, yet written · ack gap = longest time without any acknowledgement from the fault on (median, max over repetitions) · full rate after = from the fault to the first 1 s with acknowledgements at ≥ 90 % of the rate (never: not before the last acknowledgement of the arm) · p99 / max = highest p99 and max over the repetitions of the corrected latency (acknowledgement − due time) of the messages due in the 10 s from the fault';
