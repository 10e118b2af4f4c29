// From arm runs to results: summaries over repetitions, the ratio to C, crossings per message and
// the measured decomposition. Pure functions of the runs.
import type { ArmRun, Breakdown, CrossingCounts, NsSummary, OverheadDriver, OverheadPath, OverheadResult } from './types.js';
import { isCDriver } from './types.js';

export function summarize(values: readonly number[]): NsSummary {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return { median: NaN, min: NaN, max: NaN };
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number, max: s[s.length - 1] as number };
}

const median = (xs: readonly number[]): number => summarize(xs).median;

/** ns/msg of a run without its GC pauses. */
const mutatorNs = (r: ArmRun): number => r.nsPerMsg - r.gcNsPerMsg;

export interface ResultInput {
  driver: OverheadDriver;
  path: OverheadPath;
  messageSize: number;
  messages: number;
  api: string;
  runs: ArmRun[];
  crossings?: CrossingCounts;
  error?: string;
  notes: string[];
}

/**
 * One result per driver × path × size. `cMedian` is the C arm's median ns/msg on the same path and
 * size (undefined when it did not run): the librdkafka component and the denominator of ratioToC.
 */
export function buildResult(i: ResultInput, cMedian: number | undefined, cCpuMedian?: number): OverheadResult {
  const api = i.runs.filter((r) => r.variant === 'api');
  const direct = i.runs.filter((r) => r.variant === 'direct');
  const broker = i.path === 'produce' ? 'none' : 'mock cluster';
  const librdkafka = api[0]?.librdkafka ?? direct[0]?.librdkafka ?? '';
  const crossingsPerMsg = isCDriver(i.driver) ? 0 : i.crossings ? (i.crossings.jsToNative + i.crossings.nativeToJs) / i.messages : null;
  const base: OverheadResult = {
    driver: i.driver,
    path: i.path,
    messageSize: i.messageSize,
    nsPerMsg: summarize(api.map((r) => r.nsPerMsg)),
    crossingsPerMsg,
    breakdown: { librdkafka: cMedian ?? NaN },
    broker,
    api: i.api,
    librdkafka,
    notes: [...i.notes],
    runs: i.runs,
  };
  if (i.crossings) {
    base.crossings = {
      jsToNative: i.crossings.jsToNative,
      nativeToJs: i.crossings.nativeToJs,
      perMsg: { jsToNative: i.crossings.jsToNative / i.messages, nativeToJs: i.crossings.nativeToJs / i.messages },
      byFunction: i.crossings.byFunction,
    };
  }
  if (i.error !== undefined || api.length === 0) return { ...base, error: i.error ?? 'no runs' };
  if (cMedian !== undefined && Number.isFinite(cMedian) && cMedian > 0) base.ratioToC = base.nsPerMsg.median / cMedian;
  base.cpuNsPerMsg = summarize(api.map((r) => r.cpuNsPerMsg));
  if (cCpuMedian !== undefined && Number.isFinite(cCpuMedian) && cCpuMedian > 0) base.cpuRatioToC = base.cpuNsPerMsg.median / cCpuMedian;
  if (isCDriver(i.driver)) {
    base.breakdown = { librdkafka: base.nsPerMsg.median };
    return base;
  }
  base.gcNsPerMsg = summarize(api.map((r) => r.gcNsPerMsg));
  const breakdown: Breakdown = { librdkafka: cMedian ?? NaN, gc: base.gcNsPerMsg.median };
  const apiMutator = median(api.map(mutatorNs));
  if (direct.length > 0) {
    base.directNsPerMsg = summarize(direct.map((r) => r.nsPerMsg));
    const directMutator = median(direct.map(mutatorNs));
    breakdown.crossing = directMutator - (cMedian ?? NaN);
    breakdown.js = apiMutator - directMutator;
  } else {
    // No direct variant: the binding and its JS are one component.
    breakdown.crossing = apiMutator - (cMedian ?? NaN);
  }
  base.breakdown = breakdown;
  return base;
}
