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
 * Backlog growth, the one rule (the runner's note and `kbench sweep`'s hold rule). The window judged
 * is the sending part of the series: up to its last interval in which messages were still handed to
 * the client (after that the producer has stopped and the backlog only drains, which would hide a
 * backlog that grew while sending; a drain can span several intervals). The backlog is growing when
 * the mean of the window's last third is more than `factor` × that of its first third AND more than
 * `minSeconds` of the rate (below rate × 0.05 s, doubling from a handful of in-flight messages is
 * noise, not a queue building up). Fewer than `minIntervals` intervals: not judged.
 */
export const BACKLOG_GROWTH = { factor: 2, minSeconds: 0.05, minIntervals: 3 } as const;

/** What the backlog of one repetition did over its sending window. */
export interface BacklogTrend {
  /** False when the series is too short to judge (fewer than minIntervals intervals while sending). */
  judged: boolean;
  intervals: number;
  /** Mean backlog (messages) of the first and the last third of the sending window. */
  first: number;
  last: number;
  growing: boolean;
}

const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : 0);

export function backlogTrend(series: Pick<TimeSeries, 'done' | 'backlog'> | undefined, rate: number): BacklogTrend | undefined {
  const backlog = series?.backlog;
  if (!series || !backlog) return undefined;
  let end = 0;
  for (let i = 0; i < series.done.length; i++) if ((series.done[i] ?? 0) > 0) end = i + 1;
  const window = backlog.slice(0, end);
  if (window.length < BACKLOG_GROWTH.minIntervals) return { judged: false, intervals: window.length, first: NaN, last: NaN, growing: false };
  const third = Math.floor(window.length / 3);
  const first = mean(window.slice(0, third));
  const last = mean(window.slice(window.length - third));
  const growing = last > BACKLOG_GROWTH.factor * first && last > rate * BACKLOG_GROWTH.minSeconds;
  return { judged: true, intervals: window.length, first, last, growing };
}
