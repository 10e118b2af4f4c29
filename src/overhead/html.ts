// The HTML view of an overhead document: one self-contained page (inline CSS and SVG, no script),
// per path and size a stacked bar chart of the measured decomposition and the table. SVG comes from
// vega-lite rendered in Node, as in the results report (src/report/charts.ts).
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg, type ChartSpec } from '../report/charts.js';
import { escapeHtml as h } from '../report/format.js';
import { pathTitle } from './render.js';
import type { OverheadDocument, OverheadResult } from './types.js';
import { isCDriver } from './types.js';

const COMPONENTS = [
  ['librdkafka', 'librdkafka (C)', '#4e79a7'],
  ['crossing', 'crossing + conversion', '#f28e2b'],
  ['js', 'client JS', '#e15759'],
  ['gc', 'GC', '#76b7b2'],
] as const;

const CSS = `
body { margin: 0; font: 14px/1.45 "Liberation Sans", Helvetica, Arial, sans-serif; color: #1b1b1b; background: #fafafa; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 24px; margin: 0 0 6px; } h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #333; }
.muted { color: #555; } figure { margin: 0 0 8px; } figcaption { color: #555; font-size: 12px; max-width: 760px; }
table { border-collapse: collapse; margin: 6px 0 10px; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ddd; padding: 4px 9px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } td.num { text-align: right; white-space: nowrap; } tr.failed td { background: #fdecee; color: #b00020; } tr.na td { color: #666; font-style: italic; }
ul.method li { margin: 3px 0; } code { font: 12px "Liberation Mono", Menlo, monospace; }
`;

const f1 = (n: number | undefined): string => (n !== undefined && Number.isFinite(n) ? n.toFixed(1) : '–');

/** Stacked bars: one per driver, its ns/msg split into the measured components. */
export function breakdownChart(rows: readonly OverheadResult[], title: string, id: string): ChartSpec {
  const data = rows
    .filter((r) => r.error === undefined)
    .flatMap((r) =>
      COMPONENTS.map(([k, label], order) => {
        const v = r.breakdown[k];
        return { driver: r.driver, component: label, order, value: v !== undefined && Number.isFinite(v) ? Math.max(0, v) : 0, exact: f1(v) };
      }),
    )
    .filter((d) => d.value > 0);
  const drivers = rows.filter((r) => r.error === undefined).map((r) => r.driver);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 520,
    height: Math.max(120, drivers.length * 30),
    data: { values: data },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'driver', type: 'nominal', sort: drivers, title: null },
      x: { field: 'value', type: 'quantitative', stack: 'zero', title: 'ns per message' },
      color: { field: 'component', type: 'nominal', title: 'component', scale: { domain: COMPONENTS.map((c) => c[1]), range: COMPONENTS.map((c) => c[2]) } },
      order: { field: 'order', type: 'quantitative' },
      description: { field: 'exact', type: 'nominal' },
    },
    config: { font: 'Liberation Sans, Helvetica, Arial, sans-serif', view: { stroke: null }, legend: { orient: 'bottom', labelLimit: 240 }, title: { anchor: 'start', fontSize: 14 } },
  };
  return { id, title, caption: 'ns/msg split into measured components (method below); a component that came out negative (noise) is drawn as 0, its value is in the table.', spec };
}

function table(rows: readonly OverheadResult[]): string {
  const head = ['driver', 'ns/msg', 'min–max', '× vs c', 'CPU ns/msg', 'CPU × c', 'crossings/msg', 'librdkafka', 'crossing+conv', 'client JS', 'GC', 'direct ns/msg', 'API', 'notes'];
  const body = rows.map((r) => {
    if (r.error !== undefined) {
      const na = r.notes.some((n) => n.startsWith('not applicable'));
      return `<tr class="${na ? 'na' : 'failed'}"><td>${h(r.driver)}</td><td colspan="${head.length - 1}">${na ? 'not applicable: ' : 'FAILED: '}${h(r.error)}</td></tr>`;
    }
    const b = r.breakdown;
    const c = isCDriver(r.driver);
    const cells = [
      f1(r.nsPerMsg.median), `${f1(r.nsPerMsg.min)}–${f1(r.nsPerMsg.max)}`, r.ratioToC === undefined ? '–' : `${r.ratioToC.toFixed(2)}×`,
      f1(r.cpuNsPerMsg?.median), r.cpuRatioToC === undefined ? '–' : `${r.cpuRatioToC.toFixed(2)}×`,
      r.crossingsPerMsg === null ? '–' : c ? '0' : r.crossingsPerMsg.toPrecision(3), f1(b.librdkafka), c ? '' : f1(b.crossing), c ? '' : f1(b.js), c ? '' : f1(b.gc),
      r.directNsPerMsg ? f1(r.directNsPerMsg.median) : '–',
    ].map((x) => `<td class="num">${h(x)}</td>`);
    return `<tr><td>${h(r.driver)}</td>${cells.join('')}<td>${h(r.api)}</td><td>${h(r.notes.join('; '))}</td></tr>`;
  });
  return `<table><thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

export async function renderOverheadHtml(doc: OverheadDocument): Promise<string> {
  const body: string[] = [
    '<h1>kbench overhead</h1>',
    `<p class="muted">What each librdkafka-based client costs per message over C on the same librdkafka · ${doc.host.cpus} cores (${h(doc.host.cpu)}) · Node ${h(doc.host.node)} · ${h(doc.startedAt)}</p>`,
  ];
  for (const size of doc.messageSizes) {
    for (const path of doc.paths) {
      const rows = doc.results.filter((r) => r.path === path && r.messageSize === size);
      if (rows.length === 0) continue;
      const title = pathTitle(path, size, doc);
      const chart = breakdownChart(rows, `${path} · ${size} B: ns per message`, `breakdown-${path}-${size}`);
      body.push(`<section id="${h(`${path}-${size}`)}"><h2>${h(title)}</h2>`);
      body.push(`<figure>${await renderSvg(chart)}<figcaption>${h(chart.caption)}</figcaption></figure>`);
      body.push(table(rows), '</section>');
    }
  }
  if (doc.warnings.length) body.push('<h2>Warnings</h2>', `<ul>${doc.warnings.map((w) => `<li>${h(w)}</li>`).join('')}</ul>`);
  body.push('<h2>How each figure is obtained</h2>', `<ul class="method">${doc.method.map((m) => `<li>${h(m)}</li>`).join('')}</ul>`);
  body.push('<h2>Settings</h2>');
  for (const [path, cfg] of Object.entries(doc.config)) {
    body.push(`<p><strong>${h(path)}</strong>: <code>${h(Object.entries(cfg).map(([k, v]) => `${k}=${v}`).join(' '))}</code></p>`);
  }
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>kbench overhead · ${h(doc.startedAt)}</title><style>${CSS}</style></head>`,
    `<body><main>${body.join('\n')}</main></body></html>`,
    '',
  ].join('\n');
}
