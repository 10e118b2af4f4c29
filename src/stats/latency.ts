// Latency histograms (µs): HDR histograms recorded per repetition, shipped between processes as
// compressed base64, and merged across repetitions and workers, never averaged.
import * as hdr from 'hdr-histogram-js';
import { PERCENTILE_KEYS, type LatencyPercentiles, type PercentileKey } from '../results/types.js';

export type LatencyHistogram = hdr.Histogram;

/** 1 µs .. 1 hour, 3 significant digits. */
export function newHistogram(): LatencyHistogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

export function encodeHistogram(h: LatencyHistogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(b64: string): LatencyHistogram {
  return hdr.decodeFromCompressedBase64(b64, 32, false);
}

/** Merges encoded histograms into one (undefined when there are none). */
export function mergeHistograms(encoded: readonly (string | undefined)[]): LatencyHistogram | undefined {
  let merged: LatencyHistogram | undefined;
  for (const e of encoded) {
    if (!e) continue;
    const h = decodeHistogram(e);
    if (!merged) merged = newHistogram();
    merged.add(h);
  }
  return merged;
}

/** Records a native histogram's (value, count) buckets, e.g. the addon's, into an HDR histogram. */
export function recordBuckets(h: LatencyHistogram, values: ArrayLike<number>, counts: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const c = counts[i] as number;
    if (c > 0) h.recordValueWithCount(Math.max(1, values[i] as number), c);
  }
}

/** The percentile (in %) each key stands for. */
export const PERCENTILE_VALUES: Readonly<Record<PercentileKey, number>> = { p50: 50, p90: 90, p95: 95, p99: 99, p999: 99.9, p9999: 99.99 };

/** Display labels. */
export const PERCENTILE_LABELS: Readonly<Record<PercentileKey, string>> = { p50: 'p50', p90: 'p90', p95: 'p95', p99: 'p99', p999: 'p99.9', p9999: 'p99.99' };

/**
 * Samples a percentile needs before it is shown as a figure: at least 10 samples beyond it
 * (p99: 1,000; p99.9: 10,000; p99.99: 100,000). Below that the value is one of the few largest
 * samples — p99.9 of 2,000 samples is the second-worst — and views mark it.
 */
export const BEYOND_SAMPLES = 10;

export function minSamplesFor(key: PercentileKey): number {
  return Math.round((BEYOND_SAMPLES * 100) / (100 - PERCENTILE_VALUES[key]));
}

export function supportedPercentiles(count: number): PercentileKey[] {
  return PERCENTILE_KEYS.filter((k) => count >= minSamplesFor(k));
}

/** Is `key` supported by this summary? Documents written before `supported` existed: by their count. */
export function isSupported(l: LatencyPercentiles, key: PercentileKey): boolean {
  return (l.supported ?? supportedPercentiles(l.count)).includes(key);
}

export function percentiles(h: LatencyHistogram): LatencyPercentiles {
  const count = h.totalCount;
  return {
    p50: h.getValueAtPercentile(50),
    p90: h.getValueAtPercentile(90),
    p95: h.getValueAtPercentile(95),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
    p9999: h.getValueAtPercentile(99.99),
    max: h.maxValue,
    count,
    supported: supportedPercentiles(count),
  };
}

/** One tagged histogram of an HDR log: e.g. tag "addon.e2e-latency.100.corrected", its window (ms since the epoch). */
export interface LoggedHistogram {
  tag: string;
  startMs: number;
  endMs: number;
  histogram: string;
}

/**
 * The HdrHistogram log format (HistogramLogWriter, as HdrHistogram's Java, C and Go tools read it;
 * values in µs, so max is reported in ms with a unit ratio of 1000).
 */
export function hdrLog(entries: readonly LoggedHistogram[], comment: string): string {
  let out = '';
  const w = new hdr.HistogramLogWriter((s) => void (out += s));
  w.outputComment(comment);
  w.outputComment('values in microseconds; MaxValue column in milliseconds');
  const base = entries.length ? Math.min(...entries.map((e) => e.startMs)) : Date.now();
  w.outputLogFormatVersion();
  w.outputStartTime(base);
  w.outputLegend();
  for (const e of entries) {
    const h = decodeHistogram(e.histogram);
    h.tag = e.tag.replace(/[\s,]/g, '_');
    w.outputIntervalHistogram(h, (e.startMs - base) / 1000, (e.endMs - base) / 1000, 1000);
  }
  return out;
}
