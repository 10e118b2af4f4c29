// An arm's time series, from its progress lines (ProgressLine in src/contract/arm.ts): every driver
// prints them, so every driver gets one. The parent time-stamps each line as it arrives; the series
// starts at the first line with measured progress (lines come at most every 200 ms, so the first
// interval may start up to 200 ms into the window) and ends at the last line. Counts are carried
// forward between lines: an interval without a line (a stall) shows as zero.
import type { ProgressLine } from '../contract/arm.js';
import type { TimeSeries } from '../results/types.js';

type Counts = Required<Pick<ProgressLine, 'done'>> & Partial<Pick<ProgressLine, 'acked' | 'failed' | 'consumed'>>;

interface Sample {
  tMs: number;
  done: number;
  acked?: number;
  failed?: number;
  consumed?: number;
}

const FIELDS = ['acked', 'failed', 'consumed'] as const;

export class SeriesRecorder {
  private readonly latest = new Map<string, Counts>();
  private readonly samples: Sample[] = [];

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** One progress line from the process or thread `key`; counts are summed over keys. */
  record(key: string, line: Counts): void {
    this.latest.set(key, line);
    const s: Sample = { tMs: this.clock(), done: 0 };
    for (const c of this.latest.values()) {
      s.done += c.done;
      for (const f of FIELDS) if (c[f] !== undefined) s[f] = (s[f] ?? 0) + (c[f] as number);
    }
    if (s.done === 0 && !this.samples.length) return;
    this.samples.push(s);
  }

  /** The binned series, or undefined with fewer than two samples. Interval: 1 s from 5 s up, 500 ms from 1 s, else 250 ms. */
  finish(): TimeSeries | undefined {
    return binSeries(this.samples);
  }
}

export function binSeries(samples: readonly Sample[]): TimeSeries | undefined {
  if (samples.length < 2) return undefined;
  const t0 = (samples[0] as Sample).tMs;
  const span = (samples[samples.length - 1] as Sample).tMs - t0;
  // Lines come every ~200 ms: bins of 500 ms and up keep that cadence from aliasing into the rates.
  const intervalMs = span >= 5000 ? 1000 : span >= 1000 ? 500 : 250;
  const bins = Math.max(1, Math.ceil(span / intervalMs));
  const has = (f: (typeof FIELDS)[number]): boolean => samples.some((s) => s[f] !== undefined);
  const out: TimeSeries = { intervalMs, done: [] };
  const fields = FIELDS.filter(has);
  for (const f of fields) out[f] = [];
  const backlogOf = fields.includes('consumed') ? 'consumed' : fields.includes('acked') ? 'acked' : undefined;
  if (backlogOf) out.backlog = [];
  // The first sample's counts are what happened before the series starts: the first interval counts from them.
  let prev: Sample = samples[0] as Sample;
  let j = 0;
  for (let b = 1; b <= bins; b++) {
    const end = b === bins ? Infinity : t0 + b * intervalMs;
    let cur = prev;
    while (j < samples.length && (samples[j] as Sample).tMs <= end) cur = samples[j++] as Sample;
    out.done.push(cur.done - prev.done);
    for (const f of fields) (out[f] as number[]).push((cur[f] ?? 0) - (prev[f] ?? 0));
    if (backlogOf) (out.backlog as number[]).push(Math.max(0, cur.done - (cur[backlogOf] ?? 0)));
    prev = cur;
  }
  return out;
}

/**
 * A backlog that keeps growing: the arm sent faster than it was acknowledged (or consumed) for the
 * whole window. True when the mean backlog of the last third of the intervals is more than twice
 * that of the first third and above `rate` × 50 ms (a backlog a rate can hold briefly). Needs at
 * least 6 intervals (the last one, the drain after sending stopped, is left out).
 */
export function backlogGrowing(s: TimeSeries | undefined, rate: number): boolean {
  const b = s?.backlog?.slice(0, -1);
  if (!b || b.length < 6) return false;
  const third = Math.floor(b.length / 3);
  const mean = (xs: number[]): number => xs.reduce((x, y) => x + y, 0) / xs.length;
  const first = mean(b.slice(0, third));
  const last = mean(b.slice(-third));
  return last > 2 * first && last > rate * 0.05;
}
