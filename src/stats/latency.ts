// Latency histograms (µs): HDR histograms recorded per repetition, shipped between processes as
// compressed base64, and merged across repetitions and workers, never averaged.
import * as hdr from 'hdr-histogram-js';
import type { LatencyPercentiles } from '../results/types.js';

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

export function percentiles(h: LatencyHistogram): LatencyPercentiles {
  return {
    p50: h.getValueAtPercentile(50),
    p95: h.getValueAtPercentile(95),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
    max: h.maxValue,
    count: h.totalCount,
  };
}
