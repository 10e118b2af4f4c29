// The sweep's charts and HTML page: latency–throughput curves, one chart per percentile (p50, p99,
// p99.9 and the SLO's own), corrected latency against the achieved rate, log–log, a line per
// client, the objective as a horizontal rule, steps that did not hold marked with a cross.
import type { TopLevelSpec } from 'vega-lite';
import type { PercentileKey } from '../results/types.js';
import { isSupported, PERCENTILE_LABELS } from '../stats/latency.js';
import { fmtLatencyUs } from '../sweep/slo.js';
import { legend, maxLine, shownPercentiles, sweepTables, sweepTitle } from '../sweep/render.js';
import type { SweepDocument } from '../sweep/types.js';
import { baseConfig, colorScale, type ChartSpec } from './charts.js';
import { escapeHtml as h, redactDeep } from './format.js';
import { figure, htmlPage, table } from './html.js';
import { envLines } from './model.js';

const WIDTH = 380;

export interface CurveDatum {
  driver: string;
  /** Requested rate (orders the line). */
  rate: number;
  achieved: number;
  /** Latency in ms. */
  value: number;
  status: 'held' | 'not held';
  /** The sample count supports this percentile (else the point is faded). */
  supported: boolean;
  label: string;
}

export function curveData(doc: SweepDocument, key: PercentileKey): CurveDatum[] {
  const out: CurveDatum[] = [];
  for (const s of doc.steps) {
    const l = s.latencyUs;
    const v = l?.[key];
    if (!l || v === undefined || !(v > 0) || !(s.achievedRate !== undefined && s.achievedRate > 0)) continue;
    const status = s.held ? 'held' : 'not held';
    out.push({
      driver: s.driver,
      rate: s.rate,
      achieved: s.achievedRate,
      value: v / 1000,
      status,
      supported: isSupported(l, key),
      label: `${s.driver} at ${s.rate.toLocaleString('en-US')} msgs/s (achieved ${Math.round(s.achievedRate).toLocaleString('en-US')}): ${PERCENTILE_LABELS[key]} ${fmtLatencyUs(v)}, ${s.held ? 'held' : `not held: ${s.whyNot.join('; ')}`}`,
    });
  }
  return out;
}

/** One latency–throughput chart for percentile `key`. */
export function sweepCurveChart(doc: SweepDocument, key: PercentileKey): ChartSpec {
  const data = curveData(doc, key);
  const present = doc.drivers.filter((d) => data.some((x) => x.driver === d));
  const label = PERCENTILE_LABELS[key];
  const term = doc.slo.terms.find((t) => t.percentile === key);
  const x = { field: 'achieved', type: 'quantitative', title: 'achieved rate, msgs/s (log)', scale: { type: 'log', nice: false, padding: 14 }, axis: { format: '~s' } } as const;
  const y = { field: 'value', type: 'quantitative', title: `${label} latency, ms (log)`, scale: { type: 'log', padding: 8 }, axis: { format: '~g' } } as const;
  const color = { field: 'driver', type: 'nominal', title: 'driver', scale: colorScale(doc.drivers, present), sort: present } as const;
  const layer: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [
    { mark: { type: 'line', strokeWidth: 1.6 }, encoding: { x, y, color, order: { field: 'rate', type: 'quantitative' } } },
    // Held: a filled circle; not held: an × (stroked, so it reads as a mark of its own).
    {
      transform: [{ filter: "datum.status === 'held'" }],
      mark: { type: 'point', shape: 'circle', size: 70, filled: true },
      encoding: { x, y, color, opacity: { condition: { test: 'datum.supported', value: 1 }, value: 0.35 }, description: { field: 'label', type: 'nominal' } },
    },
    {
      transform: [{ filter: "datum.status !== 'held'" }],
      mark: { type: 'point', shape: 'M-1,-1L1,1M-1,1L1,-1', size: 110, filled: false, strokeWidth: 2.4 },
      encoding: { x, y, color, opacity: { condition: { test: 'datum.supported', value: 1 }, value: 0.35 }, description: { field: 'label', type: 'nominal' } },
    },
  ];
  if (term) {
    const limitMs = term.limitUs / 1000;
    layer.push(
      { mark: { type: 'rule', color: '#b00020', strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { y: { datum: limitMs, type: 'quantitative' } } },
      { mark: { type: 'text', color: '#b00020', align: 'right', baseline: 'bottom', dx: -4, dy: -2, fontSize: 11, text: `SLO ${term.text}` }, encoding: { y: { datum: limitMs, type: 'quantitative' }, x: { value: WIDTH } } },
    );
  }
  const id = `curve-${key}`;
  const title = `${label} latency vs achieved rate`;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: WIDTH,
    height: 260,
    data: { values: data },
    layer,
    // The legend under the plot keeps two charts side by side on a laptop screen.
    config: { ...baseConfig(), legend: { ...baseConfig()?.legend, orient: 'bottom', direction: 'horizontal', columns: 4 } },
  };
  const caption = `corrected ${label} (from each message’s intended send time), ms, against the rate achieved, both log scales · one line per client, in the order of the requested rates · ● a step that held, × one that did not (see the tables for why)${term ? ` · dashed: the objective ${term.text}` : ''} · faded: too few samples for ${label}`;
  return { id, title, caption, spec };
}

export function sweepCharts(doc: SweepDocument): ChartSpec[] {
  return shownPercentiles(doc).map((k) => sweepCurveChart(doc, k));
}

export async function renderSweepHtml(doc: SweepDocument): Promise<string> {
  const body: string[] = [];
  body.push('<header><h1>kbench sweep: latency under load</h1>', `<ul class="env">${envLines(doc).map((l) => `<li>${h(l)}</li>`).join('')}</ul></header>`);
  body.push(`<p><strong>${h(sweepTitle(doc))}</strong></p>`);
  body.push(`<ul id="max-sustainable">${doc.drivers.map((d) => `<li><strong>${h(maxLine(doc, d))}</strong></li>`).join('')}</ul>`);
  if (doc.warnings.length) body.push(`<div class="warnings"><strong>Warnings</strong><ul>${doc.warnings.map((w) => `<li>${h(w)}</li>`).join('')}</ul></div>`);
  body.push('<section id="curves"><h2>Latency–throughput curves</h2>', `<div class="charts">${(await Promise.all(sweepCharts(doc).map(figure))).join('\n')}</div></section>`);
  body.push('<section id="steps"><h2>Steps</h2>');
  for (const t of sweepTables(doc)) {
    body.push(`<h3>${h(t.driver)}</h3>`);
    if (!t.rows.length) {
      body.push('<p>No step ran.</p>');
      continue;
    }
    const rows = t.rows.map((r) => `<tr${r.step.held ? '' : ' class="failed"'}>${r.cells.map((c, i) => `<td${t.numeric[i] ? ' class="num"' : i === r.cells.length - 1 ? ` class="${r.step.held ? 'ok' : 'verdict'}"` : ''}>${h(c)}</td>`).join('')}</tr>`);
    body.push(table(t.head.map(h), rows, t.numeric));
  }
  body.push(`<p class="legend">${legend(doc).map(h).join('<br>')}</p></section>`);
  if (doc.skipped.length) body.push('<section id="skipped"><h2>Skipped</h2>', table(['driver', 'rate', 'reason'], doc.skipped.map((s) => `<tr><td>${h(s.driver)}</td><td class="num">${s.rate.toLocaleString('en-US')}</td><td>${h(s.reason)}</td></tr>`)), '</section>');
  body.push(`<section id="options"><h2>Options</h2><details><summary>Sweep options (redacted)</summary><pre><code>${h(JSON.stringify(redactDeep(doc.options), null, 2))}</code></pre></details></section>`);
  return htmlPage(`kbench sweep · ${doc.env.startedAt}`, body);
}
