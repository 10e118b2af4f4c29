// The sweep's views from a synthetic document: the curve chart specs (points, log–log, the SLO
// rule, steps that did not hold marked), the rendered SVG, the terminal table and the max lines,
// Markdown and the HTML page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { curveData, renderSweepHtml, sweepCharts, sweepCurveChart } from '../../src/report/sweep.js';
import { renderSvg } from '../../src/report/charts.js';
import { maxLine, renderSweepMarkdown, renderSweepTerminal, sweepTables } from '../../src/sweep/render.js';
import { sampleSweep } from './helpers.js';

type Layer = { mark: { type: string; shape?: string }; transform?: { filter: string }[]; encoding: Record<string, { field?: string; datum?: number; scale?: { type?: string } }> };

test('the sample sweep is judged as built: fast holds to 4k, slow holds 1k only', () => {
  const doc = sampleSweep();
  assert.equal(doc.maxSustainable.fast?.rate, 4000);
  assert.equal(doc.maxSustainable.slow?.rate, 1000);
  assert.deepEqual(doc.steps.filter((s) => !s.held).map((s) => `${s.driver}@${s.rate}`), ['slow@2000', 'slow@4000', 'fast@8000']);
});

test('curve chart: a point per step with latency, log–log, SLO rule on its percentile, failures a separate × layer', () => {
  const doc = sampleSweep();
  const charts = sweepCharts(doc);
  assert.deepEqual(charts.map((c) => c.id), ['curve-p50', 'curve-p99', 'curve-p999']);
  const p99 = sweepCurveChart(doc, 'p99');
  const data = (p99.spec as { data: { values: ReturnType<typeof curveData> } }).data.values;
  assert.equal(data.length, 7);
  const slow4k = data.find((d) => d.driver === 'slow' && d.rate === 4000);
  assert.equal(slow4k?.achieved, 3600);
  assert.ok(Math.abs((slow4k?.value ?? 0) - 400) < 1, 'ms, HDR precision');
  assert.equal(slow4k?.status, 'not held');
  assert.match(slow4k?.label ?? '', /not held: achieved 90\.0 %/);
  assert.equal(data.filter((d) => d.status === 'held').length, 4);
  const layers = (p99.spec as { layer: Layer[] }).layer;
  const line = layers.find((l) => l.mark.type === 'line') as Layer;
  assert.equal(line.encoding.x?.field, 'achieved');
  assert.equal(line.encoding.x?.scale?.type, 'log');
  assert.equal(line.encoding.y?.scale?.type, 'log');
  const rule = layers.find((l) => l.mark.type === 'rule');
  assert.equal(rule?.encoding.y?.datum, 20, 'the SLO at 20 ms');
  const failed = layers.find((l) => l.mark.type === 'point' && l.transform?.[0]?.filter.includes("!== 'held'"));
  assert.ok(failed?.mark.shape?.startsWith('M'), 'an × path');
  assert.equal((sweepCurveChart(doc, 'p50').spec as { layer: Layer[] }).layer.some((l) => l.mark.type === 'rule'), false, 'no SLO on p50');
});

test('a chart per SLO percentile beyond p50/p99/p99.9', () => {
  const doc = sampleSweep();
  doc.slo = { text: 'p90<5ms', basis: 'corrected', terms: [{ percentile: 'p90', label: 'p90', limitUs: 5000, text: 'p90<5ms' }] };
  assert.deepEqual(sweepCharts(doc).map((c) => c.id), ['curve-p50', 'curve-p90', 'curve-p99', 'curve-p999']);
});

test('the p99 curve renders to SVG with a labelled point per step', async () => {
  const svg = await renderSvg(sweepCurveChart(sampleSweep(), 'p99'));
  assert.match(svg, /^<svg/);
  assert.equal((svg.match(/aria-label="(fast|slow) at /g) ?? []).length, 7);
  assert.match(svg, /SLO p99&lt;20ms|SLO p99<20ms/);
});

test('terminal: a table per driver, held ✓ / ✗ with the reason, and the max sustainable lines', () => {
  const doc = sampleSweep();
  const t = sweepTables(doc);
  assert.deepEqual(t.map((x) => x.driver), ['fast', 'slow']);
  assert.deepEqual(t[0]?.head, ['rate msgs/s', 'achieved msgs/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'held']);
  assert.deepEqual(t[1]?.rows.map((r) => r.cells), [
    ['1,000', '1,000', '3.00', '15.0', '15.0', '✓'],
    ['2,000', '2,000', '8.00', '60.0', '60.0', '✗ p99 60 ms > 20 ms'],
    ['4,000', '3,600', '40.0', '400', '400', '✗ achieved 90.0 % of the rate (3,600 msgs/s); p99 400 ms > 20 ms'],
  ]);
  const out = renderSweepTerminal(doc);
  assert.match(out, /fast: max sustainable rate under p99<20ms: 4,000 msgs\/s/);
  assert.match(out, /slow: max sustainable rate under p99<20ms: 1,000 msgs\/s/);
  assert.match(out, /│ *4,000 │ *3,600 │/);
  assert.doesNotMatch(out, /\u001b\[/, 'no colour unless asked');
});

test('max line: none held, and a lower rate that failed', () => {
  const doc = sampleSweep();
  doc.maxSustainable.slow = { rate: null, lowerFailed: [], tried: [1000, 2000], stopped: 'x' };
  assert.equal(maxLine(doc, 'slow'), 'slow: max sustainable rate under p99<20ms: none — no rate tried held (lowest tried 1,000 msgs/s)');
  doc.maxSustainable.fast = { rate: 8000, lowerFailed: [2000], tried: [1000, 2000, 4000, 8000], stopped: 'x' };
  assert.equal(maxLine(doc, 'fast'), 'fast: max sustainable rate under p99<20ms: 8,000 msgs/s (note: 2,000 msgs/s, lower, did not hold)');
});

test('Markdown and HTML carry the tables, the max lines and the curves', async () => {
  const doc = sampleSweep();
  const md = renderSweepMarkdown(doc);
  assert.match(md, /^# kbench sweep/);
  assert.match(md, /\| 4,000 \| 3,600 \|/);
  assert.match(md, /max sustainable rate under p99&#60;20ms: 4,000 msgs\/s/);
  const html = await renderSweepHtml(doc);
  assert.match(html, /Content-Security-Policy/);
  assert.equal((html.match(/<figure id="curve-/g) ?? []).length, 3);
  assert.match(html, /<li><strong>fast: max sustainable rate under p99&#60;20ms: 4,000 msgs\/s<\/strong><\/li>/);
  assert.doesNotMatch(html, /<script/);
});
