// Latency objectives: `p99<20ms`, several comma-separated (`p99<20ms,p99.9<100ms`), every one
// judged on the corrected latency — from each message's intended send time on the open-loop
// schedule, so time a message spent waiting behind a slow client counts.
import type { LatencyPercentiles, PercentileKey } from '../results/types.js';
import { PERCENTILE_LABELS, isSupported } from '../stats/latency.js';
import { UsageError } from '../util/errors.js';
import type { Slo, SloTerm } from './types.js';

/** Percentiles an objective may name, as written after the `p`. */
const PERCENTILE_NAMES: Readonly<Record<string, PercentileKey>> = {
  '50': 'p50',
  '90': 'p90',
  '95': 'p95',
  '99': 'p99',
  '99.9': 'p999',
  '999': 'p999',
  '99.99': 'p9999',
  '9999': 'p9999',
};
const UNIT_US: Readonly<Record<string, number>> = { us: 1, µs: 1, ms: 1000, s: 1_000_000 };
const KNOWN = 'p50, p90, p95, p99, p99.9, p99.99';

/** "p99<20ms" → { percentile: 'p99', limitUs: 20000 }; a UsageError naming `option` otherwise. */
export function parseSlo(value: string, option = '--slo'): Slo {
  const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new UsageError(`${option} needs an objective such as p99<20ms`);
  const terms: SloTerm[] = [];
  for (const part of parts) {
    const m = /^p([\d.]+)\s*<\s*(\S*?)\s*(us|µs|ms|s)?$/i.exec(part);
    if (!m) throw new UsageError(`${option}: '${part}' is not an objective such as p99<20ms (a percentile ${KNOWN}, '<', a latency in us, ms or s)`);
    const key = PERCENTILE_NAMES[m[1] as string];
    if (!key) throw new UsageError(`${option}: unknown percentile 'p${m[1]}' in '${part}' (known: ${KNOWN})`);
    const num = m[2] as string;
    const unit = m[3]?.toLowerCase();
    if (!/^\d+(\.\d+)?$/.test(num) || !unit) throw new UsageError(`${option}: '${part}': the limit must be a number with a unit (us, ms or s), e.g. p99<20ms`);
    const limitUs = Number(num) * (UNIT_US[unit] as number);
    if (!(limitUs >= 1)) throw new UsageError(`${option}: '${part}': the limit must be at least 1 µs`);
    if (terms.some((t) => t.percentile === key)) throw new UsageError(`${option}: ${PERCENTILE_LABELS[key]} is given twice`);
    const label = PERCENTILE_LABELS[key];
    terms.push({ percentile: key, label, limitUs, text: `${label}<${num}${unit === 'µs' ? 'us' : unit}` });
  }
  return { text: terms.map((t) => t.text).join(','), terms, basis: 'corrected' };
}

/** A latency in µs for people: "850 µs", "31.2 ms", "1.09 s". */
export function fmtLatencyUs(us: number | undefined): string {
  if (us === undefined || !Number.isFinite(us)) return '—';
  const sig = (v: number): string => String(Number(v >= 100 ? Math.round(v) : v >= 10 ? v.toFixed(1) : v.toFixed(2)));
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${sig(us / 1000)} ms`;
  return `${sig(us / 1_000_000)} s`;
}

export interface SloVerdict {
  met: boolean;
  /** One line per term missed, e.g. "p99 31.2 ms > 20 ms". */
  failures: string[];
  /** Terms judged on a percentile the sample count does not support (it is one of the few largest samples). */
  weak: string[];
}

/** Checks corrected latency against every term of the objective. No latency at all is a miss. */
export function checkSlo(latency: LatencyPercentiles | undefined, slo: Slo): SloVerdict {
  if (!latency || latency.count === 0) return { met: false, failures: ['no latency measured'], weak: [] };
  const failures: string[] = [];
  const weak: string[] = [];
  for (const t of slo.terms) {
    const v = latency[t.percentile];
    if (v === undefined || !Number.isFinite(v)) {
      failures.push(`no ${t.label} measured`);
      continue;
    }
    if (v > t.limitUs) failures.push(`${t.label} ${fmtLatencyUs(v)} > ${fmtLatencyUs(t.limitUs)}`);
    if (!isSupported(latency, t.percentile)) weak.push(`${t.label} from only ${latency.count.toLocaleString('en-US')} samples (one of the few largest)`);
  }
  return { met: failures.length === 0, failures, weak };
}
