// Comparing two results documents arm by arm (driver × scenario × message size): ratios b / a of
// the headline figures, and whether each change goes beyond the spread of the repetitions.
import Table from 'cli-table3';
import { summarize } from '../stats/summary.js';
import { DASH, ansi, escapeMarkdown as md, fmtRatio, fmtSig, fmtSize, fmtValue, redactConfig } from './format.js';
import { compareScenario } from './model.js';
import type { AnsiStyle } from './format.js';
import type { ResultsDocument, RunRecord, ScenarioId, Summary } from '../results/types.js';

export type MetricId = 'msgsPerSec' | 'mbPerSec' | 'cpuUsPerMsg' | 'p99LatencyUs';

/** Changes smaller than this are never called significant, however tight the repetitions. */
export const MIN_EFFECT = 0.02;

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
  /**
   * `significant`: beyond the spread (the [min, max] ranges of the repetitions do not overlap, or
   * |Δ| > 2 · max(stddev)) and at least MIN_EFFECT; `within-spread`: not; `unknown`: a side has
   * fewer than two repetitions or no figure.
   */
  significance: 'significant' | 'within-spread' | 'unknown';
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

export interface CompareResult {
  arms: ArmComparison[];
  onlyInA: ArmKey[];
  onlyInB: ArmKey[];
  /** Differences in the environment (cpu, node, broker, client versions) that may explain changes. */
  envChanges: SettingChange[];
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

/** Judges a change between two sets of repetitions; `a` / `b` are the headline values. */
export function judge(metric: MetricId, a: number, b: number, sa: Summary | undefined, sb: Summary | undefined, higherIsBetter: boolean): MetricChange {
  const ratio = fin(a) && fin(b) && a !== 0 ? b / a : NaN;
  const base = { metric, a, b, ratio };
  if (!fin(a) || !fin(b)) return { ...base, significance: 'unknown', reason: 'no figure on one side' };
  if (!sa || !sb || sa.n < 2 || sb.n < 2) return { ...base, significance: 'unknown', reason: 'fewer than 2 repetitions: no spread to compare with' };
  const delta = Math.abs(b - a);
  const disjoint = sa.max < sb.min || sb.max < sa.min;
  const sigma = Math.max(sa.stddev, sb.stddev);
  const beyondSigma = delta > 2 * sigma;
  if (!(disjoint || beyondSigma)) return { ...base, significance: 'within-spread', reason: 'ranges overlap and |Δ| ≤ 2σ' };
  if (delta < MIN_EFFECT * Math.abs(a)) return { ...base, significance: 'within-spread', reason: `|Δ| below ${MIN_EFFECT * 100} %` };
  const better = higherIsBetter ? b > a : b < a;
  return { ...base, significance: 'significant', verdict: better ? 'better' : 'worse', reason: disjoint ? 'min–max ranges do not overlap' : '|Δ| > 2σ' };
}

/** Spread of per-repetition p99 (the headline p99 comes from the merged histogram). */
function p99Spread(run: RunRecord): Summary | undefined {
  const xs = run.repetitions.filter((r) => r.ok && r.latencyUs && r.latencyUs.count > 0).map((r) => r.latencyUs?.p99 as number);
  return xs.length > 0 ? summarize(xs) : undefined;
}

function settingValues(run: RunRecord): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(run.settings ?? {})) m.set(`${k} (kbench)`, fmtValue(v));
  for (const k of ['messages', 'warmup', 'partitions', 'replication', 'workers'] as const) m.set(`${k} (kbench)`, fmtValue(run[k]));
  for (const [k, v] of Object.entries(redactConfig(run.config ?? {}))) m.set(k, fmtValue(v));
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

export function compareResults(a: ResultsDocument, b: ResultsDocument): CompareResult {
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
        metrics.push(judge(m.id, la.p99, lb.p99, p99Spread(ra), p99Spread(rb), m.higherIsBetter));
      } else {
        const sa = ra.summary[m.id];
        const sb = rb.summary[m.id];
        metrics.push(judge(m.id, sa.median, sb.median, sa, sb, m.higherIsBetter));
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
  return {
    arms: arms.sort(byArm),
    onlyInA: a.runs.filter((r) => !runsB.has(keyOf(r))).map(key).sort(byArm),
    onlyInB: b.runs.filter((r) => !keysA.has(keyOf(r))).map(key).sort(byArm),
    envChanges: changes(envValues(a), envValues(b)).filter((c) => c.a !== DASH && c.b !== DASH),
  };
}

// --- views of a comparison -------------------------------------------------------------------

export interface CompareViewOptions {
  /** Names of the two inputs (file paths), for the header. */
  labels?: [string, string];
  color?: boolean;
}

export const COMPARE_LEGEND = `ratio = B / A · better / worse: beyond the spread of the repetitions (min–max ranges do not overlap, or |Δ| > 2σ) and ≥ ${MIN_EFFECT * 100} % · ≈: within the spread · ?: cannot tell (fewer than 2 repetitions)`;

/** "1.12× better", "0.97× ≈", "1.30× ?". */
export function fmtChange(c: MetricChange | undefined): string {
  if (!c) return '';
  const r = fmtRatio(c.ratio) || DASH;
  if (c.significance === 'significant') return `${r} ${c.verdict}`;
  return `${r} ${c.significance === 'unknown' ? '?' : '≈'}`;
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
  const head = ['arm', 'msgs/s A', 'msgs/s B', 'msgs/s', 'MB/s', 'CPU µs/msg', 'p99 µs', 'verified'];
  const t = new Table({ head: color ? head.map((h) => ansi('bold', h)) : head, style: { head: [], border: [], compact: true }, colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'] });
  for (const arm of res.arms) {
    const get = (id: MetricId): MetricChange | undefined => arm.metrics.find((m) => m.metric === id);
    const cell = (id: MetricId): string => {
      const c = get(id);
      const s = fmtChange(c);
      return c?.verdict === 'better' ? paint('green', s) : c?.verdict === 'worse' ? paint('red', s) : s;
    };
    const tp = get('msgsPerSec');
    const failed = !arm.verifiedA || !arm.verifiedB;
    t.push([clean(armLabel(arm)), fmtSig(tp?.a), fmtSig(tp?.b), cell('msgsPerSec'), cell('mbPerSec'), cell('cpuUsPerMsg'), cell('p99LatencyUs'), failed ? paint('red', verifiedText(arm)) : verifiedText(arm)]);
  }
  if (res.arms.length > 0) out.push(t.toString());
  else out.push('No arm is in both files.');
  out.push(COMPARE_LEGEND);
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
    out.push('| arm | msgs/s A | msgs/s B | msgs/s | MB/s | CPU µs/msg | p99 µs | verified |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const arm of res.arms) {
      const get = (id: MetricId): MetricChange | undefined => arm.metrics.find((m) => m.metric === id);
      const cell = (id: MetricId): string => {
        const c = get(id);
        const s = md(fmtChange(c));
        return c?.significance === 'significant' ? `**${s}**` : s;
      };
      const tp = get('msgsPerSec');
      out.push(`| ${md(armLabel(arm))} | ${fmtSig(tp?.a)} | ${fmtSig(tp?.b)} | ${cell('msgsPerSec')} | ${cell('mbPerSec')} | ${cell('cpuUsPerMsg')} | ${cell('p99LatencyUs')} | ${md(verifiedText(arm))} |`);
    }
  } else out.push('No arm is in both files.');
  out.push('', `_${md(COMPARE_LEGEND)}_`, '');
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
