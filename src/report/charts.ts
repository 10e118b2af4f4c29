// SVG charts for the HTML view: vega-lite specs compiled to vega and rendered to SVG in Node with
// the headless renderer (no browser, no canvas). The specs are plain data built from the document,
// so the same document always gives the same SVG.
import { compile } from 'vega-lite';
import { View, parse } from 'vega';
import { fmtInt, fmtSig, fmtSize } from './format.js';
import type { TopLevelSpec } from 'vega-lite';
import type { ArmGroup } from './model.js';
import { isSupported } from '../stats/latency.js';

/** Tableau 10: distinct, colour-blind-friendlier than the default ordinal scheme, fixed per driver. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const FONT = 'Liberation Sans, Helvetica, Arial, sans-serif';

export interface ChartSpec {
  /** A short id for the figure (used in the HTML). */
  id: string;
  title: string;
  /** What the marks mean; shown as HTML under the chart (vega over-estimates text widths without a canvas). */
  caption: string;
  spec: TopLevelSpec;
}

interface BarDatum {
  driver: string;
  /** Accessible name of the bar (aria-label in the SVG): what a screen reader, or a test, reads. */
  label: string;
  size: string;
  sizeOrder: number;
  value: number;
  lo: number;
  hi: number;
  verified: boolean;
}

interface LatencyDatum {
  driver: string;
  label: string;
  percentile: string;
  value: number;
  verified: boolean;
}

const PERCENTILES = [
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['p999', 'p99.9'],
  ['p9999', 'p99.99'],
] as const;

/** Colours by position in the document-wide driver order, so a driver keeps its colour in every chart. */
export function colorScale(drivers: readonly string[], present: readonly string[]): { domain: string[]; range: string[] } {
  return { domain: [...present], range: present.map((d) => PALETTE[Math.max(0, drivers.indexOf(d)) % PALETTE.length] as string) };
}

// "0" rather than "0k" / "0M" at the foot of SI-formatted axes.
const ZERO_LABEL = "datum.value === 0 ? '0' : datum.label";

export function baseConfig(): TopLevelSpec['config'] {
  return {
    font: FONT,
    view: { stroke: null },
    axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e6e6e6', domainColor: '#888', tickColor: '#888' },
    legend: { labelFontSize: 11, titleFontSize: 12, orient: 'right' },
    title: { fontSize: 14, anchor: 'start', subtitleFontSize: 11, subtitleColor: '#555' },
  };
}

/**
 * Grouped bars, one group per message size and one bar per driver, like the classic client
 * benchmark studies; whiskers span the median's confidence interval (min–max of the repetitions
 * below 6 of them); failed arms are faded and marked.
 */
function groupedBars(id: string, title: string, caption: string, yTitle: string, data: BarDatum[], drivers: readonly string[], yFormat: string): ChartSpec {
  const sizes = [...new Set(data.map((d) => d.size))];
  const present = drivers.filter((d) => data.some((x) => x.driver === d));
  const x = { field: 'size', type: 'nominal', title: 'message size', sort: sizes, axis: { labelAngle: 0 } } as const;
  const xOffset = { field: 'driver', type: 'nominal', sort: present } as const;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: Math.max(220, sizes.length * (present.length * 22 + 30)),
    height: 240,
    data: { values: data },
    encoding: { x, xOffset },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'value', type: 'quantitative', title: yTitle, axis: { format: yFormat, labelExpr: ZERO_LABEL } },
          color: { field: 'driver', type: 'nominal', title: 'driver', scale: colorScale(drivers, present), sort: present },
          opacity: { condition: { test: 'datum.verified', value: 1 }, value: 0.3 },
          description: { field: 'label', type: 'nominal' },
        },
      },
      {
        mark: { type: 'rule', color: '#333', strokeWidth: 1.2 },
        encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
      },
      {
        transform: [{ filter: '!datum.verified' }],
        mark: { type: 'text', text: '✗', color: '#c00', fontSize: 14, fontWeight: 'bold', dy: -8 },
        encoding: { y: { field: 'hi', type: 'quantitative' } },
      },
    ],
    config: baseConfig(),
  };
  return { id, title, caption, spec };
}

/** msgs/s per driver, sizes grouped: one chart per scenario. */
export function throughputChart(scenario: string, groups: readonly ArmGroup[], drivers: readonly string[]): ChartSpec {
  const data = groups.flatMap((g) =>
    g.rows.map((r) => ({
      driver: r.driver,
      label: barLabel(r.driver, g.messageSize, `${fmtInt(r.msgsPerSec.median)} msgs/s`, r.verified),
      size: fmtSize(g.messageSize),
      sizeOrder: g.messageSize,
      value: r.msgsPerSec.median,
      lo: r.msgsCi?.low ?? r.msgsPerSec.min,
      hi: r.msgsCi?.high ?? r.msgsPerSec.max,
      verified: r.verified,
    })),
  );
  return groupedBars(`throughput-${scenario}`, `${scenario}: throughput`, 'median msgs/s, higher is better · whiskers: the median’s confidence interval (the min–max range below 6 repetitions) · faded ✗: verification failed', 'msgs/s', finite(data), drivers, '~s');
}

/** CPU µs per message per driver, sizes grouped: one chart per scenario. */
export function cpuChart(scenario: string, groups: readonly ArmGroup[], drivers: readonly string[]): ChartSpec {
  const data = groups.flatMap((g) =>
    g.rows.map((r) => ({
      driver: r.driver,
      label: barLabel(r.driver, g.messageSize, `${fmtSig(r.cpuUsPerMsg.median)} CPU µs/msg`, r.verified),
      size: fmtSize(g.messageSize),
      sizeOrder: g.messageSize,
      value: r.cpuUsPerMsg.median,
      lo: r.cpuCi?.low ?? r.cpuUsPerMsg.min,
      hi: r.cpuCi?.high ?? r.cpuUsPerMsg.max,
      verified: r.verified,
    })),
  );
  return groupedBars(`cpu-${scenario}`, `${scenario}: CPU per message`, 'median CPU µs/msg (user + sys), lower is better · whiskers: the median’s confidence interval (the min–max range below 6 repetitions) · faded ✗: verification failed', 'CPU µs/msg', finite(data), drivers, '~r');
}

/** Latency percentiles (p50 … p99.9) per driver on a log scale: one chart per scenario and size with latency. */
export function latencyChart(g: ArmGroup, drivers: readonly string[]): ChartSpec {
  const data: LatencyDatum[] = [];
  for (const r of g.rows) {
    const l = r.latency;
    if (!l || l.count === 0) continue;
    // Only the percentiles the sample count supports are drawn (the tables show the others in parentheses).
    for (const [key, label] of PERCENTILES) {
      const v = l[key];
      if (v !== undefined && Number.isFinite(v) && v > 0 && isSupported(l, key)) data.push({ driver: r.driver, label: `${r.driver} · ${label}: ${fmtInt(v)} µs${r.verified ? '' : ' (verification FAILED)'}`, percentile: label, value: v, verified: r.verified });
    }
  }
  const present = drivers.filter((d) => data.some((x) => x.driver === d));
  const labels = PERCENTILES.map(([, label]) => label);
  const floor = floorPow10(data);
  const id = `latency-${g.scenario}-${g.messageSize}`;
  const title = `${g.scenario} · ${fmtSize(g.messageSize)}: latency`;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: Math.max(260, labels.length * (present.length * 18 + 30)),
    height: 240,
    data: { values: data },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'percentile', type: 'nominal', sort: labels, title: 'percentile', axis: { labelAngle: 0 } },
      xOffset: { field: 'driver', type: 'nominal', sort: present },
      // Log bars have no zero: they start at a power of ten below the smallest value.
      y: { field: 'value', type: 'quantitative', title: 'latency µs', scale: { type: 'log', domainMin: floor }, axis: { format: '~s' } },
      y2: { datum: floor },
      color: { field: 'driver', type: 'nominal', title: 'driver', scale: colorScale(drivers, present), sort: present },
      opacity: { condition: { test: 'datum.verified', value: 1 }, value: 0.3 },
      description: { field: 'label', type: 'nominal' },
    },
    config: baseConfig(),
  };
  return { id, title, caption: 'µs, log scale, lower is better · latency histograms merged across repetitions (at a rate: corrected, from the intended send time) · only percentiles the sample count supports · faded: verification failed', spec };
}

interface SeriesDatum {
  driver: string;
  series: string;
  t: number;
  rate: number;
}

/**
 * The time series of a group's timed arms: per-interval rates (sent, acknowledged, consumed) against
 * seconds into the arm, one line per driver (its first ok repetition with a series). Undefined when
 * no arm has one.
 */
export function seriesChart(g: ArmGroup, drivers: readonly string[]): ChartSpec | undefined {
  const data: SeriesDatum[] = [];
  for (const r of g.rows) {
    const rep = r.run.repetitions.find((x) => x.ok && x.series && x.series.done.length > 1) ?? r.run.repetitions.find((x) => x.series && x.series.done.length > 1);
    const s = rep?.series;
    if (!s) continue;
    const perSec = 1000 / s.intervalMs;
    const add = (name: string, xs: number[] | undefined): void => xs?.forEach((v, i) => data.push({ driver: r.driver, series: name, t: ((i + 1) * s.intervalMs) / 1000, rate: v * perSec }));
    add(g.scenario === 'consumer' ? 'consumed' : 'sent', s.done);
    add('acked', s.acked);
    add('consumed', s.consumed);
  }
  if (!data.length) return undefined;
  const present = drivers.filter((d) => data.some((x) => x.driver === d));
  const id = `series-${g.scenario}-${g.messageSize}`;
  const title = `${g.scenario} · ${fmtSize(g.messageSize)}: rate over time`;
  // One small panel per driver (their rates can differ by orders of magnitude), the counts as colours.
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: data },
    facet: { field: 'driver', type: 'nominal', title: null, sort: present },
    columns: 2,
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 300,
      height: 130,
      mark: { type: 'line', interpolate: 'step-before', strokeWidth: 1.5 },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'seconds into the arm' },
        y: { field: 'rate', type: 'quantitative', title: 'msgs/s', axis: { format: '~s', labelExpr: ZERO_LABEL } },
        color: { field: 'series', type: 'nominal', title: 'count', scale: { domain: ['sent', 'acked', 'consumed'], range: ['#4e79a7', '#f28e2b', '#59a14f'] } },
      },
    },
    config: baseConfig(),
  };
  return { id, title, caption: 'per-interval rate from each arm’s progress lines (its first verified repetition): sent, acknowledged, consumed · a dip to 0 is an interval with no progress · each panel its own scale', spec };
}

function barLabel(driver: string, size: number, value: string, verified: boolean): string {
  return `${driver} · ${fmtSize(size)}: ${value}${verified ? '' : ' (verification FAILED)'}`;
}

function finite(data: BarDatum[]): BarDatum[] {
  return data
    .filter((d) => Number.isFinite(d.value))
    .map((d) => ({ ...d, lo: Number.isFinite(d.lo) ? d.lo : d.value, hi: Number.isFinite(d.hi) ? d.hi : d.value }))
    .sort((a, b) => a.sizeOrder - b.sizeOrder);
}

function floorPow10(data: readonly LatencyDatum[]): number {
  const min = Math.min(...data.map((d) => d.value));
  return Number.isFinite(min) && min > 0 ? 10 ** Math.floor(Math.log10(min)) : 1;
}

/** Renders a chart to a standalone SVG string (headless vega view; nothing is left running). */
export async function renderSvg(chart: ChartSpec): Promise<string> {
  const view = new View(parse(compile(chart.spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
