// Combines the outcomes of an arm split across worker threads or processes into one outcome.
import type { ScenarioOutcome } from '../scenarios/types.js';
import { addErrors } from '../scenarios/measure.js';
import { encodeHistogram, mergeHistograms } from '../stats/latency.js';
import { addChecksums } from '../verify/payload.js';


const minOpt = (xs: (number | undefined)[]): number | undefined => (xs.every((x) => x === undefined) ? undefined : Math.min(...xs.map((x) => x ?? 0)));
const sumOpt = (xs: (number | undefined)[]): number | undefined => (xs.every((x) => x === undefined) ? undefined : xs.reduce<number>((s, x) => s + (x ?? 0), 0));

/**
 * `threads`: parts share one process, so each part's CPU figure is already process-wide: the
 * widest one is kept (not summed). `processes`: CPU and RSS add up.
 */
export function combineOutcomes(parts: readonly ScenarioOutcome[], mode: 'threads' | 'processes'): ScenarioOutcome {
  if (parts.length === 1) return parts[0] as ScenarioOutcome;
  const failed = parts.filter((p) => !p.ok);
  // The measured interval spans the parts that measured something (a part may hold only warm-up).
  const timed = parts.some((p) => p.messages > 0) ? parts.filter((p) => p.messages > 0) : parts;
  const startUs = Math.min(...timed.map((p) => p.startUs));
  const endUs = Math.max(...timed.map((p) => p.endUs));
  const errors: Record<string, number> = {};
  for (const p of parts) addErrors(errors, p.errors ?? {});
  const checksums = parts.map((p) => p.checksum).filter((c): c is string => c !== undefined);
  const hist = mergeHistograms(parts.map((p) => p.latencyHistogram));
  const service = mergeHistograms(parts.map((p) => p.serviceHistogram));
  const cpu = (f: (p: ScenarioOutcome) => number | undefined): number | undefined =>
    mode === 'processes' ? sumOpt(parts.map(f)) : Math.max(...parts.map((p) => f(p) ?? 0));
  const out: ScenarioOutcome = {
    ok: failed.length === 0,
    messages: parts.reduce((s, p) => s + p.messages, 0),
    bytes: parts.reduce((s, p) => s + p.bytes, 0),
    elapsedNs: Math.max(1, Math.round((endUs - startUs) * 1000)),
    startUs,
    endUs,
    errors,
    config: parts[0]?.config ?? {},
    notes: [`${parts.length} ${mode === 'threads' ? 'worker threads' : 'processes'}`, ...new Set(parts.flatMap((p) => p.notes))],
  };
  if (failed.length) {
    out.error = parts.flatMap((p, i) => (p.ok ? [] : [`part ${i + 1}: ${p.error ?? 'failed'}`])).join('; ');
  }
  const optional: [keyof ScenarioOutcome, number | undefined][] = [
    ['cpuUserUs', cpu((p) => p.cpuUserUs)],
    ['cpuSysUs', cpu((p) => p.cpuSysUs)],
    ['rssPeakBytes', mode === 'processes' ? sumOpt(parts.map((p) => p.rssPeakBytes)) : Math.max(...parts.map((p) => p.rssPeakBytes ?? 0))],
    ['delivered', sumOpt(parts.map((p) => p.delivered))],
    ['failed', sumOpt(parts.map((p) => p.failed))],
    ['consumed', sumOpt(parts.map((p) => p.consumed))],
    ['consumedBytes', sumOpt(parts.map((p) => p.consumedBytes))],
    // Every share reads the whole warm-up topic: the combined figure is the least any measuring share read.
    ['warmupConsumed', minOpt(timed.map((p) => p.warmupConsumed))],
    ['lost', sumOpt(parts.map((p) => p.lost))],
    ['duplicated', sumOpt(parts.map((p) => p.duplicated))],
  ];
  for (const [k, v] of optional) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  if (checksums.length) out.checksum = addChecksums(checksums);
  if (hist) out.latencyHistogram = encodeHistogram(hist);
  if (service) out.serviceHistogram = encodeHistogram(service);
  // Paced parts each keep their share of the rate: the arm's rates add up.
  const requested = sumOpt(parts.map((p) => p.requestedRate));
  const achieved = sumOpt(parts.map((p) => p.achievedRate));
  if (requested !== undefined) out.requestedRate = requested;
  if (achieved !== undefined) out.achievedRate = achieved;
  return out;
}
