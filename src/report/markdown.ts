// The Markdown view (GitHub flavour): the terminal's tables, the settings per scenario, the env,
// and everything that went wrong. Every string from the document is escaped.
import { DASH, escapeMarkdown as md, fmtSize, redactDeep } from './format.js';
import { FAILOVER_HEAD, FAILOVER_LEGEND, aaView, baselineOf, failoverCells, failoverRows, faultLine, buildGroups, clientWarningLines, envLines, groupTitle, latencyTableData, legendLines, scenariosOf, tableData, variantComparisons, variantTableData } from './model.js';
import { diffSettings, driverColumns, sameSettings } from './settings.js';
import type { ReportOptions } from './model.js';
import type { SettingsDiff } from './settings.js';
import type { ResultsDocument } from '../results/types.js';

function mdTable(head: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[] = []): string[] {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (numeric[i] ? '---:' : '---'))), ...rows.map(line)];
}

/** A fenced block that the content cannot close (the fence is longer than any backtick run in it). */
function fenced(lang: string, text: string): string[] {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${lang}`, text, fence];
}

/** The settings of one scenario: common values once, then a table of what differs, one column per distinct configuration. */
export function settingsMarkdown(diff: SettingsDiff): string[] {
  const out: string[] = [];
  if (diff.common.length > 0) {
    out.push('Same for every arm:', '');
    out.push(...mdTable(['setting', 'value'], diff.common.map((r) => [md(r.section === 'workload' ? `${r.key} (kbench)` : r.key), md(r.common ?? DASH)])), '');
  }
  if (diff.differing.length > 0) {
    const columns = driverColumns(diff);
    out.push('Differs between arms:', '');
    out.push(
      ...mdTable(
        ['setting', ...columns.map((ds) => md(ds.join(', ')))],
        diff.differing.map((r) => [md(r.section === 'workload' ? `${r.key} (kbench)` : r.key), ...columns.map((ds) => md(r.byDriver[ds[0] as string] ?? DASH))]),
      ),
      '',
    );
  }
  return out;
}

/** The failover table: what each client told the application against what the topic holds; losses in bold. */
function failoverMarkdown(doc: ResultsDocument): string[] {
  const rows = failoverRows(doc);
  if (!rows.length) return [];
  const fault = rows.find((r) => r.fault)?.fault;
  return [
    '### Failover: acknowledged against read back', '',
    ...(fault ? [md(faultLine(fault)), ''] : []),
    ...mdTable(FAILOVER_HEAD, rows.map((r) => failoverCells(r).map((c, i) => (r.ackedLost > 0 && (i === 0 || i === 2) ? `**${md(c)}**` : md(c)))), FAILOVER_HEAD.map((_, i) => i >= 2)),
    '', `_${md(FAILOVER_LEGEND)}_`, '',
  ];
}

export function renderMarkdown(doc: ResultsDocument, opts: ReportOptions = {}): string {
  const baseline = baselineOf(doc, opts);
  const out: string[] = ['# kbench results', ''];
  out.push(...envLines(doc).map((l) => `- ${md(l)}`), '');

  const groups = buildGroups(doc, opts);
  const failed = groups.flatMap((g) => g.rows.filter((r) => !r.verified).map((r) => ({ g, r })));
  if (failed.length > 0) {
    // Up front: a reader skimming the tables must not miss that some figures are invalid.
    out.push(`> **✗ ${failed.length} arm${failed.length === 1 ? '' : 's'} FAILED verification; their figures are not valid.**`);
    for (const { g, r } of failed) out.push(`> - **${md(r.driver)}** · ${md(g.scenario)} · ${fmtSize(g.messageSize)}: ${md(r.failure ?? 'not verified')}`);
    out.push('');
  }

  const shown: { scenario: string; diff: SettingsDiff }[] = [];
  for (const scenario of scenariosOf(doc.runs)) {
    out.push(`## ${md(scenario)}`, '');
    for (const g of groups.filter((x) => x.scenario === scenario && x.scenario !== 'failover')) {
      const data = tableData(g, baseline);
      out.push(`### ${md(groupTitle(g))}`, '');
      const rows = data.rows.map(({ cells, row }) =>
        cells.map((c, i) => {
          const text = md(c.text);
          // Failed rows: the driver and the verdict in bold, so they stand out in plain rendering too.
          return !row.verified && (i === 0 || i === cells.length - 1) ? `**${text}**` : text;
        }),
      );
      out.push(...mdTable(data.head.map(md), rows, data.numeric), '');
      const lat = latencyTableData(g);
      if (lat && lat.rows.length) out.push(`Latency · ${md(g.scenario)} · ${fmtSize(g.messageSize)}`, '', ...mdTable(lat.head.map(md), lat.rows.map(({ cells }) => cells.map((c) => md(c.text))), lat.numeric), '');
    }
    if (scenario === 'failover') out.push(...failoverMarkdown(doc));
    const diff = diffSettings(doc.runs.filter((r) => r.scenario === scenario));
    const same = shown.find((s) => sameSettings(s.diff, diff));
    out.push(`### Settings: ${md(scenario)}`, '');
    if (same) out.push(`Same as ${md(same.scenario)}.`, '');
    else {
      out.push(...settingsMarkdown(diff));
      shown.push({ scenario, diff });
    }
  }
  if (doc.runs.length === 0) out.push('No arms ran.', '');
  const variants = variantComparisons(doc);
  if (variants.length > 0) {
    const v = variantTableData(variants);
    out.push('## Same client, side by side', '', 'Runtime, version or librdkafka build: each key against the first of its client in the run.', '', ...mdTable(v.head, v.rows.map((r) => r.map(md)), v.numeric), '');
  }
  out.push(...legendLines(groups).map((l) => `_${md(l)}_`).join('  \n').split('\n'), '');

  const aa = aaView(doc);
  if (aa) {
    out.push(`## ${md(aa.title)}`, '');
    if (aa.flagged.length > 0) out.push(...aa.flagged.map((f) => `- ${md(f)}`), '');
    out.push(...aa.notes.map((n) => md(n)).join('  \n').split('\n'), '');
  }

  if (doc.skipped.length > 0) {
    out.push('## Skipped', '');
    out.push(...mdTable(['driver', 'scenario', 'size', 'reason'], doc.skipped.map((s) => [md(s.driver), md(s.scenario), s.messageSize !== undefined ? fmtSize(s.messageSize) : 'all', md(s.reason)])), '');
  }
  if (doc.warnings.length > 0) {
    out.push('## Warnings', '', ...doc.warnings.map((w) => `- ${md(w)}`), '');
  }
  const clientWarnings = clientWarningLines(buildGroups(doc, opts));
  if (clientWarnings.length > 0) out.push('## Client warnings', '', 'Raised by the clients themselves, as notes of their arms:', '', ...clientWarnings.map((w) => `- ${md(w)}`), '');
  out.push('## Environment', '');
  const drivers = Object.entries(doc.env.drivers).sort(([a], [b]) => a.localeCompare(b));
  out.push(...mdTable(['driver', 'client', 'version', 'librdkafka', 'runtime'], drivers.map(([id, d]) => [md(id), md(d.client), md(d.version), md(d.librdkafka ?? DASH), md(d.runtime)])), '');
  out.push('<details><summary>Run options (redacted)</summary>', '', ...fenced('json', JSON.stringify(redactDeep(doc.options), null, 2)), '', '</details>', '');
  return out.join('\n');
}
