// The terminal view: one cli-table3 table per scenario and message size, the settings that differ,
// then everything that went wrong (failed arms, skipped arms, warnings), never hidden.
import { DASH, ansi, fmtSize } from './format.js';
import type { AnsiStyle } from './format.js';
import { fitTable, wrapLines } from './fit.js';
import type { FitCell, Shrink, TableSpec } from './fit.js';
import { FAILOVER_HEAD, FAILOVER_LEGEND, aaView, baselineOf, failoverCells, failoverRows, faultLine, buildGroups, clientWarningLines, envLines, groupTitle, latencyTableData, legendLines, scenariosOf, tableData, variantComparisons, variantTableData } from './model.js';
import { commonLine, diffSettings, driverColumns, sameSettings } from './settings.js';
import type { ArmGroup, ReportOptions } from './model.js';
import type { SettingsDiff } from './settings.js';
import type { ResultsDocument } from '../results/types.js';

export interface TerminalOptions extends ReportOptions {
  /** ANSI colours (failed rows red, noisy figures yellow); off by default so output is plain text. */
  color?: boolean;
  /** The terminal's width: tables and lines made to fit it (src/report/fit.ts); undefined: full tables (files, pipes). */
  width?: number;
}

const FAILURE_WIDTH = 60;

// Strings from the document may hold control characters (an error message from a client, a hostile
// file): never let them drive the terminal.
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

// Shorter heads for a narrow terminal; the legend says what MB means.
const SHORT_HEAD: Record<string, string> = { 'MB/s (10⁶ B)': 'MB/s', 'CPU µs/msg': 'CPU µs', 'peak RSS MiB': 'RSS MiB', 'p50 µs': 'p50', 'p90 µs': 'p90', 'p99 µs': 'p99', 'p99.9 µs': 'p99.9', 'p99.99 µs': 'p99.99', 'max µs': 'max', 'rate msgs/s': 'rate', samples: 'n' };
const shortHead = (h: string): string => SHORT_HEAD[h] ?? h.replace(/^× vs /, '× ');
// "90,400 [75.9k–103k] ⚠" on two lines of its cell: the median, then its interval and marks.
const twoLines = (text: string): string => text.replace(' ', '\n');

/** The narrower forms of a results table, for fitTable: short heads (latency left to the detail table below), then two-line figures. */
function resultsVariants(full: TableSpec, latencyBelow: boolean): TableSpec[] {
  const LATENCY = new Set(['p50 µs', 'p99 µs', 'p99.9 µs', 'max µs']);
  const keep = full.head.map((h) => !(latencyBelow && LATENCY.has(h)));
  const pick = <T,>(xs: T[]): T[] => xs.filter((_, i) => keep[i]);
  const note = latencyBelow ? 'latency: in the Latency table below' : undefined;
  const short: TableSpec = { head: pick(full.head).map(shortHead), numeric: pick(full.numeric), shrink: pick(full.shrink ?? []), rows: full.rows.map((r) => ({ ...r, cells: pick(r.cells) })), ...(note ? { note } : {}) };
  const headline = new Set(['msgs/s', 'CPU µs']);
  const split: TableSpec = { ...short, rows: short.rows.map((r) => ({ ...r, cells: r.cells.map((c, i) => (headline.has(short.head[i] as string) ? { ...c, text: twoLines(c.text) } : c)) })) };
  return [short, split];
}

/** The failover table (it stands in for the results table of failover arms: their rate is the schedule's, the finding is what was lost). */
function failoverBlock(doc: ResultsDocument, opts: TerminalOptions, paint: (style: AnsiStyle, s: string) => string): string[] {
  const color = opts.color === true;
  const fo = failoverRows(doc);
  if (fo.length === 0) return [];
  const fault = fo.find((r) => r.fault)?.fault;
  const fspec: TableSpec = {
    head: FAILOVER_HEAD,
    numeric: FAILOVER_HEAD.map((_, i) => i >= 2),
    shrink: FAILOVER_HEAD.map((h): Shrink | undefined => (h === 'affected' || h === 'ack gap s' || h === 'full rate after s' || h === 'p99 / max s' ? 'wrap' : undefined)),
    // A client that lost acknowledged messages: a red row (the finding), not a failed run.
    rows: fo.map((r) => ({ cells: failoverCells(r).map((c) => ({ text: clean(c) })), ...(r.ackedLost > 0 ? { style: 'red' as const } : {}) })),
  };
  const short: TableSpec = { ...fspec, head: ['client', 'size', 'lost', 'hit', 'acked', 'dup', 'failed', 'unacked in topic', 'gap s', 'rate back s', 'p99/max s'] };
  return [paint('bold', 'Failover: acknowledged against read back'), ...(fault ? [clean(faultLine(fault))] : []), fitTable(fspec, { width: opts.width, color, variants: [short] }), FAILOVER_LEGEND];
}

export function renderTerminal(doc: ResultsDocument, opts: TerminalOptions = {}): string {
  const color = opts.color === true;
  const paint = (style: AnsiStyle, s: string): string => (color ? ansi(style, s) : s);
  const baseline = baselineOf(doc, opts);
  const out: string[] = [...envLines(doc).map(clean), ''];

  const groups = buildGroups(doc, opts);
  const lastOfScenario = new Map(scenariosOf(doc.runs).map((s) => [s, groups.filter((g) => g.scenario === s).at(-1)]));
  const shownSettings: { scenario: string; diff: SettingsDiff }[] = [];

  let failoverShown = false;
  for (const g of groups) {
    if (g.scenario === 'failover') {
      if (!failoverShown) out.push(...failoverBlock(doc, opts, paint));
      failoverShown = true;
    } else pushResults(g);
    if (lastOfScenario.get(g.scenario) === g) {
      const diff = diffSettings(doc.runs.filter((r) => r.scenario === g.scenario));
      const same = shownSettings.find((s) => sameSettings(s.diff, diff));
      if (same) out.push(`Settings (${g.scenario}): same as ${same.scenario}`);
      else {
        out.push(...settingsBlock(g.scenario, diff, color, opts.width));
        shownSettings.push({ scenario: g.scenario, diff });
      }
    }
    out.push('');
  }

  function pushResults(g: ArmGroup): void {
    const data = tableData(g, baseline, FAILURE_WIDTH);
    const lat = latencyTableData(g);
    const latencyBelow = Boolean(lat && lat.rows.length > 0);
    const spec: TableSpec = {
      head: data.head.map(clean),
      numeric: data.numeric,
      shrink: data.head.map((h): Shrink | undefined => (h === 'verified' ? 'truncate' : undefined)),
      rows: data.rows.map(({ cells, row }) => ({ cells: cells.map((c): FitCell => ({ text: clean(c.text), ...(c.noisy || c.short ? { style: 'yellow' as const } : {}) })), ...(row.verified ? {} : { style: 'red' as const }) })),
    };
    out.push(paint('bold', groupTitle(g)), fitTable(spec, { width: opts.width, color, variants: resultsVariants(spec, latencyBelow) }));
    if (lat && lat.rows.length) {
      const lspec: TableSpec = {
        head: lat.head.map(clean),
        numeric: lat.numeric,
        shrink: lat.head.map((h): Shrink | undefined => (h === 'rate msgs/s' ? 'wrap' : undefined)),
        rows: lat.rows.map(({ cells, row }) => ({ cells: cells.map((c) => ({ text: clean(c.text) })), ...(row.verified ? {} : { style: 'red' as const }) })),
      };
      const short: TableSpec = { ...lspec, head: lspec.head.map(shortHead), note: 'latency in µs · n = samples · rate: msgs/s requested → achieved' };
      out.push(`Latency · ${g.scenario} · ${fmtSize(g.messageSize)}`, fitTable(lspec, { width: opts.width, color, variants: [short] }));
    }
  }

  if (doc.runs.length === 0) out.push('No arms ran.', '');
  const variants = variantComparisons(doc);
  if (variants.length > 0) {
    const v = variantTableData(variants);
    const vspec: TableSpec = { head: v.head, numeric: v.numeric, shrink: v.head.map((h): Shrink | undefined => (h === 'compared' ? 'wrap' : undefined)), rows: v.rows.map((cells) => ({ cells: cells.map((c) => ({ text: clean(c) })) })) };
    out.push(paint('bold', 'Same client, side by side (runtime, version, librdkafka): each against its first key in the run'), fitTable(vspec, { width: opts.width, color }), '');
  }
  out.push(...legendLines(groups).map(clean));

  const aa = aaView(doc);
  if (aa) {
    out.push('', paint(aa.flagged.length > 0 ? 'yellow' : 'bold', clean(aa.title)));
    for (const f of aa.flagged) out.push(paint('yellow', `  ! ${clean(f)}`));
    for (const n of aa.notes) out.push(`  ${clean(n)}`);
  }

  const failed = groups.flatMap((g) => g.rows.filter((r) => !r.verified).map((r) => ({ g, r })));
  if (failed.length > 0) {
    out.push('', paint('red', `FAILED (${failed.length} arm${failed.length === 1 ? '' : 's'}): figures of these arms are not valid`));
    for (const { g, r } of failed) out.push(paint('red', `  ✗ ${clean(r.driver)} · ${g.scenario} · ${fmtSize(g.messageSize)}: ${clean(r.failure ?? 'not verified')}`));
  }
  if (doc.skipped.length > 0) {
    out.push('', `Skipped (${doc.skipped.length}):`);
    for (const s of doc.skipped) {
      const size = s.messageSize !== undefined ? ` · ${fmtSize(s.messageSize)}` : '';
      out.push(`  - ${clean(s.driver)} · ${clean(s.scenario)}${size}: ${clean(s.reason)}`);
    }
  }
  if (doc.warnings.length > 0) {
    out.push('', paint('yellow', `Warnings (${doc.warnings.length}):`));
    for (const w of doc.warnings) out.push(paint('yellow', `  - ${clean(w)}`));
  }
  const clientWarnings = clientWarningLines(groups);
  if (clientWarnings.length > 0) {
    out.push('', `Client warnings (${clientWarnings.length}), raised by the clients themselves:`);
    for (const w of clientWarnings) out.push(`  - ${clean(w)}`);
  }
  return `${wrapLines(out.join('\n'), opts.width)}\n`;
}

function settingsBlock(scenario: string, diff: SettingsDiff, color: boolean, width: number | undefined): string[] {
  const lines: string[] = [];
  const common = diff.common.filter((r) => r.section === 'workload');
  const commonConfig = diff.common.filter((r) => r.section === 'config');
  lines.push(`Settings (${scenario}), same for every arm: ${clean(commonLine(common)) || DASH}`);
  if (commonConfig.length > 0) lines.push(`  client config, same for every arm: ${clean(commonLine(commonConfig))}`);
  if (diff.differing.length > 0) {
    const columns = driverColumns(diff);
    const head = ['setting that differs', ...columns.map((ds) => clean(ds.join(', ')))];
    const spec: TableSpec = {
      head,
      numeric: [],
      shrink: head.map(() => 'truncate' as const),
      rows: diff.differing.map((row) => {
        const label = row.section === 'workload' ? `${row.key} (kbench)` : row.key;
        return { cells: [clean(label), ...columns.map((ds) => clean(row.byDriver[ds[0] as string] ?? DASH))].map((text) => ({ text })) };
      }),
    };
    lines.push(fitTable(spec, { width, color, variants: [{ ...spec, head: ['setting', ...head.slice(1)] }] }));
  }
  return lines;
}
