// The sweep's text views: per driver a table of its steps (rate → achieved, corrected p50 / p99 /
// p99.9, held ✓ or ✗ with the reason), then one line per driver with its max sustainable rate.
import { fitTable, wrapLines } from '../report/fit.js';
import type { TableSpec } from '../report/fit.js';
import { ansi, escapeMarkdown as md, fmtSize } from '../report/format.js';
import { envLines } from '../report/model.js';
import type { LatencyPercentiles, PercentileKey } from '../results/types.js';
import { isSupported } from '../stats/latency.js';
import type { SweepDocument, SweepStep } from './types.js';

const int = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '—' : Math.round(v).toLocaleString('en-US'));

/** The percentiles the tables and charts show, and the SLO's own when it names another. */
export function shownPercentiles(doc: Pick<SweepDocument, 'slo'>): PercentileKey[] {
  const base: PercentileKey[] = ['p50', 'p99', 'p999'];
  const order: PercentileKey[] = ['p50', 'p90', 'p95', 'p99', 'p999', 'p9999'];
  const want = new Set([...base, ...doc.slo.terms.map((t) => t.percentile)]);
  return order.filter((k) => want.has(k));
}

const LABEL: Record<PercentileKey, string> = { p50: 'p50', p90: 'p90', p95: 'p95', p99: 'p99', p999: 'p99.9', p9999: 'p99.99' };

/** ms, 3 significant digits; in parentheses when the sample count does not support the percentile. */
function latencyCell(l: LatencyPercentiles | undefined, key: PercentileKey): string {
  const v = l?.[key];
  if (!l || v === undefined || !Number.isFinite(v)) return '—';
  const ms = v / 1000;
  const t = ms >= 100 ? int(ms) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
  return isSupported(l, key) ? t : `(${t})`;
}

export interface SweepTable {
  driver: string;
  head: string[];
  numeric: boolean[];
  rows: { cells: string[]; step: SweepStep }[];
}

export function sweepTables(doc: SweepDocument): SweepTable[] {
  const keys = shownPercentiles(doc);
  const head = ['rate msgs/s', 'achieved msgs/s', ...keys.map((k) => `${LABEL[k]} ms`), 'held'];
  const numeric = head.map((_, i) => i < head.length - 1);
  return doc.drivers.map((driver) => ({
    driver,
    head,
    numeric,
    rows: doc.steps
      .filter((s) => s.driver === driver)
      .sort((a, b) => a.rate - b.rate)
      .map((step) => ({ step, cells: [int(step.rate), int(step.achievedRate), ...keys.map((k) => latencyCell(step.latencyUs, k)), step.held ? '✓' : `✗ ${step.whyNot.join('; ')}`] })),
  }));
}

/** "max sustainable rate under p99<20ms: 12,000 msgs/s" (with the lower rates that failed, or why none held). */
export function maxLine(doc: SweepDocument, driver: string): string {
  const m = doc.maxSustainable[driver];
  const head = doc.sloJudged === false ? `${driver}: max sustainable rate (${doc.scenario}: no latency, objective not judged)` : `${driver}: max sustainable rate under ${doc.slo.text}`;
  if (!m || m.tried.length === 0) return `${head}: not measured${m?.stopped ? ` (${m.stopped})` : ''}`;
  if (m.rate === null) return `${head}: none — no rate tried held (lowest tried ${int(m.tried[0])} msgs/s)`;
  const lower = m.lowerFailed.length ? ` (note: ${m.lowerFailed.map(int).join(', ')} msgs/s, lower, did not hold)` : '';
  return `${head}: ${int(m.rate)} msgs/s${lower}`;
}

export function sweepTitle(doc: SweepDocument): string {
  return `${doc.scenario} · ${fmtSize(doc.messageSize)} · ${doc.durationMs / 1000} s per step · ${doc.repeat} repetition${doc.repeat === 1 ? '' : 's'} · ${doc.sloJudged === false ? 'no per-message latency: SLO not judged' : `SLO ${doc.slo.text} on corrected latency`}`;
}

export function legend(doc: SweepDocument): string[] {
  return [
    'latency: corrected, from each message’s intended send time on the open-loop schedule (coordinated omission corrected), merged over the verified repetitions',
    `held: ${doc.rule.join('; ')}`,
    '(1.23): too few samples for that percentile (it needs 10 beyond it); the figure is one of the few largest samples',
  ];
}

// eslint-disable-next-line no-control-regex
const clean = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');

/** `width`: the terminal's, the tables and lines made to fit it (undefined: full, for files and pipes). */
export function renderSweepTerminal(doc: SweepDocument, opts: { color?: boolean; width?: number } = {}): string {
  const paint = (style: Parameters<typeof ansi>[0], s: string): string => (opts.color ? ansi(style, s) : s);
  const out: string[] = [...envLines(doc).map(clean), '', paint('bold', sweepTitle(doc)), ''];
  for (const t of sweepTables(doc)) {
    const last = t.head.length - 1;
    const spec: TableSpec = {
      head: t.head,
      numeric: t.numeric,
      shrink: t.head.map((_, i) => (i === last ? 'wrap' : undefined)),
      rows: t.rows.map((r) => ({ cells: r.cells.map((c, i) => ({ text: clean(c), ...(i === last ? { style: r.step.held ? ('green' as const) : ('red' as const) } : {}) })) })),
    };
    const short: TableSpec = { ...spec, head: t.head.map((h) => h.replace(/ msgs\/s$/, '').replace(/ ms$/, '')), note: 'rate, achieved: msgs/s · latency in ms' };
    const fullOptions = { wordWrap: true, colWidths: t.head.map((_, i) => (i === last ? Math.min(56, 2 + Math.max(4, ...t.rows.map((r) => (r.cells[i] as string).length))) : null)) as number[] };
    out.push(paint('bold', t.driver), t.rows.length ? fitTable(spec, { width: opts.width, color: opts.color === true, boldHead: false, fullOptions, variants: [short] }) : '  (no step ran)', '');
  }
  for (const d of doc.drivers) out.push(paint('bold', maxLine(doc, d)));
  out.push('', ...legend(doc).map(clean));
  if (doc.skipped.length) out.push('', `Skipped (${doc.skipped.length}):`, ...doc.skipped.map((s) => `  - ${clean(s.driver)} at ${int(s.rate)} msgs/s: ${clean(s.reason)}`));
  if (doc.warnings.length) out.push('', paint('yellow', `Warnings (${doc.warnings.length}):`), ...doc.warnings.map((w) => paint('yellow', `  - ${clean(w)}`)));
  return `${wrapLines(out.join('\n'), opts.width)}\n`;
}

export function renderSweepMarkdown(doc: SweepDocument): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const out: string[] = ['# kbench sweep', '', ...envLines(doc).map((l) => `- ${md(l)}`), '', `**${md(sweepTitle(doc))}**`, ''];
  for (const d of doc.drivers) out.push(`- **${md(maxLine(doc, d))}**`);
  out.push('');
  for (const t of sweepTables(doc)) {
    out.push(`## ${md(t.driver)}`, '');
    if (!t.rows.length) {
      out.push('No step ran.', '');
      continue;
    }
    out.push(line(t.head.map(md)), line(t.numeric.map((n) => (n ? '---:' : '---'))), ...t.rows.map((r) => line(r.cells.map(md))), '');
  }
  out.push(...legend(doc).map((l) => `${md(l)}  `), '');
  if (doc.skipped.length) out.push('## Skipped', '', ...doc.skipped.map((s) => `- ${md(s.driver)} at ${int(s.rate)} msgs/s: ${md(s.reason)}`), '');
  if (doc.warnings.length) out.push('## Warnings', '', ...doc.warnings.map((w) => `- ${md(w)}`), '');
  return out.join('\n');
}
