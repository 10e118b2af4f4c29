// The addon's latency histogram as TypeScript sees it (native/histogram.h): exact below 128 µs, then
// 128 linear buckets per power of two (< 0.8 % relative error). Percentiles come computed; the
// non-empty buckets are there to merge several histograms (repetitions, workers) into one HDR histogram.
import { newHistogram, recordBuckets, type LatencyHistogram } from '../stats/latency.js';

export interface LatencyBuckets {
  /** Samples recorded. */
  count: number;
  /** µs; 0 when count is 0. */
  min: number;
  max: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  /** Representative value (µs) of each non-empty bucket, ascending. */
  values: Float64Array;
  /** Samples in each of those buckets. */
  counts: Float64Array;
}

/** Records native buckets into an HDR histogram (a new one, or `into`). */
export function latencyToHdr(buckets: LatencyBuckets, into: LatencyHistogram = newHistogram()): LatencyHistogram {
  recordBuckets(into, buckets.values, buckets.counts);
  return into;
}
