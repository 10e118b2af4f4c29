// The terminal view: one cli-table3 table per scenario and message size, the settings that differ,
// then everything that went wrong (failed arms, skipped arms, warnings), never hidden.
import Table from 'cli-table3';
import { DASH, ansi, fmtSize } from './format.js';
import type { AnsiStyle } from './format.js';
import { aaView, baselineOf, buildGroups, envLines, groupTitle, latencyTableData, legendLines, scenariosOf, tableData } from './model.js';
import { commonLine, diffSettings, driverColumns, sameSettings } from './settings.js';
import type { ReportOptions } from './model.js';
import type { SettingsDiff } from './settings.js';
import type { ResultsDocument } from '../results/types.js';

export interface TerminalOptions extends ReportOptions {
  /** ANSI colours (failed rows red, noisy figures yellow); off by default so output is plain text. */
  color?: boolean;
}

const FAILURE_WIDTH = 60;

// Strings from the document may hold control characters (an error message from a client, a hostile
// file): never let them drive the terminal.
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

function newTable(head: string[], numeric: boolean[], color: boolean): Table.Table {
  // No cli-table3 default colours: colour is our decision (and off for files and pipes).
  return new Table({
    head: color ? head.map((h) => ansi('bold', h)) : head,
    colAligns: numeric.map((n) => (n ? 'right' : 'left')),
    style: { head: [], border: [], compact: true },
  });
}

export function renderTerminal(doc: ResultsDocument, opts: TerminalOptions = {}): string {
  const color = opts.color === true;
  const paint = (style: AnsiStyle, s: string): string => (color ? ansi(style, s) : s);
  const baseline = baselineOf(doc, opts);
  const out: string[] = [...envLines(doc).map(clean), ''];

  const groups = buildGroups(doc, opts);
  const lastOfScenario = new Map(scenariosOf(doc.runs).map((s) => [s, groups.filter((g) => g.scenario === s).at(-1)]));
  const shownSettings: { scenario: string; diff: SettingsDiff }[] = [];

  for (const g of groups) {
    const data = tableData(g, baseline, FAILURE_WIDTH);
    const t = newTable(data.head.map(clean), data.numeric, color);
    for (const { cells, row } of data.rows) {
      const texts = cells.map((c) => {
        const s = clean(c.text);
        return c.noisy || c.short ? paint('yellow', s) : s;
      });
      t.push(row.verified ? texts : texts.map((s) => paint('red', s)));
    }
    out.push(paint('bold', groupTitle(g)), t.toString());
    const lat = latencyTableData(g);
    if (lat && lat.rows.length) {
      const lt = newTable(lat.head.map(clean), lat.numeric, color);
      for (const { cells, row } of lat.rows) {
        const texts = cells.map((c) => clean(c.text));
        lt.push(row.verified ? texts : texts.map((x) => paint('red', x)));
      }
      out.push(`Latency · ${g.scenario} · ${fmtSize(g.messageSize)}`, lt.toString());
    }

    if (lastOfScenario.get(g.scenario) === g) {
      const diff = diffSettings(doc.runs.filter((r) => r.scenario === g.scenario));
      const same = shownSettings.find((s) => sameSettings(s.diff, diff));
      if (same) out.push(`Settings (${g.scenario}): same as ${same.scenario}`);
      else {
        out.push(...settingsBlock(g.scenario, diff, color));
        shownSettings.push({ scenario: g.scenario, diff });
      }
    }
    out.push('');
  }

  if (doc.runs.length === 0) out.push('No arms ran.', '');
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
  return `${out.join('\n')}\n`;
}

function settingsBlock(scenario: string, diff: SettingsDiff, color: boolean): string[] {
  const lines: string[] = [];
  const common = diff.common.filter((r) => r.section === 'workload');
  const commonConfig = diff.common.filter((r) => r.section === 'config');
  lines.push(`Settings (${scenario}), same for every arm: ${clean(commonLine(common)) || DASH}`);
  if (commonConfig.length > 0) lines.push(`  client config, same for every arm: ${clean(commonLine(commonConfig))}`);
  if (diff.differing.length > 0) {
    const columns = driverColumns(diff);
    const t = newTable(['setting that differs', ...columns.map((ds) => clean(ds.join(', ')))], [], color);
    for (const row of diff.differing) {
      const label = row.section === 'workload' ? `${row.key} (kbench)` : row.key;
      t.push([clean(label), ...columns.map((ds) => clean(row.byDriver[ds[0] as string] ?? DASH))]);
    }
    lines.push(t.toString());
  }
  return lines;
}
