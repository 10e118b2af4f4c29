// The HTML view: one self-contained page (inline CSS, inline SVG, no script, no external resource;
// a CSP says so to the browser) with charts, the results tables, settings, env and problems.
import { DASH, escapeHtml as h, fmtSize, redactDeep } from './format.js';
import { aaView, baselineOf, buildGroups, envLines, groupTitle, latencyTableData, legendLines, scenariosOf, tableData, variantComparisons, variantTableData } from './model.js';
import { diffSettings, driverColumns, sameSettings } from './settings.js';
import { cpuChart, latencyChart, renderSvg, seriesChart, throughputChart } from './charts.js';
import type { ArmGroup, ReportOptions } from './model.js';
import type { SettingsDiff } from './settings.js';
import type { ChartSpec } from './charts.js';
import type { ResultsDocument } from '../results/types.js';

const CSS = `
:root { --fail: #b00020; --fail-bg: #fdecee; --warn-bg: #fff6d6; --muted: #555; --line: #ddd; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 "Liberation Sans", Helvetica, Arial, sans-serif; color: #1b1b1b; background: #fafafa; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 24px; margin: 0 0 6px; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #333; }
h3 { font-size: 15px; margin: 22px 0 8px; }
.env { color: var(--muted); margin: 0; padding: 0; list-style: none; }
.charts { display: flex; flex-wrap: wrap; gap: 16px 28px; align-items: flex-start; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 12px; max-width: 440px; margin: 2px 0 0 8px; }
figure svg { display: block; max-width: 100%; height: auto; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 4px 0 8px; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: 4px 9px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.failed td { background: var(--fail-bg); color: var(--fail); }
td:first-child { white-space: nowrap; }
td.verdict { max-width: 440px; }
tr.failed td.verdict { font-weight: 700; }
td.noisy { background: var(--warn-bg); }
td.ok { color: #1a7f37; font-weight: 700; }
td.weak { color: #8a6d00; font-weight: 700; }
.banner { border: 2px solid var(--fail); background: var(--fail-bg); color: var(--fail); padding: 10px 14px; margin: 18px 0; border-radius: 4px; }
.banner ul { margin: 6px 0 0; }
.warnings { border-left: 4px solid #d4a106; background: var(--warn-bg); padding: 8px 14px; }
.legend { color: var(--muted); font-size: 12px; }
.common { color: var(--muted); }
.settings { display: flex; flex-wrap: wrap; gap: 0 36px; align-items: flex-start; }
tr.workload-differs td { background: var(--warn-bg); }
code { font: 12px/1.4 "Liberation Mono", Menlo, monospace; }
pre { background: #f6f6f6; padding: 10px; overflow-x: auto; }
`;

export function table(head: readonly string[], rows: readonly string[], numeric: readonly boolean[] = []): string {
  const ths = head.map((c, i) => `<th${numeric[i] ? ' class="num"' : ''}>${c}</th>`).join('');
  return `<div class="scroll"><table><thead><tr>${ths}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function resultsTable(g: ArmGroup, baseline: string): string {
  const data = tableData(g, baseline);
  const rows = data.rows.map(({ cells, row }) => {
    const tds = cells.map((c, i) => {
      const verdict = i === cells.length - 1;
      const weak = verdict && row.verified && row.verification === 'count-only';
      const cls = [c.numeric ? 'num' : '', c.noisy || c.short ? 'noisy' : '', verdict ? (row.verified ? (weak ? 'weak' : 'ok') : 'verdict') : ''].filter(Boolean).join(' ');
      const why = [c.noisy ? 'repetitions spread more than 10 %' : '', c.short ? 'a measured window under 10 ms: its rate means nothing' : '', weak ? 'verified by the client’s own count only' : ''].filter(Boolean).join('; ');
      const title = why ? ` title="${why}"` : '';
      return `<td${cls ? ` class="${cls}"` : ''}${title}>${h(c.text)}</td>`;
    });
    return `<tr${row.verified ? '' : ' class="failed"'}>${tds.join('')}</tr>`;
  });
  return table(data.head.map(h), rows, data.numeric);
}

function settingsHtml(diff: SettingsDiff): string {
  const parts: string[] = [];
  const label = (section: string, key: string): string => (section === 'workload' ? `${h(key)} <span class="common">(kbench)</span>` : `<code>${h(key)}</code>`);
  if (diff.differing.length > 0) {
    const columns = driverColumns(diff);
    // A kbench-level setting that differs means the arms did not run the same workload: highlight it.
    const rows = diff.differing.map(
      (r) => `<tr${r.section === 'workload' ? ' class="workload-differs" title="kbench setting differs between arms"' : ''}><td>${label(r.section, r.key)}</td>${columns.map((ds) => `<td>${h(r.byDriver[ds[0] as string] ?? DASH)}</td>`).join('')}</tr>`,
    );
    parts.push(`<div><p>Differs between arms:</p>${table(['setting', ...columns.map((ds) => h(ds.join(', ')))], rows)}</div>`);
  }
  if (diff.common.length > 0) {
    const rows = diff.common.map((r) => `<tr><td>${label(r.section, r.key)}</td><td>${h(r.common ?? DASH)}</td></tr>`);
    parts.push(`<div><p>Same for every arm:</p>${table(['setting', 'value'], rows)}</div>`);
  }
  return `<div class="settings">${parts.join('\n')}</div>`;
}

export async function figure(chart: ChartSpec): Promise<string> {
  return `<figure id="${h(chart.id)}" aria-label="${h(chart.title)}">${await renderSvg(chart)}<figcaption>${h(chart.caption)}</figcaption></figure>`;
}

/** Drivers in a stable order for colours and bar positions: best average rank across tables first. */
export function chartDriverOrder(groups: readonly ArmGroup[]): string[] {
  const ranks = new Map<string, number[]>();
  for (const g of groups) g.rows.forEach((r, i) => ranks.set(r.driver, [...(ranks.get(r.driver) ?? []), i]));
  const avg = (d: string): number => {
    const xs = ranks.get(d) ?? [];
    return xs.reduce((s, v) => s + v, 0) / Math.max(1, xs.length);
  };
  return [...ranks.keys()].sort((a, b) => avg(a) - avg(b) || a.localeCompare(b));
}

export async function renderHtml(doc: ResultsDocument, opts: ReportOptions = {}): Promise<string> {
  const baseline = baselineOf(doc, opts);
  const groups = buildGroups(doc, opts);
  const drivers = chartDriverOrder(groups);
  const body: string[] = [];

  body.push('<header><h1>kbench results</h1>', `<ul class="env">${envLines(doc).map((l) => `<li>${h(l)}</li>`).join('')}</ul></header>`);

  const failed = groups.flatMap((g) => g.rows.filter((r) => !r.verified).map((r) => ({ g, r })));
  if (failed.length > 0) {
    const items = failed.map(({ g, r }) => `<li><strong>${h(r.driver)}</strong> · ${h(g.scenario)} · ${h(fmtSize(g.messageSize))}: ${h(r.failure ?? 'not verified')}</li>`);
    body.push(`<div class="banner" role="alert"><strong>✗ ${failed.length} arm${failed.length === 1 ? '' : 's'} FAILED verification; their figures are not valid.</strong><ul>${items.join('')}</ul></div>`);
  }
  if (doc.warnings.length > 0) body.push(`<div class="warnings"><strong>Warnings</strong><ul>${doc.warnings.map((w) => `<li>${h(w)}</li>`).join('')}</ul></div>`);

  const shown: { scenario: string; diff: SettingsDiff }[] = [];
  for (const scenario of scenariosOf(doc.runs)) {
    const sg = groups.filter((g) => g.scenario === scenario);
    body.push(`<section id="scenario-${h(scenario)}"><h2>${h(scenario)}</h2>`);
    const charts = [throughputChart(scenario, sg, drivers), cpuChart(scenario, sg, drivers), ...sg.filter((g) => g.hasLatency).map((g) => latencyChart(g, drivers))];
    body.push(`<div class="charts">${(await Promise.all(charts.map(figure))).join('\n')}</div>`);
    for (const g of sg) {
      body.push(`<h3>${h(groupTitle(g))}</h3>`, resultsTable(g, baseline));
      const lat = latencyTableData(g);
      if (lat && lat.rows.length) {
        const rows = lat.rows.map(({ cells, row }) => `<tr${row.verified ? '' : ' class="failed"'}>${cells.map((c) => `<td${c.numeric ? ' class="num"' : ''}>${h(c.text)}</td>`).join('')}</tr>`);
        body.push(`<h4>Latency · ${h(g.scenario)} · ${h(fmtSize(g.messageSize))}</h4>`, table(lat.head.map(h), rows, lat.numeric));
      }
      const series = seriesChart(g, drivers);
      if (series) body.push(`<div class="charts">${await figure(series)}</div>`);
    }
    const diff = diffSettings(doc.runs.filter((r) => r.scenario === scenario));
    const same = shown.find((s) => sameSettings(s.diff, diff));
    body.push(`<h3>Settings: ${h(scenario)}</h3>`);
    if (same) body.push(`<p>Same as <a href="#scenario-${h(same.scenario)}">${h(same.scenario)}</a>.</p>`);
    else {
      body.push(settingsHtml(diff));
      shown.push({ scenario, diff });
    }
    body.push('</section>');
  }
  if (doc.runs.length === 0) body.push('<p>No arms ran.</p>');
  const variants = variantComparisons(doc);
  if (variants.length > 0) {
    const v = variantTableData(variants);
    const rows = v.rows.map((r) => `<tr>${r.map((c, i) => `<td${v.numeric[i] ? ' class="num"' : ''}>${h(c)}</td>`).join('')}</tr>`);
    body.push('<section id="variants"><h2>Same client, side by side</h2><p>Runtime, version or librdkafka build: each key against the first of its client in the run.</p>', table(v.head.map(h), rows, v.numeric), '</section>');
  }
  body.push(`<p class="legend">${legendLines(groups).map(h).join('<br>')}</p>`);

  const aa = aaView(doc);
  if (aa) {
    const items = aa.flagged.length > 0 ? `<ul>${aa.flagged.map((f) => `<li>${h(f)}</li>`).join('')}</ul>` : '';
    body.push(`<section id="aa-check"${aa.flagged.length > 0 ? ' class="warnings"' : ''}><h2>${h(aa.title)}</h2>${items}${aa.notes.map((n) => `<p class="legend">${h(n)}</p>`).join('')}</section>`);
  }

  if (doc.skipped.length > 0) {
    const rows = doc.skipped.map((s) => `<tr><td>${h(s.driver)}</td><td>${h(s.scenario)}</td><td>${s.messageSize !== undefined ? h(fmtSize(s.messageSize)) : 'all'}</td><td>${h(s.reason)}</td></tr>`);
    body.push('<section id="skipped"><h2>Skipped</h2>', table(['driver', 'scenario', 'size', 'reason'], rows), '</section>');
  }

  const envRows = Object.entries(doc.env.drivers)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, d]) => `<tr><td>${h(id)}</td><td>${h(d.client)}</td><td>${h(d.version)}</td><td>${h(d.librdkafka ?? DASH)}</td><td>${h(d.runtime)}</td></tr>`);
  body.push('<section id="environment"><h2>Environment</h2>', table(['driver', 'client', 'version', 'librdkafka', 'runtime'], envRows));
  body.push(`<details><summary>Run options (redacted)</summary><pre><code>${h(JSON.stringify(redactDeep(doc.options), null, 2))}</code></pre></details></section>`);

  return htmlPage(`kbench results · ${doc.env.startedAt}`, body);
}

/** The page frame every HTML view shares: inline styles, no script, a CSP that allows nothing else. */
export function htmlPage(title: string, body: readonly string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // No script, no fetch: the page is data plus styles, whatever the document contains.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body><main>',
    ...body,
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}
