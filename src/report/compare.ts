// Comparing two results documents arm by arm (driver × scenario × message size): ratios b / a of
// the headline figures, and whether each change is significant: a two-sided Mann–Whitney test on
// the two arms' repetitions (never "the min–max ranges do not overlap", which at 2 + 2 repetitions
// calls a third of unchanged arms different). Where the exact test cannot reach α at all (3 + 3
// repetitions: p ≥ 0.10), the arm is "n too small to test", not "no change".
import Table from 'cli-table3';
import { usableValues } from '../stats/summary.js';
import { ALPHA, compareSamples } from '../stats/significance.js';
import { DASH, ansi, escapeMarkdown as md, fmtInterval, fmtP, fmtRatio, fmtSig, fmtSize, fmtValue } from './format.js';
import { ciOf, compareScenario } from './model.js';
import { IDENTITY_KEYS, normalizedConfig } from './settings.js';
import type { AnsiStyle } from './format.js';
import type { ConfidenceInterval, ResultsDocument, RunRecord, ScenarioId } from '../results/types.js';

export type MetricId = 'msgsPerSec' | 'mbPerSec' | 'cpuUsPerMsg' | 'p99LatencyUs';

const METRICS: readonly { id: MetricId; label: string; higherIsBetter: boolean }[] = [
  { id: 'msgsPerSec', label: 'msgs/s', higherIsBetter: true },
  { id: 'mbPerSec', label: 'MB/s', higherIsBetter: true },
  { id: 'cpuUsPerMsg', label: 'CPU µs/msg', higherIsBetter: false },
  { id: 'p99LatencyUs', label: 'p99 µs', higherIsBetter: false },
];

export interface MetricChange {
  metric: MetricId;
  /** Headline values (median; merged-histogram p99 for latency), NaN when absent. */
  a: number;
  b: number;
  /** b / a (NaN when either is missing or a is 0). */
  ratio: number;
  /** The medians' confidence intervals (absent for p99, whose headline is the merged histogram's, and for n < 2). */
  ciA?: ConfidenceInterval;
  ciB?: ConfidenceInterval;
  /** Repetitions tested on each side (ok, with a meaningful window). */
  nA: number;
  nB: number;
  /** Two-sided Mann–Whitney p on the per-repetition figures (NaN when untested). */
  p: number;
  /** The smallest p the exact test can give at nA + nB: above α, no change could have been found. */
  minP: number;
  /**
   * `significant`: p < α; `not-significant`: p ≥ α, with enough repetitions that p < α was
   * possible; `too-few`: n too small to test (minP > α); `unknown`: no figure or no usable
   * repetition on a side.
   */
  significance: 'significant' | 'not-significant' | 'too-few' | 'unknown';
  /** For significant changes, given which direction is good for this metric. */
  verdict?: 'better' | 'worse';
  reason: string;
}

export interface ArmKey {
  driver: string;
  scenario: ScenarioId;
  messageSize: number;
}

export interface SettingChange {
  key: string;
  a: string;
  b: string;
}

export interface ArmComparison extends ArmKey {
  verifiedA: boolean;
  verifiedB: boolean;
  /** Only metrics both arms have (p99 only where both recorded latency). */
  metrics: MetricChange[];
  /** kbench settings and client config keys whose values differ between the two runs of this arm. */
  settingsChanged: SettingChange[];
}

export interface MetricTally {
  metric: MetricId;
  /** Arms that have this metric on both sides. */
  arms: number;
  significant: number;
  notSignificant: number;
  tooFew: number;
  unknown: number;
}

export interface CompareResult {
  /** Significance level of the tests. */
  alpha: number;
  arms: ArmComparison[];
  onlyInA: ArmKey[];
  onlyInB: ArmKey[];
  /** Differences in the environment (cpu, node, broker, client versions) that may explain changes. */
  envChanges: SettingChange[];
  /** Per metric: of the arms in both files, how many changed significantly, how many could not be tested. */
  summary: MetricTally[];
}

export interface CompareOptions {
  /** Significance level (default 0.05). */
  alpha?: number;
}

function keyOf(r: ArmKey): string {
  return `${r.driver}\u0000${r.scenario}\u0000${r.messageSize}`;
}

function byArm(a: ArmKey, b: ArmKey): number {
  return compareScenario(a.scenario, b.scenario) || a.messageSize - b.messageSize || a.driver.localeCompare(b.driver);
}

function fin(v: number | undefined): v is number {
  return v !== undefined && Number.isFinite(v);
}

/**
 * Judges a change between two arms: `a` / `b` are the headline values, `xsA` / `xsB` the
 * per-repetition figures the Mann–Whitney test compares.
 */
export function judge(metric: MetricId, a: number, b: number, xsA: readonly number[], xsB: readonly number[], higherIsBetter: boolean, alpha = ALPHA, ci: { a?: ConfidenceInterval; b?: ConfidenceInterval } = {}): MetricChange {
  const ratio = fin(a) && fin(b) && a !== 0 ? b / a : NaN;
  const t = compareSamples(xsA, xsB, alpha);
  const base = { metric, a, b, ratio, ...(ci.a ? { ciA: ci.a } : {}), ...(ci.b ? { ciB: ci.b } : {}), nA: t.nA, nB: t.nB, p: t.p, minP: t.minP };
  if (!fin(a) || !fin(b)) return { ...base, significance: 'unknown', reason: 'no figure on one side' };
  if (t.verdict === 'untested') return { ...base, significance: 'unknown', reason: 'no usable repetition on one side' };
  if (t.verdict === 'too-few') return { ...base, significance: 'too-few', reason: `n too small to test: ${t.nA} + ${t.nB} repetitions give at best p = ${fmtP(t.minP)} > α = ${alpha}` };
  if (t.verdict === 'not-significant') return { ...base, significance: 'not-significant', reason: `p = ${fmtP(t.p)} ≥ α = ${alpha} (Mann–Whitney)` };
  // Direction: of the medians, or of the ranks when the medians are equal.
  const up = b !== a ? b > a : t.u < (t.nA * t.nB) / 2;
  return { ...base, significance: 'significant', verdict: up === higherIsBetter ? 'better' : 'worse', reason: `p = ${fmtP(t.p)} < α = ${alpha} (Mann–Whitney)` };
}

/** Per-repetition p99 of the ok, meaningful repetitions (the headline p99 comes from the merged histogram). */
function p99Values(run: RunRecord): number[] {
  return run.repetitions.filter((r) => r.ok && r.latencyUs && r.latencyUs.count > 0 && usableValues([r], 'msgsPerSec').length > 0).map((r) => r.latencyUs?.p99 as number);
}

function settingValues(run: RunRecord): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(run.settings ?? {})) m.set(`${k} (kbench)`, fmtValue(v));
  for (const k of ['messages', 'warmup', 'partitions', 'replication', 'workers'] as const) m.set(`${k} (kbench)`, fmtValue(run[k]));
  // Normalised (see settings.ts): "5" → 5 or linger.ms ↔ queue.buffering.max.ms is not a change.
  for (const [ck, e] of normalizedConfig(run.config ?? {})) if (!IDENTITY_KEYS.has(ck)) m.set(e.keys.join(' ≡ '), e.value);
  return m;
}

function changes(a: Map<string, string>, b: Map<string, string>): SettingChange[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.filter((k) => a.get(k) !== b.get(k)).map((k) => ({ key: k, a: a.get(k) ?? DASH, b: b.get(k) ?? DASH }));
}

function envValues(doc: ResultsDocument): Map<string, string> {
  const e = doc.env;
  const m = new Map<string, string>([
    ['cpu', `${e.cpu} (${e.cores} cores)`],
    ['os', e.os],
    ['node', e.node],
    ['broker', `${e.broker.kind} ${e.broker.version ?? '?'} × ${e.broker.nodes}`],
    ['kbench', e.kbench],
  ]);
  for (const [id, d] of Object.entries(e.drivers)) m.set(`driver ${id}`, `${d.client} ${d.version}${d.librdkafka ? ` (librdkafka ${d.librdkafka})` : ''}`);
  return m;
}

function tally(arms: readonly ArmComparison[]): MetricTally[] {
  return METRICS.map(({ id }) => {
    const ms = arms.map((x) => x.metrics.find((m) => m.metric === id)).filter((m): m is MetricChange => m !== undefined);
    const count = (s: MetricChange['significance']): number => ms.filter((m) => m.significance === s).length;
    return { metric: id, arms: ms.length, significant: count('significant'), notSignificant: count('not-significant'), tooFew: count('too-few'), unknown: count('unknown') };
  }).filter((t) => t.arms > 0);
}

export function compareResults(a: ResultsDocument, b: ResultsDocument, opts: CompareOptions = {}): CompareResult {
  const alpha = opts.alpha ?? ALPHA;
  const runsB = new Map(b.runs.map((r) => [keyOf(r), r]));
  const keysA = new Set(a.runs.map(keyOf));
  const arms: ArmComparison[] = [];
  for (const ra of a.runs) {
    const rb = runsB.get(keyOf(ra));
    if (!rb) continue;
    const metrics: MetricChange[] = [];
    for (const m of METRICS) {
      if (m.id === 'p99LatencyUs') {
        const la = ra.summary.latencyUs;
        const lb = rb.summary.latencyUs;
        if (!la || !lb || la.count === 0 || lb.count === 0) continue;
        metrics.push(judge(m.id, la.p99, lb.p99, p99Values(ra), p99Values(rb), m.higherIsBetter, alpha));
      } else {
        const id = m.id;
        const sa = ra.summary[id];
        const sb = rb.summary[id];
        const ciA = ciOf(sa, ra, id);
        const ciB = ciOf(sb, rb, id);
        metrics.push(judge(id, sa.median, sb.median, usableValues(ra.repetitions, id), usableValues(rb.repetitions, id), m.higherIsBetter, alpha, { ...(ciA ? { a: ciA } : {}), ...(ciB ? { b: ciB } : {}) }));
      }
    }
    arms.push({
      driver: ra.driver,
      scenario: ra.scenario,
      messageSize: ra.messageSize,
      verifiedA: ra.verified,
      verifiedB: rb.verified,
      metrics,
      settingsChanged: changes(settingValues(ra), settingValues(rb)),
    });
  }
  const key = (r: RunRecord): ArmKey => ({ driver: r.driver, scenario: r.scenario, messageSize: r.messageSize });
  arms.sort(byArm);
  return {
    alpha,
    arms,
    onlyInA: a.runs.filter((r) => !runsB.has(keyOf(r))).map(key).sort(byArm),
    onlyInB: b.runs.filter((r) => !keysA.has(keyOf(r))).map(key).sort(byArm),
    envChanges: changes(envValues(a), envValues(b)).filter((c) => c.a !== DASH && c.b !== DASH),
    summary: tally(arms),
  };
}

// --- views of a comparison -------------------------------------------------------------------

export interface CompareViewOptions {
  /** Names of the two inputs (file paths), for the header. */
  labels?: [string, string];
  color?: boolean;
}

/** The legend of the comparison views. */
export function compareLegend(alpha = ALPHA): string {
  return `ratio = B / A of the medians · [low–high]: the median's confidence interval · p: two-sided Mann–Whitney test of the two arms' repetitions (msgs/s) · better / worse: significant, p < α = ${alpha} · ≈: not significant · n too small: the repetitions cannot give p < α whatever the change (3 + 3 give at best p = 0.10; 4 + 4, 0.029) · ?: no figure on one side`;
}

/** "1.12× better", "0.97× ≈", "1.30× n too small", "— ?". */
export function fmtChange(c: MetricChange | undefined): string {
  if (!c) return '';
  const r = fmtRatio(c.ratio) || DASH;
  switch (c.significance) {
    case 'significant':
      return `${r} ${c.verdict}`;
    case 'not-significant':
      return `${r} ≈`;
    case 'too-few':
      return `${r} n too small`;
    case 'unknown':
      return `${r} ?`;
  }
}

/** A headline with its interval: "912,000 [894k–939k]". */
function fmtWithCi(v: number | undefined, ci: ConfidenceInterval | undefined): string {
  const interval = fmtInterval(ci);
  return interval ? `${fmtSig(v)} ${interval}` : fmtSig(v);
}

const LABEL: Record<MetricId, string> = { msgsPerSec: 'msgs/s', mbPerSec: 'MB/s', cpuUsPerMsg: 'CPU µs/msg', p99LatencyUs: 'p99 µs' };

/** "msgs/s: 2 of 24 arms significantly different (Mann–Whitney, α = 0.05); 20 n too small to test". */
export function summaryLines(res: CompareResult): string[] {
  return res.summary.map((t) => {
    const extra = [t.tooFew > 0 ? `${t.tooFew} n too small to test` : '', t.unknown > 0 ? `${t.unknown} without a figure on one side` : ''].filter(Boolean).join(', ');
    return `${LABEL[t.metric]}: ${t.significant} of ${t.arms} arm${t.arms === 1 ? '' : 's'} significantly different (Mann–Whitney, α = ${res.alpha})${extra ? `; ${extra}` : ''}`;
  });
}

function armLabel(k: ArmKey): string {
  return `${k.scenario} · ${fmtSize(k.messageSize)} · ${k.driver}`;
}

function verifiedText(arm: ArmComparison): string {
  const v = (ok: boolean): string => (ok ? '✓' : '✗ FAILED');
  return arm.verifiedA === arm.verifiedB ? v(arm.verifiedA) : `${v(arm.verifiedA)} → ${v(arm.verifiedB)}`;
}

// eslint-disable-next-line no-control-regex
const clean = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');

export function renderCompareTerminal(res: CompareResult, opts: CompareViewOptions = {}): string {
  const color = opts.color === true;
  const paint = (style: AnsiStyle, s: string): string => (color ? ansi(style, s) : s);
  const out: string[] = [];
  const [la, lb] = opts.labels ?? ['A', 'B'];
  out.push(`A: ${clean(la)}`, `B: ${clean(lb)}`, '');
  if (res.envChanges.length > 0) {
    out.push(paint('yellow', 'Environment differs:'));
    for (const c of res.envChanges) out.push(paint('yellow', `  ${clean(c.key)}: ${clean(c.a)} → ${clean(c.b)}`));
    out.push('');
  }
  const head = ['arm', 'msgs/s A', 'msgs/s B', 'msgs/s B/A', 'p', 'MB/s', 'CPU µs/msg', 'p99 µs', 'verified'];
  const t = new Table({ head: color ? head.map((h) => ansi('bold', h)) : head, style: { head: [], border: [], compact: true }, colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'] });
  for (const arm of res.arms) {
    const get = (id: MetricId): MetricChange | undefined => arm.metrics.find((m) => m.metric === id);
    const cell = (id: MetricId): string => {
      const c = get(id);
      const s = fmtChange(c);
      return c?.verdict === 'better' ? paint('green', s) : c?.verdict === 'worse' ? paint('red', s) : s;
    };
    const tp = get('msgsPerSec');
    const failed = !arm.verifiedA || !arm.verifiedB;
    t.push([clean(armLabel(arm)), fmtWithCi(tp?.a, tp?.ciA), fmtWithCi(tp?.b, tp?.ciB), cell('msgsPerSec'), fmtP(tp?.p), cell('mbPerSec'), cell('cpuUsPerMsg'), cell('p99LatencyUs'), failed ? paint('red', verifiedText(arm)) : verifiedText(arm)]);
  }
  if (res.arms.length > 0) out.push(t.toString());
  else out.push('No arm is in both files.');
  out.push(compareLegend(res.alpha));
  if (res.arms.length > 0) out.push('', ...summaryLines(res));
  const only = (label: string, keys: ArmKey[]): void => {
    if (keys.length === 0) return;
    out.push('', `Only in ${label} (${keys.length}):`, ...keys.map((k) => `  - ${clean(armLabel(k))}`));
  };
  only(`A (${clean(la)})`, res.onlyInA);
  only(`B (${clean(lb)})`, res.onlyInB);
  const changed = res.arms.filter((a) => a.settingsChanged.length > 0);
  if (changed.length > 0) {
    out.push('', paint('yellow', 'Settings differ between A and B for:'));
    for (const arm of changed) out.push(`  ${clean(armLabel(arm))}: ${arm.settingsChanged.map((c) => clean(`${c.key} ${c.a} → ${c.b}`)).join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}

export function renderCompareMarkdown(res: CompareResult, opts: CompareViewOptions = {}): string {
  const [la, lb] = opts.labels ?? ['A', 'B'];
  const out: string[] = ['# kbench compare', '', `- A: ${md(la)}`, `- B: ${md(lb)}`, ''];
  if (res.envChanges.length > 0) {
    out.push('**Environment differs:**', '', ...res.envChanges.map((c) => `- ${md(c.key)}: ${md(c.a)} → ${md(c.b)}`), '');
  }
  if (res.arms.length > 0) {
    out.push('| arm | msgs/s A | msgs/s B | msgs/s B/A | p | MB/s | CPU µs/msg | p99 µs | verified |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const arm of res.arms) {
      const get = (id: MetricId): MetricChange | undefined => arm.metrics.find((m) => m.metric === id);
      const cell = (id: MetricId): string => {
        const c = get(id);
        const s = md(fmtChange(c));
        return c?.significance === 'significant' ? `**${s}**` : s;
      };
      const tp = get('msgsPerSec');
      out.push(`| ${md(armLabel(arm))} | ${md(fmtWithCi(tp?.a, tp?.ciA))} | ${md(fmtWithCi(tp?.b, tp?.ciB))} | ${cell('msgsPerSec')} | ${md(fmtP(tp?.p))} | ${cell('mbPerSec')} | ${cell('cpuUsPerMsg')} | ${cell('p99LatencyUs')} | ${md(verifiedText(arm))} |`);
    }
    out.push('', ...summaryLines(res).map((l) => `- ${md(l)}`));
  } else out.push('No arm is in both files.');
  out.push('', `_${md(compareLegend(res.alpha))}_`, '');
  for (const [label, keys] of [
    ['A', res.onlyInA],
    ['B', res.onlyInB],
  ] as const) {
    if (keys.length > 0) out.push(`**Only in ${label}:**`, '', ...keys.map((k) => `- ${md(armLabel(k))}`), '');
  }
  const changed = res.arms.filter((a) => a.settingsChanged.length > 0);
  if (changed.length > 0) {
    out.push('**Settings differ between A and B:**', '');
    for (const arm of changed) out.push(`- ${md(armLabel(arm))}: ${arm.settingsChanged.map((c) => md(`${c.key} ${c.a} → ${c.b}`)).join(', ')}`);
    out.push('');
  }
  return out.join('\n');
}
